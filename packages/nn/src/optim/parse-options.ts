import { zodErrorLine } from '@ouroboros/core';
import type { z } from 'zod';

/** `schema.parse(value)`, failing with one line: `what: field = value: expected ...`. */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new Error(`${what}: ${zodErrorLine(result.error, value)}`);
}

import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import { zodErrorLine } from '../config/config-error.ts';

/**
 * Reads and checks a JSON file that ouroboros wrote (a saved model's header, say). Every failure is
 * one line naming the file, the field and `expected`, what the file should be: missing, not JSON,
 * or not matching `schema`.
 */
export function readJsonFile<T>(path: string, schema: z.ZodType<T>, expected: string): T {
  if (!existsSync(path)) throw new Error(`${path}: missing; expected ${expected}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message.split('\n')[0]}); expected ${expected}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`${path}: ${zodErrorLine(parsed.error, json)}; expected ${expected}`);
  return parsed.data;
}

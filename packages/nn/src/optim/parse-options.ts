import type { z } from 'zod';

/** `schema.parse(value)`, failing with one line: `what: field = value: expected ...`. */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') throw new Error(`${what}: unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`);
  const field = issue.path.map(String).join('.') || 'options';
  const actual = issue.path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined), value);
  const message = issue.message.replace(/^Invalid input: /, '').replace(/^Too (small|big): /, '');
  throw new Error(`${what}: ${field} = ${JSON.stringify(actual)}: ${message}`);
}

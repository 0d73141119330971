import type { z } from 'zod';
import type { CommandRun, Streams } from '../commands.ts';
import { UsageError } from '../usage-error.ts';

/** A schema of flags: an object schema whose keys are the flags' names (options/flags.ts `flags`). */
export type FlagSchema = z.ZodType & { readonly shape: Record<string, unknown> };

/** A command's parsed option values (`node:util` parseArgs), before their schema reads them. */
export type RawValues = Record<string, string | boolean | string[] | undefined>;

/**
 * The flags of `values` that `schema` declares, read by it; an invalid one is a UsageError of one
 * line naming the flag and what was expected (the flag schemas' own message).
 */
export function parseFlags<S extends FlagSchema>(schema: S, values: RawValues): z.output<S> {
  const declared = Object.fromEntries(Object.keys(schema.shape).map((name) => [name, values[name]]));
  const result = schema.safeParse(declared);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new UsageError(issue.code === 'custom' ? issue.message : `--${issue.path.join('.')}: ${issue.message}`);
}

/** A command whose options are read by `schema`: its implementation gets them typed; `flags` is the schema, for checks against its help. */
export function withFlags<S extends FlagSchema>(schema: S, run: (positionals: string[], flags: z.output<S>, io: Streams, values: RawValues) => Promise<number>): CommandRun & { readonly flags: S } {
  return Object.assign((positionals: string[], values: RawValues, io: Streams) => run(positionals, parseFlags(schema, values), io, values), { flags: schema });
}

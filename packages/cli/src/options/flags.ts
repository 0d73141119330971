import { backendNames, type BackendName } from '@ouroboros/core';
import { z } from 'zod';

/** A flag's schema, built for its name (`--jobs`) so that its error names it. */
export type Flag<T extends z.ZodType = z.ZodType> = (flag: string) => T;

/** Values of a string flag, checked by `check` (null when fine, else what was expected); the error is `--flag VALUE: expected ...`. */
function checkedText<T>(read: (text: string) => T | null, expected: string, show: (text: string) => string = (text) => text): Flag<z.ZodType<T | undefined>> {
  return (flag) =>
    z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (text === undefined) return undefined;
        const value = read(text);
        if (value === null) {
          ctx.addIssue({ code: 'custom', message: `${flag} ${show(text)}: expected ${expected}` });
          return z.NEVER;
        }
        return value;
      });
}

/** A string flag, as given. */
export const text = () => z.string().optional();

/** A repeatable string flag (`--set A=1 --set B=2`): every value, in order; none when not given. */
export const texts = () => z.array(z.string()).default([]);

/** A boolean flag: true when given. */
export const bool = () =>
  z
    .boolean()
    .optional()
    .transform((value) => value === true);

/** A whole number >= `min` (`--rows`). */
export function atLeast(min: number): Flag<z.ZodType<number | undefined>> {
  return checkedText((text) => (/^\d+$/.test(text) && Number(text) >= min ? Number(text) : null), `a whole number >= ${min}`);
}

/** A whole number >= 1 (`--jobs`, `--threads`, `--cpus`, `--timeout`, ...). */
export const positiveInt = atLeast(1);

/** An integer, negative included (`--seed`). */
export const integer = checkedText((text) => (text.trim() !== '' && Number.isInteger(Number(text)) ? Number(text) : null), 'an integer');

/** One of `choices` (`--split train|test`). */
export function oneOf<const C extends readonly string[]>(choices: C, expected = choices.join(' or ')): Flag<z.ZodType<C[number] | undefined>> {
  return checkedText((text) => ((choices as readonly string[]).includes(text) ? (text as C[number]) : null), expected);
}

/** A tensor backend name (`--backend`). */
export const backend: Flag<z.ZodType<BackendName | undefined>> = oneOf(backendNames, `one of ${backendNames.join(', ')}`);

/** One word without white space (an #SBATCH value such as `--partition gpu`). */
export const word = checkedText((text) => (/^\S+$/.test(text) ? text : null), 'one word without spaces', (text) => JSON.stringify(text));

/** The schema of a command's flags: each key (the flag's name without `--`) with its flag builder. */
export function flags<const S extends Record<string, Flag>>(shape: S): z.ZodObject<{ [K in keyof S]: ReturnType<S[K]> }> {
  return z.object(Object.fromEntries(Object.entries(shape).map(([name, flag]) => [name, flag(`--${name}`)])) as { [K in keyof S]: ReturnType<S[K]> });
}

/** The `--set` overrides, with `--backend` as one more. */
export function setsWithBackend(sets: readonly string[], backendName: string | undefined): string[] {
  return [...sets, ...(backendName ? [`backend=${backendName}`] : [])];
}

import { UsageError } from './usage-error.ts';

/** A whole-number option (`--jobs`, `--threads`, `--cpus`, ...), checked: >= 1. */
export function positiveInt(flag: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${flag} ${text}: expected a whole number >= 1`);
  return Number(text);
}

import { backendNames, type BackendName } from '@ouroboros/core';
import { UsageError } from './usage-error.ts';

/** A `--backend` value, checked. */
export function backendName(value: string | undefined): BackendName | undefined {
  if (value === undefined) return undefined;
  if (!(backendNames as readonly string[]).includes(value)) throw new UsageError(`--backend ${value}: expected one of ${backendNames.join(', ')}`);
  return value as BackendName;
}

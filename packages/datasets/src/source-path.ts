import { existsSync, statSync, type Stats } from 'node:fs';

/** `path`'s stats; throws naming the dataset, the path and what was expected when it does not exist. */
export function statSource(path: string, dataset: string, expected: string): Stats {
  if (!existsSync(path)) throw new Error(`${dataset}: path ${path} does not exist; expected ${expected}`);
  return statSync(path);
}

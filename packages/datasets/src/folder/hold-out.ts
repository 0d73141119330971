import { createHash } from 'node:crypto';

/**
 * A train/test partition of named files that depends only on the names: the test split is the
 * `test` names whose sha256 comes first, the rest is the training split; both as positions in
 * `names`, ascending. Every run and seed holds out the same files, and adding or removing files
 * moves no other file between the splits beyond the ones at the boundary.
 */
export function holdOut(names: readonly string[], test: number): { train: Uint32Array; test: Uint32Array } {
  const keys = names.map((name) => createHash('sha256').update(name).digest('hex'));
  const order = names.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
  const held = new Set(order.slice(0, test));
  const train: number[] = [];
  const testRows: number[] = [];
  names.forEach((_, i) => (held.has(i) ? testRows : train).push(i));
  return { train: Uint32Array.from(train), test: Uint32Array.from(testRows) };
}

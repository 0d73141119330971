import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkpointStore } from '../store/checkpoint-store.ts';
import { removeInside } from '../store/remove-inside.ts';
import { SampleStore } from '../store/sample-store.ts';

/** A generation's checkpoint folder's problems: each phase checkpoint (`fit/`, ...) and each sample store (features) that fails its checksums. */
export interface CheckpointDamage {
  /** The phase folder or store to discard. */
  readonly dir: string;
  readonly problems: readonly string[];
}

/**
 * Every damaged part of `work` (a `checkpoints/gen-XXX/` folder): a phase folder whose checkpoint in
 * force does not match the checksums in its latest.json, a store (a generation's features) whose
 * chunks do not match its samples.json. Links are not followed.
 */
export function damagedCheckpoints(work: string): CheckpointDamage[] {
  if (!existsSync(work)) return [];
  const damage: CheckpointDamage[] = [];
  for (const dir of foldersUnder(work)) {
    const problems = SampleStore.exists(dir) ? storeProblems(dir) : checkpointStore.problems(dir);
    if (problems.length > 0) damage.push({ dir, problems });
  }
  return damage;
}

function storeProblems(dir: string): string[] {
  try {
    return SampleStore.open(dir).verify();
  } catch (error) {
    return [(error as Error).message];
  }
}

/** `dir` and every folder below it, links left out. */
function foldersUnder(dir: string): string[] {
  const out = [dir];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (lstatSync(path).isDirectory()) out.push(...foldersUnder(path));
  }
  return out;
}

/** Removes each damaged part of generation `t`'s checkpoint folder with a note: what it held is computed again, to the same numbers. */
export function discardDamagedCheckpoints(root: string, work: string, t: number, note: (line: string) => void): void {
  for (const { dir, problems } of damagedCheckpoints(work)) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    note(`${problems[0]}${more}: generation ${t}'s checkpoint ${relative(work, dir)} is discarded and computed again (the same numbers, more time)`);
    removeInside(root, dir);
  }
}

import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../config/cell-id.ts';
import { writeJsonAtomic } from './atomic-write.ts';
import { checksumProblems, fileChecksums, sha256Of, type FileChecksums } from './file-checksums.ts';
import { removeInside } from './remove-inside.ts';

const LATEST = 'latest.json';

/** `latest.json`: the state folder in force, where the work stands, the size and sha256 of each state file, and its own sha256. */
interface LatestFile<T> {
  readonly state: string;
  readonly position: T;
  readonly files: FileChecksums;
  readonly sha256: string;
}

/** A checkpoint that does not match its checksums: `problems` names each damaged file. */
export class DamagedCheckpoint extends Error {
  override readonly name = 'DamagedCheckpoint';
  constructor(
    readonly dir: string,
    readonly problems: readonly string[],
  ) {
    super(`${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}; the checkpoint in ${dir} is damaged`);
  }
}

/**
 * Mid-fit checkpoints in a folder: each one is a folder `state-<step>/` written in full before
 * `latest.json` names it (an atomic rename), so a crash while saving leaves the previous checkpoint
 * in force. `latest.json` carries the size and sha256 of every state file and a sha256 of itself;
 * loading checks them all, so a flipped byte is never trained on. Older state folders are removed
 * once the new one is in force.
 */
export const checkpointStore = {
  /** The checkpoint in force with the position saved beside it, or null when there is none; throws DamagedCheckpoint. */
  latest<T>(dir: string): { stateDir: string; position: T } | null {
    if (!existsSync(join(dir, LATEST))) return null;
    const { latest, problems } = inspect<T>(dir);
    if (problems.length > 0 || !latest) throw new DamagedCheckpoint(dir, problems);
    return { stateDir: join(dir, latest.state), position: latest.position };
  },

  /** Every damaged file of the checkpoint in force in `dir`, one line each; empty when intact or absent. */
  problems(dir: string): string[] {
    return existsSync(join(dir, LATEST)) ? inspect(dir).problems : [];
  },

  async save<T>(dir: string, step: number, position: T, writeState: (stateDir: string) => Promise<void>): Promise<void> {
    const state = `state-${step}`;
    const stateDir = join(dir, state);
    removeInside(dir, stateDir);
    mkdirSync(stateDir, { recursive: true });
    await writeState(stateDir);
    const content = { state, position, files: fileChecksums(stateDir) };
    writeJsonAtomic(join(dir, LATEST), { ...content, sha256: sha256Of(canonicalJson(content)) } satisfies LatestFile<T>);
    for (const entry of readdirSync(dir)) if (entry.startsWith('state-') && entry !== state) removeInside(dir, join(dir, entry));
  },
};

function inspect<T>(dir: string): { latest: LatestFile<T> | null; problems: string[] } {
  const path = join(dir, LATEST);
  let latest: LatestFile<T>;
  try {
    latest = JSON.parse(readFileSync(path, 'utf8')) as LatestFile<T>;
  } catch (error) {
    return { latest: null, problems: [`${path}: not valid JSON (${(error as Error).message.split('\n')[0]})`] };
  }
  const { sha256, ...content } = latest ?? {};
  if (typeof latest?.state !== 'string' || typeof latest.files !== 'object' || typeof sha256 !== 'string') {
    return { latest: null, problems: [`${path}: no checksums (written by an older ouroboros, or damaged); the checkpoint cannot be checked`] };
  }
  if (sha256Of(canonicalJson(content)) !== sha256) return { latest: null, problems: [`${path}: sha256 differs from the one it carries; the file is damaged`] };
  const stateDir = join(dir, latest.state);
  if (!/^state-\d+$/.test(latest.state) || !existsSync(stateDir) || !lstatSync(stateDir).isDirectory()) {
    return { latest: null, problems: [`${path}: names ${latest.state}, which is missing; the checkpoint is damaged`] };
  }
  return { latest, problems: checksumProblems(stateDir, latest.files, path) };
}

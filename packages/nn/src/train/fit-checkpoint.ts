import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '@ouroboros/core';

const LATEST = 'latest.json';

/** Where a fit stands, saved next to the model's training state. */
export interface FitPosition {
  /** Steps of this fit already taken. */
  readonly fitStep: number;
  /** Steps this fit takes in all. */
  readonly totalSteps: number;
  /** Losses of the last steps, for the fit's reported training loss. */
  readonly recentLosses: number[];
}

/**
 * Mid-fit checkpoints in a fit's checkpoint folder: each one is a folder `state-<step>/` written in
 * full before `latest.json` points at it (an atomic rename), so a crash while saving leaves the
 * previous checkpoint in force. Older state folders are removed once the new one is in force.
 */
export const fitCheckpoints = {
  latest(dir: string): { stateDir: string; position: FitPosition } | null {
    const path = join(dir, LATEST);
    if (!existsSync(path)) return null;
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { state: string } & FitPosition;
    const stateDir = join(dir, saved.state);
    if (!existsSync(stateDir)) throw new Error(`${path}: names ${saved.state}, which is missing; the checkpoint folder is damaged`);
    return { stateDir, position: { fitStep: saved.fitStep, totalSteps: saved.totalSteps, recentLosses: saved.recentLosses } };
  },

  async save(dir: string, position: FitPosition, writeState: (stateDir: string) => Promise<void>): Promise<void> {
    const name = `state-${position.fitStep}`;
    const stateDir = join(dir, name);
    rmSync(stateDir, { recursive: true, force: true });
    mkdirSync(stateDir, { recursive: true });
    await writeState(stateDir);
    writeJsonAtomic(join(dir, LATEST), { state: name, ...position });
    for (const entry of readdirSync(dir)) if (entry.startsWith('state-') && entry !== name) rmSync(join(dir, entry), { recursive: true, force: true });
  },
};

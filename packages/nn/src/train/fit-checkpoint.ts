import { checkpointStore } from '@ouroboros/core';

/** Where a fit stands, saved next to the model's training state. */
export interface FitPosition {
  /** Steps of this fit already taken. */
  readonly fitStep: number;
  /** Steps this fit takes in all. */
  readonly totalSteps: number;
  /** Losses of the last steps, for the fit's reported training loss. */
  readonly recentLosses: number[];
}

/** A fit's checkpoints: core's checkpoint store (checksummed state folders named by step) holding a FitPosition. */
export const fitCheckpoints = {
  latest: (dir: string) => checkpointStore.latest<FitPosition>(dir),
  save: (dir: string, position: FitPosition, writeState: (stateDir: string) => Promise<void>) => checkpointStore.save(dir, position.fitStep, position, writeState),
};

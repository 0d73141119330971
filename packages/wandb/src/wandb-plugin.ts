import type { TrackerPlugin } from '@ouroboros/core';
import { resolveSettings } from './settings.ts';
import { wandbOptions, type WandbOptions } from './wandb-options.ts';
import { WandbTracker, type WandbTrackerTimings } from './wandb-tracker.ts';

/** The options' seconds as the tracker's milliseconds. */
export function trackerTimings(options: WandbOptions): WandbTrackerTimings {
  return {
    stepEvery: options.stepEvery,
    stepIntervalMs: options.stepInterval * 1000,
    flushMs: options.flushInterval * 1000,
    heartbeatMs: options.heartbeat * 1000,
    requestTimeoutMs: options.requestTimeout * 1000,
    finishTimeoutMs: options.finishTimeout * 1000,
    uploadCheckpoint: options.uploadCheckpoint,
  };
}

export const wandbTrackerPlugin: TrackerPlugin<WandbOptions> = {
  id: 'wandb',
  description: "Weights & Biases over its REST protocol: generation rows, training loss, sample images; spooled in DIR/wandb through outages, offline mode, 'ouro wandb sync'",
  options: wandbOptions,
  create: (options) => new WandbTracker(resolveSettings(options), trackerTimings(options)),
};

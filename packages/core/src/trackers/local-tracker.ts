import { z } from 'zod';
import type { Tracker, TrackerPlugin } from '../contracts/tracker.ts';

/** Nothing to do: the engine writes config.json, history.jsonl and summary.json itself. */
const noop: Tracker = {
  start: async () => {},
  log: () => {},
  logImage: () => {},
  finish: async () => {},
};

/** `local`: kept so that configs naming it still run; the run files no longer depend on any tracker. */
export const localTrackerPlugin: TrackerPlugin<Record<string, never>> = {
  id: 'local',
  description: 'no-op, kept for older configs: the engine itself writes config.json, history.jsonl and summary.json',
  options: z.strictObject({}),
  create: () => noop,
};

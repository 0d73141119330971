import { z } from 'zod';
import { slotShape } from './config-slots.ts';

export type { MetricEntry, PluginEntry } from './config-slots.ts';

/** Top-level keys renamed since, by their earlier name: still accepted, with a note. */
export const formerTopLevelKeys: Readonly<Record<string, string>> = { plugins: 'packages' };

/** How much one fit trains; `steps: 0` skips training (a generation 0 started from `model.init`). */
const budget = z.strictObject({
  steps: z.int().min(0).optional(),
  epochs: z.number().positive().optional(),
  batchSize: z.int().positive().optional(),
});
export type BudgetConfig = z.infer<typeof budget>;

export const backendNames = ['auto', 'node-gpu', 'node', 'native', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendNames)[number];

/** The experiment config as the user writes it (YAML or JSON). Plugin options are checked by the registry. */
export const experimentConfigSchema = z.strictObject({
  /** Names the default run folder runs/<name>/<cell-id>, so it may not climb out of runs/. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a name of letters, digits, ".", "_" and "-" that starts with a letter or digit')
    .default('experiment'),
  seed: z.int().min(0).default(0),
  generations: z.int().min(0).describe('Retraining generations after generation 0.'),
  ...slotShape,
  train: z
    .strictObject({
      warmStart: z.boolean().default(true).describe('Warm start generation t from model t-1 (the paper fine-tunes) or train from scratch.'),
      ...budget.shape,
      /** Generation 0's budget (the paper trains it long), over the fields above. */
      initial: budget.optional(),
      /** Each retraining generation's budget (the paper fine-tunes briefly), over the fields above. */
      retrain: budget.optional(),
      /** Save the full training state mid-fit this often, so a crash loses at most this much. */
      checkpointEvery: z
        .strictObject({ steps: z.int().positive().optional(), minutes: z.number().positive().optional() })
        .prefault({ minutes: 10 }),
    })
    .prefault({}),
  sampling: z
    .strictObject({
      count: z.int().positive().optional().describe('Samples drawn per generation; default |D| or what the schedule needs, whichever is more.'),
    })
    .prefault({}),
  packages: z.array(z.string().min(1)).default([]).describe('Plugin packages (exporting a PluginPackage) to load, by name or module path (relative to the config file, `~/` from the home folder).'),
  backend: z.enum(backendNames).default('auto'),
  threads: z.int().positive().optional().describe('Threads the native libraries compute on (default: every core); an execution setting, not part of the cell id.'),
});
export type ExperimentConfig = z.infer<typeof experimentConfigSchema>;

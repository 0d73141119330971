import { z } from 'zod';

/** A config entry naming a plugin by id; the plugin's own schema checks the other keys. */
const pluginEntry = z.looseObject({ id: z.string().min(1) });
export type PluginEntry = z.infer<typeof pluginEntry>;

/** The model entry: a plugin entry plus `init`, a checkpoint generation 0 starts from. */
const modelEntry = z.looseObject({
  id: z.string().min(1),
  init: z.string().min(1).optional().describe('Folder of a saved model (`gen-XXX/model` of another run, say); relative to the config file.'),
});

export const metricReferences = ['test', 'train'] as const;

/** A metric entry: a plugin entry plus the settings the engine applies to every metric. */
const metricEntry = z.looseObject({
  id: z.string().min(1),
  every: z.int().min(1).default(1).describe('Evaluate every k-th generation (and always the last).'),
  reference: z.enum(metricReferences).default('test').describe("The real split compared against: held-out `test` data or the training set D (the paper's FID)."),
  features: z.string().min(1).optional().describe('Feature extractor id; default `identity` for vectors, `pixels` for images.'),
});
export type MetricEntry = z.infer<typeof metricEntry>;

/** Keys of plugin entries that the engine reads; the rest are the plugin's options. */
export const engineKeys = { model: ['init'], metric: ['every', 'reference', 'features'] } as const;

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
  dataset: pluginEntry,
  model: modelEntry,
  schedule: pluginEntry,
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
  features: z.array(pluginEntry).default([]).describe("Feature extractors with options (weights files, say), named by metrics' `features`."),
  metrics: z.array(metricEntry).prefault([{ id: 'fd' }]),
  trackers: z.array(pluginEntry).default([{ id: 'console' }]),
  plugins: z.array(z.string().min(1)).default([]).describe('Third-party packages exporting an OuroborosPlugin, by name or path (relative to the config file).'),
  backend: z.enum(backendNames).default('auto'),
  threads: z.int().positive().optional().describe('Threads the native libraries compute on (default: every core); an execution setting, not part of the cell id.'),
});
export type ExperimentConfig = z.infer<typeof experimentConfigSchema>;

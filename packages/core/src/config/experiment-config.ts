import { z } from 'zod';

/** A config entry naming a plugin by id; the plugin's own schema checks the other keys. */
const pluginEntry = z.looseObject({ id: z.string().min(1) });

export type PluginEntry = z.infer<typeof pluginEntry>;

export const backendNames = ['auto', 'node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendNames)[number];

/** The experiment config as the user writes it (YAML or JSON). Plugin options are checked by the registry. */
export const experimentConfigSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected a name of letters, digits, ".", "_" and "-"').default('experiment'),
  seed: z.int().min(0).default(0),
  /** Retraining generations after generation 0. */
  generations: z.int().min(0),
  dataset: pluginEntry,
  model: pluginEntry,
  schedule: pluginEntry,
  train: z
    .strictObject({
      /** Warm start generation t from model t-1 (the paper fine-tunes) or train from scratch. */
      warmStart: z.boolean().default(true),
      epochs: z.number().positive().optional(),
      steps: z.int().positive().optional(),
      batchSize: z.int().positive().optional(),
    })
    .default({ warmStart: true }),
  sampling: z
    .strictObject({
      /** Samples drawn per generation; default |D| or what the schedule needs, whichever is more. */
      count: z.int().positive().optional(),
    })
    .default({}),
  metrics: z.array(pluginEntry).default([{ id: 'fd' }]),
  trackers: z.array(pluginEntry).default([{ id: 'local' }, { id: 'console' }]),
  /** Third-party packages exporting an OuroborosPlugin, loaded by name. */
  plugins: z.array(z.string().min(1)).default([]),
  backend: z.enum(backendNames).default('auto'),
});

export type ExperimentConfig = z.infer<typeof experimentConfigSchema>;

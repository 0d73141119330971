import { existsSync } from 'node:fs';
import { ConfigError } from '../config/config-error.ts';
import type { ExperimentConfig } from '../config/experiment-config.ts';
import type { ResolvedExperiment } from '../config/load-config.ts';
import type { DataInfo } from '../contracts/dataset.ts';
import type { GenerativeModel, ModelEnv } from '../contracts/model.ts';
import type { Rng } from '../rng/rng.ts';
import type { RunParts } from './run-parts.ts';

/** The environment generation g's model is created or loaded with: the data, and an rng forked by g. */
export function modelEnv(data: DataInfo, root: Rng, g: number): ModelEnv {
  return { data, rng: root.fork('model-init', g) };
}

/**
 * Asks every plugin whether it can work with what the run will give it, before the run folder is
 * touched: the dataset has read and checked its data when it was created, then the schedule and
 * the metrics check the plan. Returns the samples each generation draws. Throws a one-line
 * ConfigError naming the slot.
 */
export function checkRunPlan(config: ExperimentConfig, parts: RunParts): number {
  const data = parts.dataset.info;
  const realCount = data.trainCount;
  const generatedCount = sampleCount(config, parts, realCount);
  asConfigError(`schedule (${config.schedule.id})`, () => parts.schedule.check?.({ realCount, generatedCount, generations: config.generations }));
  parts.metrics.forEach(({ id, entry, metric }, i) => {
    const referenceCount = entry.reference === 'train' ? data.trainCount : data.testCount;
    asConfigError(`metrics.${i} (${id})`, () => metric.check?.({ data, referenceSplit: entry.reference, referenceCount, generatedCount }));
  });
  return generatedCount;
}

/** Samples each generation draws: `sampling.count`, else |D| or what the schedule needs, whichever is more. */
export function sampleCount(config: ExperimentConfig, parts: RunParts, realCount: number): number {
  const taken = parts.schedule.samplesNeeded(realCount);
  const needed = parts.curator.samplesToDraw(taken);
  const count = config.sampling.count ?? Math.max(realCount, needed);
  if (count < needed) {
    const curated = needed > taken ? ` and the curator draws ${needed} to keep them` : '';
    throw new ConfigError(`sampling.count = ${count}: the schedule ${curated ? `takes ${taken}` : `draws ${needed}`} samples per generation${curated}; expected at least ${needed}`);
  }
  return count;
}

/**
 * Checks the model before the run folder is touched by building generation 0's model for the data
 * (a model checks its options against the data when it is built: a Glow on vectors, a U-Net whose
 * levels do not divide the image), and `model.init` by its folder. Returns the model for
 * generation 0 to start from, or null when it starts from `model.init` (the built one is disposed).
 */
export function buildFirstModel(resolved: ResolvedExperiment, data: DataInfo, root: Rng): GenerativeModel | null {
  const { init } = resolved.config.model;
  if (init !== undefined && !existsSync(init)) throw new ConfigError(`model.init = ${JSON.stringify(init)}: no such folder; expected a saved model (a gen-XXX/model folder)`);
  const model = asConfigError(`model (${resolved.model.id})`, () => resolved.model.create(modelEnv(data, root, 0)));
  if (init === undefined) return model;
  model.dispose();
  return null;
}

/** `check()`'s result; what it throws becomes a one-line ConfigError prefixed with `what` (unless it names the slot already). */
function asConfigError<T>(what: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    const message = String(error instanceof Error ? error.message : error).split('\n')[0]!;
    const slot = what.split(/[ .]/)[0]!;
    throw new ConfigError(message.startsWith(`${slot}:`) || message.startsWith(`${slot}.`) ? message : `${what}: ${message}`);
  }
}

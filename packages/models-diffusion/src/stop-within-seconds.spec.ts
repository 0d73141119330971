import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { dataCodec, resolveConfig, RunInterrupted, type MetricPlugin } from '@ouroboros/core';
import { engineScope, normalDatasetPlugin, readHistory, RecordingTracker, tempDir, withoutSeconds } from '@ouroboros/core/testing';
import { tensorBackend } from '@ouroboros/nn';
import { diffusionModelsPackage } from './register.ts';

/** Mean log-likelihood of the reference data under the model (the nll metric's work, here without the metrics package). */
const likelihoodMetric: MetricPlugin<Record<string, never>> = {
  id: 'test-likelihood',
  description: 'mean log-likelihood of the reference data (tests only)',
  options: z.strictObject({}),
  create: (_options, env) => ({
    async compute({ reference, model }, ctx) {
      const x = dataCodec(env.data).encode(await reference.readAll());
      try {
        const ll = await model.logLikelihood!(x, ctx);
        return { mean_ll: ll.reduce((a, b) => a + b, 0) / ll.length };
      } finally {
        x.dispose();
      }
    },
  }),
};

const { registry, engine } = engineScope({ packages: [diffusionModelsPackage], plugins: { dataset: [normalDatasetPlugin], metric: [likelihoodMetric] }, backend: tensorBackend });
const root = tempDir('diffusion-stop-');
afterAll(() => root.cleanup());

// One sampling batch (1024 rows, 1000 ancestral steps) and one likelihood call (the bound's 1000 terms
// on 1024 rows) each take seconds of tensor work: before the samplers yielded between steps, a signal
// handler could only run once the whole batch was done.
const config = resolveConfig(
  {
    name: 'ddpm-stop',
    seed: 2,
    generations: 0,
    backend: 'wasm',
    dataset: { id: 'test-normal', dim: 2, train: 256, test: 1024 },
    model: { id: 'ddpm', network: 'mlp', mlp: { hidden: 128, layers: 2, timeEmbedding: 16 }, timesteps: 1000, sampler: 'ancestral', sampleBatch: 1024, logEvery: 1 },
    schedule: { id: 'constant-lambda', lambda: 0.5 },
    train: { steps: 6, batchSize: 64 },
    sampling: { count: 1024 },
    metrics: [{ id: 'test-likelihood' }],
    trackers: [],
  },
  registry,
);

/**
 * Runs the config in `dir` and sends this process a real signal (its handler aborts the run) at the
 * first progress report of `phase`; returns how long the run took to stop after the signal.
 */
async function stopDuring(phase: string, dir: string): Promise<number> {
  const controller = new AbortController();
  let signalledAt = 0;
  const onSignal = () => controller.abort('SIGTERM');
  process.on('SIGUSR2', onSignal);
  const stopper = Object.assign(new RecordingTracker(), {
    progress: (_generation: number, at: string) => {
      if (at !== phase || signalledAt) return;
      signalledAt = performance.now();
      process.kill(process.pid, 'SIGUSR2');
    },
  });
  try {
    const error = await engine.run(config, dir, { signal: controller.signal, extraTrackers: [stopper] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunInterrupted);
    return performance.now() - signalledAt;
  } finally {
    process.off('SIGUSR2', onSignal);
  }
}

describe('a stop request during a long sampling batch or likelihood estimate', () => {
  it('acts within seconds, keeps the finished fit (and samples), and resume ends with the uninterrupted numbers', async () => {
    const whole = await engine.run(config, join(root.dir, 'whole'));

    const dir = join(root.dir, 'stopped');
    expect(await stopDuring('sample', dir)).toBeLessThan(2000);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))).toMatchObject({ status: 'interrupted', exitCode: 143 });
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);
    expect(await stopDuring('metric-test-likelihood', dir)).toBeLessThan(2000);

    const recorder = new RecordingTracker();
    await engine.run(config, dir, { resume: true, extraTrackers: [recorder] });
    expect(recorder.steps).toEqual([]);
    expect(withoutSeconds(readHistory(dir))).toEqual(withoutSeconds(whole.history));
    expect(readFileSync(join(dir, 'gen-000', 'samples', 'chunk-00000.bin')).equals(readFileSync(join(whole.dir, 'gen-000', 'samples', 'chunk-00000.bin')))).toBe(true);
  });
});

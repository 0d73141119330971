import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { resolveConfig } from '../config/load-config.ts';
import type { ModelPlugin } from '../contracts/model.ts';
import { cpuTensorBackend, diagonalGaussianModelPlugin, engineScope, errorOf, gaussianRunConfig, normalDatasetPlugin, readHistory, tempDir } from '../testing/index.ts';

/** A model that, like a Glow on vectors, finds out only when it is built that the data does not suit its options. */
const pickyModelPlugin: ModelPlugin<{ minDims: number }> = {
  id: 'test-picky',
  description: 'the diagonal Gaussian, refusing data of fewer than minDims values per sample (tests only)',
  options: z.strictObject({ minDims: z.int().positive().default(1) }),
  create: ({ minDims }, env) => {
    const dims = env.data.sampleShape.reduce((a, b) => a * b, 1);
    if (dims < minDims) throw new RangeError(`test-picky: needs samples of at least ${minDims} values; the dataset's have ${dims}`);
    return diagonalGaussianModelPlugin.create({}, env);
  },
  load: (dir, _options, env) => diagonalGaussianModelPlugin.load(dir, {}, env),
};

const { registry, engine } = engineScope({ plugins: { model: [diagonalGaussianModelPlugin, pickyModelPlugin], dataset: [normalDatasetPlugin] }, backend: cpuTensorBackend });
const root = tempDir();
afterAll(() => root.cleanup());

/** Runs a config into a fresh folder under its own parent, and returns the error and what the parent holds afterwards. */
async function failedRun(name: string, fields: Record<string, unknown>): Promise<{ error: string; left: string[]; dir: string }> {
  const parent = join(root.dir, name);
  const dir = join(parent, 'run');
  const error = await errorOf(engine.run(resolveConfig(gaussianRunConfig(fields), registry), dir));
  return { error, left: existsSync(parent) ? readdirSync(parent) : [], dir };
}

describe('every plugin is checked before anything is written', () => {
  it('a model that cannot be built for the data fails with one line and leaves no run folder, so the right config then runs there', async () => {
    const { error, left, dir } = await failedRun('model', { model: { id: 'test-picky', minDims: 3 } });
    expect(error).toBe("model (test-picky): test-picky: needs samples of at least 3 values; the dataset's have 2");
    expect(left).toEqual([]);
    await engine.run(resolveConfig(gaussianRunConfig({ model: { id: 'test-picky' } }), registry), dir);
    expect(readHistory(dir).map((row) => row.generation)).toEqual([0, 1, 2]);
  });

  it('a schedule that cannot work with the data fails with one line and leaves no run folder', async () => {
    const { error, left } = await failedRun('schedule', { schedule: { id: 'accumulate-subsample', lambda: 0.5, size: 31 } });
    expect(error).toBe("schedule.size = 31: generation 1 draws from a pool of 30 samples (|D| = 20 + generation 0's 10); expected size <= 30");
    expect(left).toEqual([]);
  });

  it('a missing model.init folder fails with one line and leaves no run folder', async () => {
    const init = join(root.dir, 'no-such-model');
    const { error, left } = await failedRun('init', { model: { id: 'test-diagonal-gaussian', init } });
    expect(error).toBe(`model.init = ${JSON.stringify(init)}: no such folder; expected a saved model (a gen-XXX/model folder)`);
    expect(left).toEqual([]);
  });
});

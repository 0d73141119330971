import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { z } from 'zod';
import type { ModelPlugin } from '../contracts/model.ts';
import { resolveConfig } from '../config/load-config.ts';
import { cpuTensorBackend, diagonalGaussianModelPlugin, engineScope, normalDatasetPlugin, RecordingTracker, tempDir } from '../testing/index.ts';
import { PluginRegistry } from './plugin-registry.ts';

/** A model whose `samplerSteps` was called `steps`, and `sampleBatch` `evalBatchSize`. */
const renamed: ModelPlugin<{ samplerSteps: number; sampleBatch: number }> = {
  ...(diagonalGaussianModelPlugin as unknown as ModelPlugin<{ samplerSteps: number; sampleBatch: number }>),
  id: 'renamed',
  options: z.strictObject({ samplerSteps: z.int().positive().default(10), sampleBatch: z.int().positive().default(64) }),
  renamedOptions: { steps: 'samplerSteps', evalBatchSize: 'sampleBatch' },
};
const registry = new PluginRegistry({ model: [renamed] });

describe('renamed plugin options', () => {
  it('an earlier name resolves to the same options as the current one, with one note per earlier name used', () => {
    const current = registry.bindModel({ id: 'renamed', samplerSteps: 3, sampleBatch: 8 });
    const earlier = registry.bindModel({ id: 'renamed', steps: 3, evalBatchSize: 8 });
    expect(earlier.options).toEqual(current.options);
    expect(earlier.options).toEqual({ samplerSteps: 3, sampleBatch: 8 });
    expect(current.notes).toEqual([]);
    expect(earlier.notes).toEqual([
      'model.steps is now called model.samplerSteps; the old name still works',
      'model.evalBatchSize is now called model.sampleBatch; the old name still works',
    ]);
  });

  it('refuses both names of one option, and checks a value given under the earlier name like the current one', () => {
    expect(() => registry.bindModel({ id: 'renamed', steps: 3, samplerSteps: 4 })).toThrow('model.steps and model.samplerSteps: both given; expected only model.samplerSteps (steps is its earlier name)');
    expect(() => registry.bindModel({ id: 'renamed', steps: 0 })).toThrow(/^model\.samplerSteps = 0: /);
  });

  it('a name no plugin renamed stays unknown, and an inherited key is not a rename', () => {
    expect(() => registry.bindModel({ id: 'renamed', toString: 1 })).toThrow(/toString/);
  });

  const root = tempDir();
  afterAll(() => root.cleanup());

  it('a run notes each earlier name its config used, through the trackers', async () => {
    const { registry: scoped, engine } = engineScope({ plugins: { model: [renamed], dataset: [normalDatasetPlugin] }, backend: cpuTensorBackend });
    const raw = { name: 'renamed', seed: 1, generations: 0, backend: 'cpu', dataset: { id: 'test-normal', dim: 2, train: 20, test: 20 }, model: { id: 'renamed', steps: 2 }, schedule: { id: 'fully-synthetic' }, metrics: [], trackers: [] };
    const recorder = new RecordingTracker();
    await engine.run(resolveConfig(raw, scoped), join(root.dir, 'run'), { extraTrackers: [recorder] });
    expect(recorder.notes).toContain('model.steps is now called model.samplerSteps; the old name still works');
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PluginRegistry, readConfigFile, registerPlugins, resolveConfig, RetrainingEngine, SampleStore } from '@ouroboros/core';
import { tempDir, tinyImagesDatasetPlugin } from '@ouroboros/core/testing';
import { buildContainer } from './composition-root.ts';

const workspace = resolve(import.meta.dirname, '..', '..', '..');
const tmp = tempDir('flow-models-');
afterAll(() => tmp.cleanup());

const container = await buildContainer();
registerPlugins(container, 'dataset', tinyImagesDatasetPlugin);
const registry = container.resolve(PluginRegistry);
const engine = container.resolve(RetrainingEngine);

describe('the flow models in a run', () => {
  it('glow: the nll metric reports bits per dimension of the 8-bit test images, equal to the value by hand for an untrained flow', async () => {
    const config = resolveConfig(
      {
        name: 'glow-bpd',
        generations: 0,
        backend: 'wasm',
        dataset: { id: 'test-tiny-images', size: 8, train: 64, test: 64 },
        model: { id: 'glow', levels: 2, steps: 1, hidden: 8 },
        schedule: { id: 'constant-lambda', lambda: 0 },
        train: { initial: { steps: 0 } },
        metrics: [{ id: 'nll' }],
        trackers: [],
      },
      registry,
    );
    const dir = join(tmp.dir, 'glow-bpd');
    const { history } = await engine.run(config, dir);
    // An untrained Glow is a rotation (orthogonal 1x1 convs, identity couplings and actnorms, N(0, I)
    // priors), so log p(y) = log N(y; 0, I) in model space, y = (v + u - 1/2) / 127.5 - 1. With
    // E[y²] = e² + 1/(12 · 127.5²), e = v / 127.5 - 1:
    //   nll = ½ Σ E[y²] + (D/2) ln 2π + D ln 127.5,   bpd = nll / (D ln 2)
    const test = (await SampleStore.open(join(dir, 'real', 'test')).readAll()) as Uint8Array;
    const d = 8 * 8 * 3;
    let squares = 0;
    for (const v of test) squares += (v / 127.5 - 1) ** 2 + 1 / (12 * 127.5 ** 2);
    const nll = squares / 2 / 64 + (d / 2) * Math.log(2 * Math.PI) + d * Math.log(127.5);
    expect(history[0]!.nll).toBeCloseTo(nll, 0);
    expect(Math.abs(history[0]!.bpd! - nll / (d * Math.LN2))).toBeLessThan(1e-3);
  });

  it('realnvp on two-moons: every generation has nll, fd, precision and recall, and a samples.png', async () => {
    const config = resolveConfig(
      {
        name: 'realnvp-moons',
        generations: 1,
        backend: 'wasm',
        dataset: { id: 'two-moons', train: 500, test: 500 },
        model: { id: 'realnvp', couplings: 2, hidden: 16, batchSize: 100 },
        schedule: { id: 'constant-lambda', lambda: 0.5 },
        train: { initial: { steps: 30 }, retrain: { steps: 10 } },
        metrics: [{ id: 'nll' }, { id: 'fd' }, { id: 'precision-recall', k: 3 }],
        trackers: [],
      },
      registry,
    );
    const dir = join(tmp.dir, 'moons');
    const { history } = await engine.run(config, dir);
    expect(history.map((row) => row.generation)).toEqual([0, 1]);
    for (const row of history) expect(Object.keys(row)).toEqual(expect.arrayContaining(['nll', 'fd', 'precision', 'recall', 'train_loss']));
    expect(existsSync(join(dir, 'gen-001', 'samples.png'))).toBe(true);
    expect(existsSync(join(dir, 'gen-001', 'model', 'training-state.safetensors'))).toBe(true);
  });
});

describe('the flow examples', () => {
  it('examples/two-moons-flow.yaml resolves: realnvp, two-moons, constant-lambda, nll/fd/precision-recall', () => {
    const resolved = resolveConfig(readConfigFile(join(workspace, 'examples', 'two-moons-flow.yaml')), registry);
    expect([resolved.config.model.id, resolved.config.dataset.id, resolved.config.schedule.id]).toEqual(['realnvp', 'two-moons', 'constant-lambda']);
    expect(resolved.config.metrics.map((m) => m.id)).toEqual(['nll', 'fd', 'precision-recall']);
  });

  const hasShapes = registry.ids('dataset').includes('shapes');
  it.skipIf(!hasShapes)('examples/shapes-glow.yaml resolves (skipped until the shapes dataset is registered)', () => {
    const resolved = resolveConfig(readConfigFile(join(workspace, 'examples', 'shapes-glow.yaml')), registry);
    expect(resolved.config.model.id).toBe('glow');
  });
});

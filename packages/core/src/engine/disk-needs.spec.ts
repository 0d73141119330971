import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../config/load-config.ts';
import { cpuTensorBackend, diagonalGaussianModelPlugin, engineScope, errorOf, gaussianRunConfig, normalDatasetPlugin, tempDir } from '../testing/index.ts';
import { formatBytes, plannedBytes } from './disk-needs.ts';

const { registry, engine } = engineScope({ plugins: { model: [diagonalGaussianModelPlugin], dataset: [normalDatasetPlugin] }, backend: cpuTensorBackend });
const root = tempDir();
afterAll(() => root.cleanup());

const base = gaussianRunConfig({ name: 'disk' });

describe('a run that cannot fit on its disk', () => {
  it('is refused before anything is written, saying what sampling.count = 1e15 would take', async () => {
    const dir = join(root.dir, 'huge-count');
    const message = await errorOf(engine.run(resolveConfig(base, registry, { overrides: ['sampling.count=1e15'] }), dir));
    expect(message).toMatch(
      new RegExp(`^${dir}: the run would store at least 24 PB \\(real splits of 20 \\+ 20 samples, then 8\\.0 PB for each of 3 generations of sampling\\.count = 1000000000000000 samples\\), but .+ is free there; expected a run that fits`),
    );
    expect(existsSync(dir)).toBe(false);
  });

  it('counts a split of 1e15 samples too', async () => {
    const dir = join(root.dir, 'huge-split');
    const message = await errorOf(engine.run(resolveConfig({ ...base, dataset: { id: 'test-normal', dim: 2, train: 1e15, test: 20 } }, registry), dir));
    expect(message).toContain('real splits of 1000000000000000 + 20 samples');
    expect(existsSync(dir)).toBe(false);
  });

  it('adds the real splits once and every generation of samples, labels included', () => {
    const data = { kind: 'image' as const, dtype: 'uint8' as const, sampleShape: [32, 32, 3], trainCount: 50_000, testCount: 10_000, classes: ['a', 'b'] };
    // (50k + 10k) x (3072 + 4) bytes of real data, then 11 generations of 50k samples.
    expect(plannedBytes({ data, sampleCount: 50_000, generations: 10 })).toBe(60_000 * 3076 + 11 * 50_000 * 3076);
    expect(formatBytes(1_876_360_000)).toBe('1.9 GB');
    expect(formatBytes(512)).toBe('512 B');
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../config/load-config.ts';
import { cpuTensorBackend, diagonalGaussianModelPlugin, engineScope, errorOf, gaussianRunConfig, normalDatasetPlugin, readHistory, tempDir } from '../testing/index.ts';
import { verifyRun } from './verify-run.ts';

const { registry, engine } = engineScope({ plugins: { model: [diagonalGaussianModelPlugin], dataset: [normalDatasetPlugin] }, backend: cpuTensorBackend });
const root = tempDir();
afterAll(() => root.cleanup());

const base = gaussianRunConfig({ name: 'marker', seed: 4, generations: 1 });
const readMarker = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
/** What `ouro resume` does: the config comes from run.json. */
const resume = (dir: string, generations?: number) => {
  const user = { ...readMarker(dir).config, ...(generations !== undefined ? { generations } : {}) };
  return engine.run(resolveConfig(user, registry), dir, { resume: true });
};

describe('run.json is checked on every start', () => {
  it('refuses a resume after run.json was edited, naming the field, and ouro verify lists it', async () => {
    const dir = join(root.dir, 'edited-seed');
    await engine.run(resolveConfig(base, registry), dir);
    const before = readHistory(dir);
    const marker = readMarker(dir);
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...marker, config: { ...marker.config, seed: 5 } }, null, 2));
    const expected = `${join(dir, 'run.json')}: config field seed reads 5 but the run was made with 4 (config.json); a run's config, seed and id cannot change after it starts: restore run.json, or start a new run with another --out`;
    expect(await errorOf(resume(dir))).toBe(expected);
    expect(verifyRun(dir)).toEqual([expected]);
    expect(readHistory(dir)).toEqual(before);
  });

  it('refuses an edited run id', async () => {
    const dir = join(root.dir, 'edited-id');
    await engine.run(resolveConfig(base, registry), dir);
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...readMarker(dir), runId: '0123456789' }, null, 2));
    expect(await errorOf(resume(dir))).toBe(
      `${join(dir, 'run.json')}: changed since ouro wrote it (its sha256 differs); a run's config, seed and id cannot change after it starts: restore run.json, or start a new run with another --out`,
    );
  });

  it('accepts run.json rewritten with the same content in another layout', async () => {
    const dir = join(root.dir, 'reformatted');
    await engine.run(resolveConfig(base, registry), dir);
    writeFileSync(join(dir, 'run.json'), JSON.stringify(readMarker(dir)));
    expect(await errorOf(resume(dir))).toBe('no error');
    expect(verifyRun(dir)).toEqual([]);
  });
});

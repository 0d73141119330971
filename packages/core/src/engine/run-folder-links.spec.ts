import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../config/load-config.ts';
import { cpuTensorBackend, diagonalGaussianModelPlugin, engineScope, errorOf, gaussianRunConfig, normalDatasetPlugin, tempDir } from '../testing/index.ts';
import { removeInside } from '../store/remove-inside.ts';
import { RunFolder } from './run-folder.ts';

const { registry, engine } = engineScope({ plugins: { model: [diagonalGaussianModelPlugin], dataset: [normalDatasetPlugin] }, backend: cpuTensorBackend });
const root = tempDir();
afterAll(() => root.cleanup());

const config = resolveConfig(gaussianRunConfig({ name: 'links' }), registry);

/** A folder outside the run with files named like ouroboros's own. */
function outsideFolder(name: string): string {
  const outside = join(root.dir, name);
  mkdirSync(join(outside, 'gen-000'), { recursive: true });
  writeFileSync(join(outside, 'gen-000', 'thesis.tex'), 'years of work');
  writeFileSync(join(outside, 'notes.txt'), 'keep me');
  return outside;
}
const filesOf = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

describe('deletes never follow links out of the run folder', () => {
  it('refuses a run folder whose checkpoints/ is a link, before touching anything behind it', async () => {
    const dir = join(root.dir, 'run');
    await engine.run(config, dir);
    // Generation 2 made undone, as after a crash: resume will clean up checkpoints.
    renameSync(join(dir, 'gen-002'), join(root.dir, 'gen-002-away'));
    const outside = outsideFolder('scratch');
    symlinkSync(outside, join(dir, 'checkpoints'));
    expect(await errorOf(engine.run(config, dir, { resume: true }))).toBe(
      `${join(dir, 'checkpoints')}: is a link (to ${outside}); ouroboros writes and deletes its own files only inside the run folder, never through a link: replace the link with a folder`,
    );
    expect(filesOf(outside)).toEqual(['gen-000', 'gen-000/thesis.tex', 'notes.txt']);
    expect(readFileSync(join(outside, 'gen-000', 'thesis.tex'), 'utf8')).toBe('years of work');
  });

  it('refuses a link deeper in a folder it deletes from', async () => {
    const dir = join(root.dir, 'deep');
    await engine.run(config, dir);
    const outside = outsideFolder('deep-target');
    mkdirSync(join(dir, 'checkpoints', 'gen-001'), { recursive: true });
    symlinkSync(outside, join(dir, 'checkpoints', 'gen-001', 'fit'));
    expect(await errorOf(engine.run(config, dir, { resume: true }))).toMatch(/checkpoints\/gen-001\/fit: is a link/);
    expect(filesOf(outside)).toEqual(['gen-000', 'gen-000/thesis.tex', 'notes.txt']);
  });

  it('removeInside deletes a link as a link and refuses a path through one', () => {
    const run = join(root.dir, 'unit');
    const outside = outsideFolder('unit-target');
    mkdirSync(run);
    symlinkSync(outside, join(run, 'gen-000'));
    expect(() => removeInside(run, join(run, 'gen-000', 'thesis.tex'))).toThrow(`${join(run, 'gen-000')}: is a link (to ${outside})`);
    expect(() => removeInside(run, outside)).toThrow(/not inside/);
    new RunFolder(run).clearRun();
    expect(readdirSync(run)).toEqual([]);
    expect(filesOf(outside)).toEqual(['gen-000', 'gen-000/thesis.tex', 'notes.txt']);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@ouroboros/core/testing';
import { ouro, tinyGaussianYaml } from './testing/run-ouro.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** The tiny Gaussian experiment under its earlier key names: `plugins:`, `features:` and a metric's `features:`. */
const underEarlierNames = (name: string) =>
  `${tinyGaussianYaml(name).replace('metrics: [ { id: trace-ratio }, { id: fd } ]', 'metrics: [ { id: trace-ratio }, { id: fd, features: identity } ]')}plugins: []\nfeatures: [ { id: identity } ]\ntrackers: []\n`;

describe('a config under earlier key names', () => {
  it('runs with one note per renamed key, writes the current names, and lands in the folder the same config under current names does', async () => {
    const earlier = join(tmp.dir, 'earlier.yaml');
    writeFileSync(earlier, underEarlierNames('renamed'));
    const current = join(tmp.dir, 'current.yaml');
    writeFileSync(current, readFileSync(earlier, 'utf8').replace('plugins:', 'packages:').replace('\nfeatures:', '\nextractors:').replace('features: identity', 'extractor: identity'));
    const out = join(tmp.dir, 'run');
    const old = await ouro('run', earlier, '--out', out, '--set', 'generations=1');
    expect(old.code, old.stderr).toBe(0);
    expect(old.stderr.split('\n').filter((line) => line.startsWith('note: ') && line.includes('is now called'))).toEqual([
      'note: plugins is now called packages; the old name still works',
      'note: features is now called extractors; the old name still works',
      'note: metrics.1.features is now called metrics.1.extractor; the old name still works',
    ]);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ packages: [], extractors: [{ id: 'identity' }], metrics: [{ id: 'trace-ratio' }, { id: 'fd', extractor: 'identity' }] });
    expect(config).not.toHaveProperty('plugins');
    const again = await ouro('run', current, '--out', out, '--set', 'generations=1');
    expect(again.stderr).toContain(`${out}: already holds this config's finished run`);
    const [oldPlan, newPlan] = [await ouro('sweep', 'plan', earlier, '--json'), await ouro('sweep', 'plan', current, '--json')];
    expect(JSON.parse(oldPlan.stdout).cells.map((c: { id: string }) => c.id)).toEqual(JSON.parse(newPlan.stdout).cells.map((c: { id: string }) => c.id));
  });

  it('says each note once for a whole sweep', async () => {
    const sweep = join(tmp.dir, 'sweep.yaml');
    writeFileSync(sweep, `${underEarlierNames('renamed-sweep')}matrix:\n  schedule.lambda: [0, 0.5, 1]\n`);
    const plan = await ouro('sweep', 'plan', sweep);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr.split('\n').filter((line) => line.includes('is now called'))).toHaveLength(3);
  });
});

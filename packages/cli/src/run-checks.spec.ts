import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '@ouroboros/core/testing';
import { ouro } from './testing/run-ouro.ts';

const example = resolve(import.meta.dirname, '..', '..', '..', 'examples', 'two-moons-flow.yaml');
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('a model option that cannot work with the data', () => {
  it('fails with one line before anything is written, so the original config then runs into that folder', async () => {
    const out = join(tmp.dir, 'runs', 'flow');
    const glow = await ouro('run', example, '--out', out, '--set', 'model.id=glow');
    expect(glow.code).toBe(1);
    const error = glow.stderr.trim().split('\n').at(-1)!;
    expect(error).toMatch(/^ouro: .*model: glow needs image data \(height x width x channels\); the dataset's samples have shape \[2\]; use realnvp for vectors$/);
    expect(readdirSync(tmp.dir)).toEqual([]);

    const unknown = await ouro('run', example, '--out', out, '--set', 'model.couplings=0');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toMatch(/model\.couplings = 0: expected/);
    expect(existsSync(out)).toBe(false);

    const rerun = await ouro('run', example, '--out', out, '--set', 'generations=0', '--set', 'train.initial.steps=5', '--set', 'trackers=[]');
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(readFileSync(join(out, 'history.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });
});

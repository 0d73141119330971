import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '@ouroboros/core/testing';
import { ouro } from './testing/run-ouro.ts';

const examples = join(resolve(import.meta.dirname, '..', '..', '..'), 'examples');
const tmp = tempDir('ouroboros-cli-non-finite-');
afterAll(() => tmp.cleanup());

/** The fault probes of issue 18 at small sizes: each option pushed until samples or a metric stop being numbers. */
const cases: Array<[string, string, string[], RegExp]> = [
  ['kde bandwidth 1e300', 'kde-collapse.yaml', ['model.bandwidth=1e300', 'sampling.count=100'], /^generation 0: the model sampled Infinity \(sample 0; .*\); check model\.bandwidth = 1e\+300 \(the model option most likely at fault\)$/],
  ['kde bandwidth 1e-300', 'kde-collapse.yaml', ['model.bandwidth=1e-300', 'sampling.count=100'], /^generation 0: metric nll: nll = NaN; expected a finite number: check model\.bandwidth = 1e-300 \(the model option most likely at fault\)$/],
  [
    'flow temperature 1e39',
    'two-moons-flow.yaml',
    ['model.temperature=1e39', 'model.hidden=8', 'model.couplings=2', 'train.initial.steps=3', 'metrics=[]'],
    /^generation 0: the model sampled (NaN|-?Infinity) \(sample 0; .*\); check model\.temperature = 1e\+39, model\.lr = 0\.003 \(the model options most likely at fault\)$/,
  ],
  [
    'ddpm betaEnd 0.9999',
    'two-moons-ddpm.yaml',
    ['model.betaEnd=0.9999', 'model.mlp.hidden=16', 'train.initial.steps=3', 'sampling.count=100', 'metrics=[]'],
    /^generation 0: the model sampled .* \(sample \d+; .*not finite or beyond ±1\.8e19.*\); check model\.betaEnd = 0\.9999, model\.lr = 0\.003 \(the model options most likely at fault\)$/,
  ],
];

describe('samples and metrics that are not numbers', () => {
  it.each(cases)('%s: exit 1 with one line naming the generation and the option, a failed summary, nothing committed', async (name, example, sets, message) => {
    const dir = join(tmp.dir, name.replace(/\W+/g, '-'));
    const base = ['generations=1', 'dataset.train=100', 'dataset.test=100', 'trackers=[]'];
    const result = await ouro('run', join(examples, example), '--out', dir, ...[...base, ...sets].flatMap((set) => ['--set', set]));
    expect(result.code, result.stderr).toBe(1);
    const line = result.stderr.trim().split('\n').at(-1)!.replace(/^ouro: /, '');
    expect(line).toMatch(message);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(summary).toMatchObject({ status: 'failed', exitCode: 1, completedGenerations: 0, error: line });
    expect(existsSync(join(dir, 'gen-000'))).toBe(false);
    expect(readFileSync(join(dir, 'history.jsonl'), 'utf8')).toBe('');
  }, 60_000);
});

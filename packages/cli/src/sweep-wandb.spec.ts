import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@ouroboros/core/testing';
import type { WandbStandIn } from '@ouroboros/wandb/testing';
import { standInPerTest } from './testing/wandb-stand-in.ts';
import { ouro, tinyGaussianYaml } from './testing/run-ouro.ts';
import type { SweepFile } from './sweep/sweep-file.ts';

const KEY = 'cli-sweep-key-5e7a9c1b3d2f4a6e';
const tmp = tempDir('ouroboros-sweep-wandb-');
afterAll(() => tmp.cleanup());

const current = standInPerTest(KEY);
let standIn: WandbStandIn;
beforeEach(() => {
  standIn = current();
  vi.stubEnv('WANDB_SWEEP_ID', undefined);
});

function sweepConfig(name: string, tracker: string): string {
  const path = join(tmp.dir, `${name}.yaml`);
  writeFileSync(path, `${tinyGaussianYaml(name).replace('generations: 3', 'generations: 1')}trackers: [ ${tracker} ]\nmatrix:\n  schedule.lambda: [0, 1]\n`);
  return path;
}

describe('ouro sweep with a wandb tracker', () => {
  it('registers the matrix as a W&B grid sweep that every cell\'s run joins, once for the same cells', async () => {
    const config = sweepConfig('wandb-grid', '{ id: wandb, project: sweeps, finishTimeout: 5 }');
    const out = join(tmp.dir, 'wandb-grid');
    const first = await ouro('sweep', config, '--out', out, '--jobs', '2');
    expect(first.code, first.stderr).toBe(0);
    expect(standIn.sweeps).toHaveLength(1);
    const registered = standIn.sweeps[0]!;
    expect(registered.projectName).toBe('sweeps');
    expect(registered.config).toMatchObject({ name: 'wandb-grid', method: 'grid', parameters: { 'schedule.lambda': { values: [0, 1] } } });
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepFile;
    expect(sweep.wandbSweep).toBe(registered.id);
    expect(standIn.runs.map((run) => run.sweep)).toEqual([registered.id, registered.id]);

    const again = await ouro('sweep', config, '--out', out);
    expect(again.code, again.stderr).toBe(0);
    expect(standIn.sweeps).toHaveLength(1);
    expect((JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepFile).wandbSweep).toBe(registered.id);
  });

  it('plans and runs the sweep when W&B refuses the registration, saying so in one note', async () => {
    standIn.failNext('graphql:UpsertSweep', { kind: 'status', status: 403 });
    const config = sweepConfig('wandb-refused', '{ id: wandb, finishTimeout: 5 }');
    const out = join(tmp.dir, 'wandb-refused');
    const result = await ouro('sweep', config, '--out', out, '--jobs', '2');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^note: W&B sweep not registered \(W&B UpsertSweep .* answered 403.*\); the runs log to W&B without a sweep$/m);
    expect((JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepFile).wandbSweep).toBeUndefined();
    expect(standIn.runs.map((run) => run.sweep)).toEqual([null, null]);
  });
});

import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readHistory, tempDir } from '@ouroboros/core/testing';
import { wandbRunId } from '@ouroboros/wandb';
import type { WandbStandIn } from '@ouroboros/wandb/testing';
import { standInPerTest } from './testing/wandb-stand-in.ts';
import { ouro } from './testing/run-ouro.ts';

const KEY = 'cli-test-key-3d5f7a9b1c2e4d6f';
const examples = join(resolve(import.meta.dirname, '..', '..', '..'), 'examples');
const example = join(examples, 'gaussian-collapse.yaml');
const tmp = tempDir('ouroboros-cli-wandb-');
afterAll(() => tmp.cleanup());

const current = standInPerTest(KEY);
let standIn: WandbStandIn;
beforeEach(() => {
  standIn = current();
});

describe('ouro wandb sync', () => {
  it('uploads an offline run: every generation row and its sample image, then says there is nothing left', async () => {
    const dir = join(tmp.dir, 'offline');
    const run = await ouro('run', example, '--out', dir, '--set', 'generations=2', '--set', 'trackers=[{id: wandb, mode: offline, project: cli}]');
    expect(run.code, run.stderr).toBe(0);
    expect(standIn.requests).toEqual([]);

    const sync = await ouro('wandb', 'sync', dir);
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/uploaded \d+ W&B records/);
    const name = wandbRunId(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')));
    const rows = standIn.history(name);
    expect(rows.map((r) => r.fd)).toEqual(readHistory(dir).map((r) => r.fd));
    for (const row of rows) expect(standIn.run(name).files.get(row.samples.path)).toEqual(readFileSync(join(dir, `gen-00${row.generation}`, 'samples.png')));
    expect(standIn.run(name)).toMatchObject({ project: 'cli', complete: true, exitcode: 0 });

    expect((await ouro('wandb', 'sync', dir)).stdout).toMatch(/nothing to upload/);
  });

  it('fails in one line when the folder has no spool, the server refuses or hangs, or the command is wrong', async () => {
    const missing = await ouro('wandb', 'sync', join(tmp.dir, 'nowhere'));
    expect([missing.code, missing.stderr]).toEqual([1, `ouro: ${join(tmp.dir, 'nowhere')}: no W&B spool (wandb/spool.jsonl); expected the folder of a run with a wandb tracker\n`]);

    const dir = join(tmp.dir, 'refused');
    expect((await ouro('run', example, '--out', dir, '--set', 'generations=0', '--set', 'trackers=[{id: wandb, mode: offline}]')).code).toBe(0);
    vi.stubEnv('WANDB_API_KEY', 'not-the-key');
    const refused = await ouro('wandb', 'sync', dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^wandb: stopped sending \(W&B RunResumeStatus .* answered 401: user is not logged in\)/m);
    expect(refused.stderr).toMatch(/records not uploaded .*run 'ouro wandb sync .*' again to continue\n$/);
    expect(refused.stderr).not.toContain('not-the-key');
    expect(existsSync(join(dir, 'wandb', 'spool.jsonl'))).toBe(true);

    standIn.down({ kind: 'hang' });
    vi.stubEnv('WANDB_API_KEY', KEY);
    const began = performance.now();
    const hanging = await ouro('wandb', 'sync', dir, '--timeout', '1');
    expect(performance.now() - began).toBeLessThan(10_000);
    expect(hanging.code).toBe(1);
    expect(hanging.stderr).toMatch(/\(W&B took nothing for 1 s; last: no answer\); run 'ouro wandb sync .*' again to continue\n$/);
    expect((await ouro('wandb', 'sync', dir, '--timeout', '0')).stderr).toMatch(/^ouro: --timeout 0: expected a whole number >= 1\n/);
    standIn.up();
    expect((await ouro('wandb', 'sync', dir)).stdout).toMatch(/uploaded \d+ W&B records/);

    expect((await ouro('wandb', 'push', dir)).code).toBe(2);
    expect((await ouro('wandb')).code).toBe(2);
  });
});

describe('ouro run with the wandb tracker at its defaults', () => {
  it("sends each generation's training curve from step 0, with _step always increasing", async () => {
    const dir = join(tmp.dir, 'flow');
    const sets = ['generations=1', 'dataset.train=200', 'dataset.test=200', 'model.hidden=8', 'model.couplings=2', 'train.initial.steps=30', 'train.retrain.steps=20', 'metrics=[]', 'trackers=[{id: wandb}]'];
    const run = await ouro('run', join(examples, 'two-moons-flow.yaml'), '--out', dir, ...sets.flatMap((set) => ['--set', set]));
    expect(run.code, run.stderr).toBe(0);
    const rows = standIn.history(wandbRunId(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))));
    const train = rows.filter((row) => row['train/step'] !== undefined);
    for (const generation of [0, 1]) {
      const steps = train.filter((row) => row.generation === generation).map((row) => row['train/step']);
      expect(steps[0]).toBe(0);
    }
    expect(train.every((row) => Number.isFinite(row['train/loss']))).toBe(true);
    const order = rows.map((row) => row._step);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(new Set(order).size).toBe(order.length);
    expect(rows.filter((row) => row['train/step'] === undefined).map((row) => row.generation)).toEqual([0, 1]);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tempDir } from '@ouroboros/core/testing';
import { wandbRunId } from './run-id.ts';
import { resolveConnection, resolveSettings } from './settings.ts';
import { gridSweepConfig, registerGridSweep } from './sweep.ts';
import { driveGenerations, fastRetry, runInfo, WandbStandIn } from './testing/index.ts';
import { WandbTracker } from './wandb-tracker.ts';

const KEY = 'sweep-test-key-0123456789abcdef';
const tmp = tempDir('ouroboros-wandb-sweep-');
afterAll(() => tmp.cleanup());

const cells = [
  { 'schedule.lambda': 0, seed: 0, 'model.id': 'gaussian' },
  { 'schedule.lambda': 0.5, seed: 0, 'model.id': 'gaussian' },
  { 'schedule.lambda': 0, seed: 1, 'model.id': 'gaussian' },
  { 'schedule.lambda': 0.5, seed: 1, 'model.id': 'gaussian' },
];

describe('W&B grid sweeps', () => {
  it('describe the matrix: each parameter with its values in first-use order, one value as value, a local controller', () => {
    expect(gridSweepConfig({ cells, name: 'lambda-sweep', metric: { name: 'fd', goal: 'minimize' } })).toEqual({
      name: 'lambda-sweep',
      method: 'grid',
      metric: { name: 'fd', goal: 'minimize' },
      parameters: { 'schedule.lambda': { values: [0, 0.5] }, seed: { values: [0, 1] }, 'model.id': { value: 'gaussian' } },
      controller: { type: 'local' },
      program: 'ouro',
    });
    expect(gridSweepConfig({ cells: [{ a: { x: 1 } }, { a: { x: 1 } }, { a: { x: 2 } }] }).parameters).toEqual({ a: { values: [{ x: 1 }, { x: 2 }] } });
  });

  it('are registered with UpsertSweep (config as YAML) and runs attach to them through UpsertBucket', async () => {
    const standIn = await WandbStandIn.start(KEY);
    try {
      const id = await registerGridSweep({ cells, name: 'lambda-sweep', project: 'selfconsuming', metric: { name: 'fd', goal: 'minimize' } }, resolveConnection(undefined, standIn.environment()), { retry: fastRetry() });
      const [request] = standIn.requestsTo('graphql', 'UpsertSweep');
      expect(request!.headers.authorization).toBe(`Basic ${Buffer.from(`api:${KEY}`).toString('base64')}`);
      expect(request!.json.variables).toMatchObject({ projectName: 'selfconsuming', entityName: null, description: 'lambda-sweep' });
      expect(standIn.sweeps).toHaveLength(1);
      expect(standIn.sweeps[0]!.id).toBe(id);
      expect(standIn.sweeps[0]!.config).toEqual(gridSweepConfig({ cells, name: 'lambda-sweep', metric: { name: 'fd', goal: 'minimize' } }));

      for (const [i, cell] of cells.entries()) {
        const settings = resolveSettings({ project: 'selfconsuming', sweep: id }, standIn.environment());
        const tracker = new WandbTracker(settings, { stepEvery: 1, stepIntervalMs: 0, flushMs: 10, heartbeatMs: 60_000, requestTimeoutMs: 2000, finishTimeoutMs: 5000, uploadCheckpoint: false }, { log: () => {}, retry: fastRetry() });
        const run = runInfo(join(tmp.dir, `cell-${i}`), { runId: `cell00000${i}`, group: 'lambda-sweep', generations: 0, config: { ...cell } });
        await driveGenerations(tracker, run);
        await tracker.finish(0);
        expect(standIn.run(wandbRunId(run))).toMatchObject({ sweep: id, groupName: 'lambda-sweep', complete: true });
      }
      expect(standIn.requestsTo('graphql', 'UpsertBucket').every((r) => r.json.variables.sweep === id)).toBe(true);
    } finally {
      await standIn.close();
    }
  });

  it('refuses an empty matrix and reports a rejected key in one line without it', async () => {
    const standIn = await WandbStandIn.start(KEY);
    try {
      const connection = resolveConnection(undefined, standIn.environment());
      await expect(registerGridSweep({ cells: [] }, connection)).rejects.toThrow('registerGridSweep: no cells; expected at least one');
      const wrong = resolveConnection(undefined, { ...standIn.environment(), WANDB_API_KEY: 'wrong-key-123' });
      const error = (await registerGridSweep({ cells }, wrong, { retry: fastRetry() }).catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(/^W&B UpsertSweep \(POST http:\/\/127\.0\.0\.1:\d+\/graphql\) answered 401: user is not logged in$/);
      expect(error.message).not.toContain('wrong-key-123');
      expect(standIn.requestsTo('graphql', 'UpsertSweep')).toHaveLength(1);
    } finally {
      await standIn.close();
    }
  });
});

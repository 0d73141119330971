import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig, sampleSize, type FitReport, type MetricPlugin, type ModelPlugin, type RunContext, type TrainBudget, type TrainingSet } from '@ouroboros/core';
import { cpuTensorBackend, DiagonalGaussianModel, diagonalGaussianModelPlugin, engineScope, normalDatasetPlugin, readHistory, RecordingTracker, tempDir } from '@ouroboros/core/testing';
import { existsSync, readFileSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { wandbPackage } from './register.ts';
import { wandbRunId } from './run-id.ts';
import { Spool } from './spool.ts';
import { syncRun } from './sync.ts';
import { fastRetry, WandbStandIn } from './testing/index.ts';

const KEY = 'engine-test-key-5c2e8a0f4b6d1e3a';
const STEPS = 6;

/** The diagonal Gaussian, reporting a falling loss for STEPS optimizer steps before its closed-form fit. */
class SteppingGaussian extends DiagonalGaussianModel {
  override async fit(train: TrainingSet, budget: TrainBudget, ctx: RunContext): Promise<FitReport> {
    for (let step = 0; step < STEPS; step++) ctx.log({ loss: 1 / (1 + step + ctx.generation) }, step);
    return super.fit(train, budget, ctx);
  }
}
const steppingModel: ModelPlugin<Record<string, never>> = {
  ...diagonalGaussianModelPlugin,
  id: 'test-stepping-gaussian',
  create: (_options, env) => new SteppingGaussian(env.data, new Float64Array(sampleSize(env.data)), new Float64Array(sampleSize(env.data)).fill(1)),
  load: async (dir, _options, env) => {
    const saved = JSON.parse(readFileSync(join(dir, 'diagonal-gaussian.json'), 'utf8')) as { mean: number[]; variance: number[] };
    return new SteppingGaussian(env.data, Float64Array.from(saved.mean), Float64Array.from(saved.variance));
  },
};
/** A metric that fails the run at generation `at`. */
const failingMetric: MetricPlugin<{ at: number }> = {
  id: 'test-fails',
  description: 'test metric: throws at one generation',
  options: z.strictObject({ at: z.int() }),
  create: ({ at }) => ({
    compute: async (_input, ctx) => {
      if (ctx.generation === at) throw new Error(`test-fails at generation ${at}`);
      return {};
    },
  }),
};

const { registry, engine } = engineScope({ packages: [wandbPackage], plugins: { model: [steppingModel], dataset: [normalDatasetPlugin], metric: [failingMetric] }, backend: cpuTensorBackend });

const tmp = tempDir('ouroboros-wandb-engine-');
afterAll(() => tmp.cleanup());

function config(wandb: Record<string, unknown>, more: Record<string, unknown> = {}) {
  return resolveConfig(
    {
      name: 'wandb-e2e',
      seed: 3,
      generations: 3,
      backend: 'cpu',
      dataset: { id: 'test-normal', dim: 2, train: 60, test: 60 },
      model: { id: 'test-stepping-gaussian' },
      schedule: { id: 'constant-lambda', lambda: 0.5 },
      metrics: [],
      trackers: [{ id: 'console' }, { id: 'wandb', project: 'e2e', stepInterval: 0, stepEvery: 1, ...wandb }],
      ...more,
    },
    registry,
  );
}

let standIn: WandbStandIn;
beforeEach(async () => {
  standIn = await WandbStandIn.start(KEY);
  for (const [name, value] of Object.entries(standIn.environment())) vi.stubEnv(name, value);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await standIn.close();
});

/** The W&B run id of a run folder, from its run.json. */
function wandbRunOf(dir: string): string {
  return wandbRunId(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { runId: string; createdAt: string });
}

/** The stand-in's rows of a run folder's W&B run checked against the run files: every generation's row and samples.png, and every training step. */
function expectMirrored(dir: string): void {
  const marker = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { runId: string; createdAt: string };
  const runId = marker.runId;
  const name = wandbRunId(marker);
  const stored = standIn.run(name);
  const rows = standIn.history(name);
  const generationRows = rows.filter((r) => r['train/step'] === undefined);
  expect(generationRows.map(({ samples: _s, _step, _runtime, _timestamp, ...row }) => row)).toEqual(readHistory(dir));
  for (const row of generationRows) {
    const png = readFileSync(join(dir, `gen-${String(row.generation).padStart(3, '0')}`, 'samples.png'));
    expect(stored.files.get(row.samples.path)).toEqual(png);
    expect(stored.uploaded.has(row.samples.path)).toBe(true);
  }
  const steps = rows.filter((r) => r['train/step'] !== undefined).map((r) => [r.generation, r['train/step'], r['train/loss']]);
  expect(steps).toEqual([0, 1, 2, 3].flatMap((g) => [...Array(STEPS).keys()].map((s) => [g, s, 1 / (1 + s + g)])));
  expect(rows.map((r) => r._step)).toEqual([...Array(4 * (STEPS + 1)).keys()]);
  expect([stored.complete, stored.exitcode, stored.displayName]).toEqual([true, 0, `wandb-e2e-${runId}`]);
  expect(standIn.problems).toEqual([]);
}

describe('the wandb tracker in a real run', () => {
  it('mirrors the whole history, every training step and the sample image of every generation, beside the console tracker', async () => {
    const dir = join(tmp.dir, 'online');
    await engine.run(config({ flushInterval: 0.02 }), dir);
    expectMirrored(dir);
    const spool = Spool.open(dir);
    expect([spool.pending.length, spool.acked]).toEqual([0, spool.records]);
  });

  it('goes on when the disk fills under the spool: one line says so, the run finishes, the W&B run keeps what was spooled, the sender lock is released', async () => {
    const dir = join(tmp.dir, 'full-disk');
    const filler = new RecordingTracker();
    // Generation 1's row (written at the end of the engine's tick, after every tracker saw it) and all after it go to a journal that cannot grow.
    filler.log = (_row, generation) => {
      if (generation !== 1) return;
      unlinkSync(join(dir, 'wandb', 'spool.jsonl'));
      symlinkSync('/dev/full', join(dir, 'wandb', 'spool.jsonl'));
    };
    const result = await engine.run(config({ flushInterval: 0.02 }), dir, { extraTrackers: [filler] });
    expect(result.history.map((row) => row.generation)).toEqual([0, 1, 2, 3]);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))).toMatchObject({ status: 'finished', exitCode: 0 });
    expect(existsSync(join(dir, 'wandb', 'sender.lock'))).toBe(false);
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);
    const said = vi.mocked(process.stderr.write).mock.calls.map(([text]) => String(text)).filter((text) => text.includes('spool.jsonl'));
    expect(said).toEqual([
      `wandb: ${join(dir, 'wandb', 'spool.jsonl')}: cannot write (ENOSPC): ENOSPC: no space left on device, write; W&B mirroring of this run stops here, the run goes on (what was spooled before stays for 'ouro wandb sync ${dir}')\n`,
    ]);
    const rows = standIn.history(wandbRunOf(dir));
    expect(rows.filter((row) => row['train/step'] === undefined).map((row) => row.generation)).toEqual([0]);
  });

  it('gives two folders of the same config a W&B run each', async () => {
    const dirs = [join(tmp.dir, 'twin-a'), join(tmp.dir, 'twin-b')];
    for (const dir of dirs) await engine.run(config({ flushInterval: 0.02 }), dir);
    expect(JSON.parse(readFileSync(join(dirs[0]!, 'run.json'), 'utf8')).runId).toBe(JSON.parse(readFileSync(join(dirs[1]!, 'run.json'), 'utf8')).runId);
    expect(new Set(dirs.map(wandbRunOf)).size).toBe(2);
    for (const dir of dirs) expectMirrored(dir);
    expect(standIn.runs).toHaveLength(2);
  });

  it('continues the same W&B run on resume with _step increasing, and gives a run started again with --overwrite a W&B run of its own', async () => {
    const dir = join(tmp.dir, 'stopped-then-resumed');
    const controller = new AbortController();
    const stopper = new RecordingTracker();
    stopper.logSteps = (generation, step) => {
      if (generation === 2 && step === 3) controller.abort('SIGTERM');
    };
    await expect(engine.run(config({ flushInterval: 0.02 }), dir, { signal: controller.signal, extraTrackers: [stopper] })).rejects.toThrow(/interrupted during generation 2/);
    await engine.run(config({ flushInterval: 0.02 }), dir, { resume: true });
    expect(standIn.runs).toHaveLength(1);
    expectMirrored(dir);

    const failed = join(tmp.dir, 'failed-then-overwritten');
    await expect(engine.run(config({ flushInterval: 0.02 }, { metrics: [{ id: 'test-fails', at: 1 }] }), failed)).rejects.toThrow('test-fails at generation 1');
    const before = wandbRunOf(failed);
    expect([standIn.run(before).complete, standIn.run(before).exitcode]).toEqual([true, 1]);
    const rowsBefore = standIn.history(before);
    await engine.run(config({ flushInterval: 0.02 }), failed, { overwrite: true });
    expect(wandbRunOf(failed)).not.toBe(before);
    expect(standIn.history(before)).toEqual(rowsBefore);
    expectMirrored(failed);
    expect(vi.mocked(process.stderr.write).mock.calls.map(([text]) => String(text))).toContain(
      `wandb: ${join(failed, 'wandb')}: W&B run ${before} belonged to the run this folder held before --overwrite (0 records of it never sent, dropped); this run gets a W&B run of its own\n`,
    );
  });

  it('finishes promptly while the server hangs, and ouro wandb sync delivers everything once it is back', async () => {
    standIn.down({ kind: 'hang' });
    const dir = join(tmp.dir, 'hanging');
    const recorder = new RecordingTracker();
    const began = performance.now();
    await engine.run(config({ flushInterval: 0.02, requestTimeout: 30, finishTimeout: 0.5 }), dir, { extraTrackers: [recorder] });
    // The tracker ended on its own finish timeout, well before the group's 30 s would switch it off.
    expect(performance.now() - began).toBeLessThan(20_000);
    expect(recorder.notes.filter((n) => n.includes("tracker 'wandb'"))).toEqual([]);
    expect(standIn.requests.every((r) => r.answered === 'hang')).toBe(true);

    standIn.up();
    const result = await syncRun(dir, { retry: fastRetry(), log: () => {} });
    expect(result.left).toBe(0);
    expectMirrored(dir);
  });
});

import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@ouroboros/core/testing';
import { resolveSettings } from './settings.ts';
import { wandbRunId } from './run-id.ts';
import { Spool } from './spool.ts';
import { syncRun } from './sync.ts';
import { driveGenerations, driverLoss, fastRetry, filesContaining, runInfo, samplePng, until, WandbStandIn, type RecordedRequest } from './testing/index.ts';
import type { WandbOptions } from './wandb-options.ts';
import { parseWandbJson } from './wandb-json.ts';
import { WandbTracker, wrapConfig, type WandbTrackerTimings } from './wandb-tracker.ts';

const KEY = 'ouro-test-key-7f3a9c1e5b2d8f4a6c0e9b1d3f5a7c9e';
const BASIC = Buffer.from(`api:${KEY}`).toString('base64');
const tmp = tempDir('ouroboros-wandb-');
afterAll(() => tmp.cleanup());
const noNetrc = join(tmp.dir, 'no-netrc');
let runs = 0;
const newDir = () => {
  const dir = join(tmp.dir, `run-${runs++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};

const timings: WandbTrackerTimings = { stepEvery: 1, stepIntervalMs: 0, flushMs: 20, heartbeatMs: 60_000, requestTimeoutMs: 2000, finishTimeoutMs: 10_000, uploadCheckpoint: false };

let standIn: WandbStandIn;
beforeEach(async () => {
  standIn = await WandbStandIn.start(KEY);
});
afterEach(async () => {
  await standIn.close();
});

interface Made {
  tracker: WandbTracker;
  logs: string[];
  waits: number[];
}

function makeTracker(options: { server?: WandbStandIn; settings?: Partial<WandbOptions>; timings?: Partial<WandbTrackerTimings>; now?: () => number; env?: Record<string, string> } = {}): Made {
  const logs: string[] = [];
  const waits: number[] = [];
  const settings = resolveSettings({ project: 'selfconsuming', tags: ['test'], ...options.settings }, { ...(options.server ?? standIn).environment(), ...options.env });
  const tracker = new WandbTracker(settings, { ...timings, ...options.timings }, { log: (m) => logs.push(m), retry: fastRetry(waits), ...(options.now ? { now: options.now } : {}) });
  return { tracker, logs, waits };
}

/** A clock that moves 250 ms each time it is read: the same calls give the same times. */
function steppingClock(): () => number {
  let ticks = 0;
  return () => 1_700_000_000_000 + 250 * ticks++;
}

/** The rows a driven run must end with: per generation, its training steps then its row, `_step` counting steps and rows. */
function expectedRows(generations: number, steps: number, from = 0) {
  const rows: Array<Record<string, unknown>> = [];
  for (let g = from; g <= generations; g++) {
    for (let s = 0; s < steps; s++) rows.push({ 'train/loss': driverLoss(g, s), 'train/step': s, generation: g, _step: g * (steps + 1) + s });
    rows.push({ generation: g, fd: 0.1 * g + 0.05, precision: 1 - 0.1 * g, seconds: 1.5, samples: expect.objectContaining({ _type: 'image-file' }), _step: g * (steps + 1) + steps });
  }
  return rows.map((row) => ({ ...row, _runtime: expect.any(Number), _timestamp: expect.any(Number) }));
}

function answered(requests: RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.answered === 200);
}

/** The chunks of `file` the server accepted, in order: each must start where the previous ended. */
function expectContiguous(requests: RecordedRequest[], file: string, startAt = 0): void {
  let next = startAt;
  for (const request of answered(requests)) {
    const chunk = request.json.files?.[file] as { offset: number; content: string[] } | undefined;
    if (!chunk) continue;
    expect(chunk.offset, `${file} offset`).toBe(next);
    next += chunk.content.length;
  }
}

describe('wandb tracker: the protocol', () => {
  it('registers the run, streams steps, rows, images and summary with contiguous offsets and a monotone _step, and completes', async () => {
    const dir = newDir();
    const run = runInfo(dir, { generations: 2, group: 'lambda-sweep' });
    const { tracker, logs } = makeTracker();
    await driveGenerations(tracker, run, { steps: 5 });
    tracker.note('metric nll skipped: no likelihood');
    await tracker.finish(0);
    const name = wandbRunId(run);
    expect(name).toMatch(/^[a-z0-9]{8}$/);

    // Auth on every API request, none on the pre-signed uploads.
    for (const r of standIn.requests.filter((r) => r.route !== 'upload')) expect(r.headers.authorization).toBe(`Basic ${BASIC}`);
    for (const r of standIn.requestsTo('upload')) expect(r.headers.authorization).toBeUndefined();
    expect(standIn.problems).toEqual([]);

    // RunResumeStatus, then UpsertBucket with the run's description.
    const graphql = standIn.requestsTo('graphql');
    expect(graphql.map((r) => r.operation).slice(0, 2)).toEqual(['RunResumeStatus', 'UpsertBucket']);
    expect(graphql[0]!.json.variables).toEqual({ project: 'selfconsuming', entity: null, name });
    const upsert = graphql[1]!.json.variables;
    expect(upsert).toMatchObject({ id: null, name, project: 'selfconsuming', entity: null, groupName: 'lambda-sweep', displayName: `collapse-${run.runId}`, jobType: 'retrain', tags: ['test'], program: 'ouro', sweep: null });
    expect(JSON.parse(upsert.config)).toEqual(wrapConfig(run.config));
    expect(JSON.parse(upsert.config).schedule).toEqual({ value: { id: 'constant-lambda', lambda: 0.5 } });

    // History: every step and every generation row exactly once, in order, _step as documented.
    const fileStreams = standIn.requestsTo('file_stream');
    expectContiguous(fileStreams, 'wandb-history.jsonl');
    expectContiguous(fileStreams, 'output.log');
    const history = standIn.history(name);
    expect(history).toEqual(expectedRows(2, 5));
    for (let i = 1; i < history.length; i++) expect(history[i]!._step).toBeGreaterThan(history[i - 1]!._step);
    for (let i = 1; i < history.length; i++) expect(history[i]!._timestamp).toBeGreaterThanOrEqual(history[i - 1]!._timestamp);

    // The sample image of every generation: uploaded bytes, named in `uploaded` after its PUT, referenced by its row.
    const stored = standIn.run(name);
    for (let g = 0; g <= 2; g++) {
      const image = history.find((row) => row.generation === g && row.samples)!.samples;
      const png = samplePng(g);
      expect(image).toEqual({ _type: 'image-file', path: `media/images/samples_${6 * g + 5}_${image.sha256.slice(0, 20)}.png`, sha256: createHash('sha256').update(png).digest('hex'), size: png.length, format: 'png', width: 4, height: 3 });
      expect(new Uint8Array(stored.files.get(image.path)!)).toEqual(png);
      expect(stored.uploaded.has(image.path)).toBe(true);
    }

    // The summary: always at offset 0, the last value of every key.
    for (const r of fileStreams) if (r.json.files?.['wandb-summary.json']) expect(r.json.files['wandb-summary.json'].offset).toBe(0);
    expect(parseWandbJson(stored.summary!)).toMatchObject({ generation: 2, fd: 0.25, 'train/loss': driverLoss(2, 4), 'train/step': 4, _step: 17, samples: history[17]!.samples });

    // Console lines with W&B's timestamps; complete and exit code in the last request only.
    const output = stored.output as string[];
    for (const line of output) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6} \S/);
    expect(output.map((l) => l.slice(27))).toEqual([
      `run collapse (cell ${run.runId}): generations 0..2 on cpu`,
      'gen 0/2 fd=0.05000 precision=1',
      'gen 1/2 fd=0.1500 precision=0.9000',
      'gen 2/2 fd=0.2500 precision=0.8000',
      'note: metric nll skipped: no likelihood',
      'finished',
    ]);
    expect(fileStreams.filter((r) => r.json.complete !== undefined)).toEqual([fileStreams[fileStreams.length - 1]]);
    expect([stored.complete, stored.exitcode]).toEqual([true, 0]);
    expect(logs.some((l) => l.startsWith(`syncing to ${standIn.url}/stand-in-user/selfconsuming/runs/${name}`))).toBe(true);
  });

  it('sends every stepEvery-th step, at most one per stepInterval, with _step still counting every optimizer step', async () => {
    let now = 1_700_000_000_000;
    const { tracker } = makeTracker({ timings: { stepEvery: 2, stepIntervalMs: 1000 }, now: () => now });
    const run = runInfo(newDir(), { generations: 1 });
    await tracker.start(run);
    for (let g = 0; g <= 1; g++) {
      for (let s = 0; s < 10; s++) {
        now += 300;
        tracker.logSteps(g, s, { loss: s });
      }
      tracker.log({ generation: g }, g);
    }
    await tracker.finish(0);
    const rows = standIn.history(wandbRunId(run)).map((r) => [r.generation, r['train/step'] ?? 'row', r._step]);
    // Step 0 of a generation always goes; then even steps at least 1000 ms apart (300 ms per step).
    expect(rows).toEqual([
      [0, 0, 0], [0, 4, 4], [0, 8, 8], [0, 'row', 10],
      [1, 0, 11], [1, 4, 15], [1, 8, 19], [1, 'row', 21],
    ]);
  });

  it('sends one training row per stride of stepEvery steps whatever steps the fit logs (every logEvery-th from 0, or off the stride), restored across a resume', async () => {
    const { tracker } = makeTracker({ timings: { stepEvery: 10 } });
    const dir = newDir();
    const run = runInfo(dir, { generations: 1 });
    await tracker.start(run);
    for (const s of [0, 25, 50, 75, 99]) tracker.logSteps(0, s, { loss: s });
    tracker.log({ generation: 0 }, 0);
    for (const s of [9, 19, 21, 29]) tracker.logSteps(1, s, { loss: s });
    await tracker.finish(130);
    // The fit of generation 1 resumes from its checkpoint at step 20 and reports 20, 29, 39 again.
    const resumed = makeTracker({ timings: { stepEvery: 10 } });
    await resumed.tracker.start({ ...run, startGeneration: 1 });
    for (const s of [20, 29, 39]) resumed.tracker.logSteps(1, s, { loss: s });
    resumed.tracker.log({ generation: 1 }, 1);
    await resumed.tracker.finish(0);
    const rows = standIn.history(wandbRunId(run)).map((r) => [r.generation, r['train/step'] ?? 'row', r._step]);
    expect(rows).toEqual([
      [0, 0, 0], [0, 25, 25], [0, 50, 50], [0, 75, 75], [0, 99, 99], [0, 'row', 100],
      [1, 9, 110], [1, 19, 120], [1, 21, 122], [1, 39, 140], [1, 'row', 141],
    ]);
  });

  it('sends a heartbeat when idle, and says once that the run was stopped in the UI', async () => {
    standIn.stopRequested = true;
    const { tracker, logs } = makeTracker({ timings: { heartbeatMs: 60 } });
    const run = runInfo(newDir(), { generations: 0 });
    await driveGenerations(tracker, run);
    await until(() => standIn.requestsTo('file_stream').some((r) => JSON.stringify(r.json) === '{}'), 'a heartbeat');
    await tracker.finish(0);
    expect(logs.filter((l) => l.includes('stopped in the W&B UI'))).toHaveLength(1);
  });

  it('uploads the last model folder as run files before completing, when asked', async () => {
    const dir = newDir();
    const model = join(dir, 'gen-001', 'model');
    mkdirSync(model, { recursive: true });
    writeFileSync(join(model, 'model.json'), '{"family":"gaussian"}');
    writeFileSync(join(model, 'weights.safetensors'), Buffer.alloc(3000, 9));
    const { tracker } = makeTracker({ timings: { uploadCheckpoint: true } });
    const run = runInfo(dir, { generations: 1 });
    await driveGenerations(tracker, run);
    await tracker.finish(0);
    const stored = standIn.run(wandbRunId(run));
    for (const file of ['model.json', 'weights.safetensors']) {
      expect(stored.files.get(`checkpoint/gen-001/model/${file}`)).toEqual(readFileSync(join(model, file)));
      expect(stored.uploaded.has(`checkpoint/gen-001/model/${file}`)).toBe(true);
    }
    expect(standIn.problems).toEqual([]);
  });
});

describe('wandb tracker: failures', () => {
  it('loses and doubles nothing through an outage of 503s, dropped connections, a hang, 429 with Retry-After and lost answers', async () => {
    const dir = newDir();
    const run = runInfo(dir, { generations: 6 });
    const { tracker, logs, waits } = makeTracker({ timings: { requestTimeoutMs: 300 } });
    const name = wandbRunId(run);
    const rowsOnServer = () => standIn.runs.find((r) => r.name === name)?.history.length ?? 0;
    const saw = (kind: RecordedRequest['answered']) => () => standIn.requests.some((r) => r.answered === kind);
    await driveGenerations(tracker, run, {
      steps: 3,
      between: async (g) => {
        if (g === 1) {
          await until(() => rowsOnServer() === 8, 'generations 0 and 1 on the server');
          standIn.down({ kind: 'status', status: 503 });
        } else if (g === 2) {
          await until(saw(503), 'a 503');
          standIn.down({ kind: 'drop' });
        } else if (g === 3) {
          await until(saw('drop'), 'a dropped connection');
          standIn.down({ kind: 'hang' });
        } else if (g === 4) {
          await until(saw('hang'), 'a hung request');
          expect(rowsOnServer()).toBe(8);
          standIn.failNext('file_stream', { kind: 'status', status: 429, retryAfter: '7' });
          standIn.failNext('file_stream', { kind: 'drop-after' });
          standIn.failNext('file_stream', { kind: 'status', status: 500 });
          standIn.up();
        }
      },
    });
    await tracker.finish(0);

    expect(standIn.history(name)).toEqual(expectedRows(6, 3));
    expect(standIn.problems).toEqual([]);
    expectContiguous(standIn.requestsTo('file_stream'), 'wandb-history.jsonl');
    expectContiguous(standIn.requestsTo('file_stream'), 'output.log');
    const output = standIn.run(name).output;
    expect(Array.from(output, (line) => line?.slice(27).split(' ')[0])).toEqual(['run', 'gen', 'gen', 'gen', 'gen', 'gen', 'gen', 'gen', 'finished']);
    expect(standIn.requests.some((r) => r.answered === 'drop-after')).toBe(true);
    expect(waits).toContain(7000);
    expect(standIn.run(name).exitcode).toBe(0);
    expect(logs.filter((l) => l.includes('retrying')).length).toBeGreaterThan(0);
    expect(logs).toContain('W&B reachable again; sending the spooled records');
    expect(Spool.open(dir).pending).toEqual([]);
  });

  it.each([400, 401, 403, 404, 409, 410, 413, 422, 501])('does not retry a file_stream answered %i: it stops, keeps the spool, and a later sync delivers it', async (status) => {
    const dir = newDir();
    const run = runInfo(dir, { generations: 1 });
    standIn.failNext('file_stream', { kind: 'status', status });
    const { tracker, logs } = makeTracker();
    await driveGenerations(tracker, run, { steps: 2 });
    await tracker.finish(0);
    expect(standIn.requestsTo('file_stream')).toHaveLength(1);
    expect(logs.some((l) => l.includes(`answered ${status}`) && l.includes(`ouro wandb sync ${dir}`))).toBe(true);
    const result = await syncRun(dir, { environ: { WANDB_API_KEY: KEY, NETRC: noNetrc }, retry: fastRetry(), log: () => {} });
    expect(result.left).toBe(0);
    expect(standIn.history(wandbRunId(run))).toEqual(expectedRows(1, 2));
    expect(standIn.problems).toEqual([]);
  });

  it.each([429, 500, 502, 503])('retries a file_stream answered %i', async (status) => {
    const run = runInfo(newDir(), { generations: 1 });
    standIn.failNext('file_stream', { kind: 'status', status }, 2);
    const { tracker } = makeTracker();
    await driveGenerations(tracker, run, { steps: 2 });
    await tracker.finish(0);
    expect(standIn.requestsTo('file_stream').filter((r) => r.answered === status)).toHaveLength(2);
    expect(standIn.history(wandbRunId(run))).toEqual(expectedRows(1, 2));
  });

  it('retries UpsertBucket answered 409 but not RunResumeStatus answered 409', async () => {
    standIn.failNext('graphql:UpsertBucket', { kind: 'status', status: 409 });
    const first = makeTracker();
    const run = runInfo(newDir(), { generations: 0 });
    await driveGenerations(first.tracker, run);
    await first.tracker.finish(0);
    expect(standIn.requestsTo('graphql', 'UpsertBucket').map((r) => r.answered)).toEqual([409, 200]);
    expect(standIn.history(wandbRunId(run))).toHaveLength(1);

    standIn.failNext('graphql:RunResumeStatus', { kind: 'status', status: 409 });
    const second = makeTracker();
    const other = runInfo(newDir(), { generations: 0, runId: 'ffffffffff' });
    await driveGenerations(second.tracker, other);
    await second.tracker.finish(0);
    expect(standIn.requestsTo('graphql', 'RunResumeStatus').map((r) => r.answered)).toEqual([200, 409]);
    expect(second.logs.some((l) => l.startsWith('stopped sending (W&B RunResumeStatus'))).toBe(true);
  });

  it('does not hold training up while the server hangs: the calls return, finish ends at its timeout, the spool keeps the rest for sync', async () => {
    const dir = newDir();
    const run = runInfo(dir, { generations: 3 });
    standIn.down({ kind: 'hang' });
    const { tracker, logs } = makeTracker({ timings: { requestTimeoutMs: 5000, finishTimeoutMs: 300 } });
    await driveGenerations(tracker, run, { steps: 20 });
    // Every row was logged while no request had been answered.
    expect(standIn.requests.every((r) => r.answered === 'hang')).toBe(true);
    const began = performance.now();
    await tracker.finish(0);
    expect(performance.now() - began).toBeLessThan(300 + 3000);
    expect(logs.some((l) => l.includes('not sent within 0.3 s') && l.includes(`ouro wandb sync ${dir}`))).toBe(true);
    expect(Spool.open(dir).pending.length).toBeGreaterThan(4 * 21);

    standIn.up();
    const result = await syncRun(dir, { environ: { WANDB_API_KEY: KEY, NETRC: noNetrc }, retry: fastRetry(), log: () => {} });
    expect(result).toMatchObject({ left: 0 });
    expect(standIn.history(wandbRunId(run))).toEqual(expectedRows(3, 20));
    expect(standIn.run(wandbRunId(run)).exitcode).toBe(0);
    expect(standIn.problems).toEqual([]);
  });
});

describe('wandb tracker: offline, sync and resume', () => {
  it('ouro wandb sync against a hanging server: a line per retry, gives up once nothing was taken for its stall time, and a later sync delivers everything once', async () => {
    const dir = newDir();
    const run = runInfo(dir, { generations: 1 });
    const { tracker } = makeTracker({ settings: { mode: 'offline' } });
    await driveGenerations(tracker, run, { steps: 3 });
    await tracker.finish(0);
    const records = Spool.open(dir).pending.length;

    standIn.down({ kind: 'hang' });
    const lines: string[] = [];
    const environ = { WANDB_API_KEY: KEY, WANDB_BASE_URL: standIn.url, NETRC: noNetrc };
    const began = performance.now();
    const stalled = await syncRun(dir, { environ, retry: { ...fastRetry(), maxAttempts: 21 }, requestTimeoutMs: 100, stallMs: 1000, log: (line) => lines.push(line) });
    expect(performance.now() - began).toBeLessThan(5000);
    const attempt = `W&B RunResumeStatus (POST ${standIn.url}/graphql): no answer within 0.1 s`;
    expect(lines.length).toBeGreaterThanOrEqual(3);
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(`^${attempt.replace(/[.()]/g, '\\$&')}; retry ${i + 1} of 20 in \\d+\\.\\d s$`)));
    expect(stalled).toEqual({ sent: 0, left: records, failure: `W&B took nothing for 1 s; last: ${attempt}` });
    expect(Spool.open(dir).pending.length).toBe(records);

    standIn.up();
    expect(await syncRun(dir, { environ, retry: fastRetry(), log: () => {} })).toEqual({ sent: records, left: 0 });
    expect(standIn.history(wandbRunId(run))).toEqual(expectedRows(1, 3));
    expect(standIn.problems).toEqual([]);
  });

  it('an offline run sends nothing, and after ouro wandb sync the server holds exactly what an online run gives it', async () => {
    const online = makeTracker({ now: steppingClock() });
    const onlineRun = runInfo(newDir(), { generations: 2 });
    await driveGenerations(online.tracker, onlineRun, { steps: 4 });
    online.tracker.note('a note');
    await online.tracker.finish(0);

    const other = await WandbStandIn.start(KEY);
    try {
      const offline = makeTracker({ server: other, settings: { mode: 'offline' }, now: steppingClock() });
      const offlineRun = runInfo(newDir(), { generations: 2 });
      await driveGenerations(offline.tracker, offlineRun, { steps: 4 });
      offline.tracker.note('a note');
      await offline.tracker.finish(0);
      expect(other.requests).toEqual([]);
      expect(offline.logs.some((l) => l.startsWith('offline: spooling'))).toBe(true);

      // The spool remembers its server; the key comes from the environment of the sync.
      const result = await syncRun(offlineRun.dir, { environ: { WANDB_API_KEY: KEY, NETRC: noNetrc }, retry: fastRetry(), log: () => {} });
      expect(result.left).toBe(0);
      expect(result.sent).toBeGreaterThan(15);
      expect(await syncRun(offlineRun.dir, { environ: { WANDB_API_KEY: KEY, NETRC: noNetrc }, log: () => {} })).toEqual({ sent: 0, left: 0 });

      const name = wandbRunId(onlineRun);
      const a = standIn.run(name);
      const b = other.run(name);
      expect(b.history).toEqual(a.history);
      expect(b.output).toEqual(a.output);
      expect(b.summary).toEqual(a.summary);
      expect(b.files).toEqual(a.files);
      expect([...b.uploaded].sort()).toEqual([...a.uploaded].sort());
      expect([b.complete, b.exitcode, b.config, b.tags, b.groupName, b.displayName]).toEqual([a.complete, a.exitcode, a.config, a.tags, a.groupName, a.displayName]);
      expect(other.problems).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('a resumed run continues the same W&B run: offsets, _step, and no step reported twice by a fit resumed from its checkpoint', async () => {
    const dir = newDir();
    const run = runInfo(dir, { generations: 3 });
    const name = wandbRunId(run);
    const first = makeTracker();
    await driveGenerations(first.tracker, run, { to: 1, steps: 8 });
    for (let s = 0; s < 6; s++) first.tracker.logSteps(2, s, { loss: driverLoss(2, s) });
    await first.tracker.finish(130);
    expect([standIn.run(name).complete, standIn.run(name).exitcode]).toEqual([true, 130]);
    const linesAfterFirst = standIn.run(name).history.length;

    // The fit of generation 2 resumes from its checkpoint at step 3.
    const second = makeTracker();
    await driveGenerations(second.tracker, { ...run, startGeneration: 2 }, { steps: 8, firstStep: 3 });
    await second.tracker.finish(0);

    const upserts = standIn.requestsTo('graphql', 'UpsertBucket');
    expect(upserts.map((r) => r.json.variables.name)).toEqual([name, name]);
    expect(upserts[1]!.json.variables.id).toBe(standIn.run(name).id);
    expect(standIn.requestsTo('graphql', 'RunResumeStatus')).toHaveLength(1);
    const secondSession = standIn.requestsTo('file_stream').filter((r) => r.at >= upserts[1]!.at);
    expect(secondSession.find((r) => r.json.files?.['wandb-history.jsonl'])!.json.files['wandb-history.jsonl'].offset).toBe(linesAfterFirst);
    expectContiguous(standIn.requestsTo('file_stream'), 'wandb-history.jsonl');
    expect(standIn.history(name)).toEqual(expectedRows(3, 8));
    expect(standIn.run(name).exitcode).toBe(0);
    expect(standIn.problems).toEqual([]);
  });

  it('keeps a diverged NaN loss through an offline spool and sync', async () => {
    const dir = newDir();
    const { tracker } = makeTracker({ settings: { mode: 'offline' } });
    const run = runInfo(dir, { generations: 0 });
    await tracker.start(run);
    tracker.logSteps(0, 0, { loss: Number.NaN });
    tracker.log({ generation: 0, fd: Infinity }, 0);
    await tracker.finish(1);
    expect((await syncRun(dir, { environ: { WANDB_API_KEY: KEY, NETRC: noNetrc }, retry: fastRetry(), log: () => {} })).left).toBe(0);
    const stored = standIn.run(wandbRunId(run));
    expect(stored.history[0]).toMatch(/"train\/loss":NaN/);
    expect(stored.history[1]).toMatch(/"fd":Infinity/);
    expect(standIn.history(stored.name).map((r) => [r['train/loss'], r.fd])).toEqual([[Number.NaN, undefined], [undefined, Infinity]]);
    expect(stored.exitcode).toBe(1);
  });

  it('keeps a run folder on the W&B run its spool started with, whatever the settings of a resume', async () => {
    const dir = newDir();
    const run = runInfo(dir, { generations: 1 });
    const first = makeTracker();
    await driveGenerations(first.tracker, run, { to: 0 });
    await first.tracker.finish(130);
    const second = makeTracker({ settings: { project: 'elsewhere' }, env: { WANDB_RUN_ID: 'other123' } });
    await driveGenerations(second.tracker, { ...run, startGeneration: 1 });
    await second.tracker.finish(0);
    expect(standIn.runs.map((r) => `${r.project}/${r.name}`)).toEqual([`selfconsuming/${wandbRunId(run)}`]);
    expect(standIn.history(wandbRunId(run))).toEqual(expectedRows(1, 0));
    expect(second.logs.some((l) => l.includes('other WANDB_RUN_ID, project or entity settings are ignored'))).toBe(true);
  });

  it('mirrors generations committed while the tracker was disabled when the run resumes', async () => {
    const dir = newDir();
    const run = runInfo(dir, { generations: 3 });
    const first = makeTracker();
    await driveGenerations(first.tracker, run, { to: 1 });
    await first.tracker.finish(130);
    // Generation 2 ran with WANDB_MODE=disabled; the engine committed it.
    const disabled = makeTracker({ env: { WANDB_MODE: 'disabled' } });
    await driveGenerations(disabled.tracker, { ...run, startGeneration: 2 }, { to: 2 });
    await disabled.tracker.finish(130);
    mkdirSync(join(dir, 'gen-002'), { recursive: true });
    writeFileSync(join(dir, 'gen-002', 'metrics.json'), JSON.stringify({ generation: 2, fd: 0.25, precision: 0.8, seconds: 1.5 }));
    writeFileSync(join(dir, 'gen-002', 'samples.png'), samplePng(2));

    const third = makeTracker();
    await driveGenerations(third.tracker, { ...run, startGeneration: 3 });
    await third.tracker.finish(0);
    expect(standIn.history(wandbRunId(run))).toEqual(expectedRows(3, 0));
  });

  it('a fresh run folder whose W&B run already has rows appends after them', async () => {
    const run = runInfo(newDir(), { generations: 1 });
    const name = wandbRunId(run);
    standIn.seedRun(name, [0, 1, 2, 3, 4].map((i) => ({ old_metric: i, _step: i, _runtime: 10 * i, _timestamp: 1_600_000_000 + i })), { project: 'selfconsuming', output: ['x', 'y'] });
    const { tracker, logs } = makeTracker();
    await driveGenerations(tracker, run, { steps: 2 });
    await tracker.finish(0);
    const history = standIn.history(name);
    expect(history).toHaveLength(5 + 6);
    expect(history.map((r) => r._step)).toEqual([...Array(11).keys()]);
    expect(history.slice(5).every((r) => r._runtime >= 40)).toBe(true);
    expect(standIn.run(name).output.slice(0, 2)).toEqual(['x', 'y']);
    expectContiguous(standIn.requestsTo('file_stream'), 'output.log', 2);
    expect(parseWandbJson(standIn.run(name).summary!)).toMatchObject({ old_metric: 4, fd: 0.1 * 1 + 0.05, _step: 10 });
    expect(logs).toContain(`run ${name} already has 5 history rows on W&B; continuing at _step 5`);
    expect(standIn.problems).toEqual([]);
  });
});

describe('wandb tracker: the API key', () => {
  it('never reaches a file, a message or the spool, through a rejected key, an offline run and a sync', async () => {
    const messages: string[] = [];
    const rejected = makeTracker({ env: { WANDB_API_KEY: `${KEY}-wrong` } });
    const dir = newDir();
    await driveGenerations(rejected.tracker, runInfo(dir, { generations: 1 }), { steps: 2 });
    await rejected.tracker.finish(0);
    expect(rejected.logs.some((l) => l.includes('answered 401'))).toBe(true);
    messages.push(...rejected.logs);

    const offline = makeTracker({ settings: { mode: 'offline' } });
    await driveGenerations(offline.tracker, runInfo(dir, { generations: 2, startGeneration: 2 }));
    await offline.tracker.finish(0);
    messages.push(...offline.logs);
    const result = await syncRun(dir, { environ: { WANDB_API_KEY: KEY, NETRC: noNetrc }, retry: fastRetry(), log: (m) => messages.push(m) });
    expect(result.left).toBe(0);

    const wrongBasic = Buffer.from(`api:${KEY}-wrong`).toString('base64');
    const secrets = [KEY, BASIC, wrongBasic];
    expect(filesContaining(tmp.dir, secrets)).toEqual([]);
    for (const message of messages) for (const secret of secrets) expect(message).not.toContain(secret);
    // The only place the key travels is the Authorization header.
    for (const r of standIn.requests) for (const secret of secrets) expect(r.body.includes(secret)).toBe(false);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { MetricPlugin } from '../contracts/metric.ts';
import { resolveConfig } from '../config/load-config.ts';
import { cpuTensorBackend, diagonalGaussianModelPlugin, engineScope, normalDatasetPlugin, readHistory, RecordingTracker, tempDir, withoutSeconds } from '../testing/index.ts';
import { verifyRun } from './verify-run.ts';

/** Needs k + 1 samples a side, like precision-recall. */
const needsSamples: MetricPlugin<{ k: number }> = {
  id: 'needs-samples',
  description: 'test metric that checks its plan',
  options: z.strictObject({ k: z.int().default(3) }),
  create: ({ k }) => ({
    compute: async () => ({ ok: 1 }),
    check: ({ referenceCount, generatedCount }) => {
      if (Math.min(referenceCount, generatedCount) <= k) throw new Error(`k = ${k} needs at least ${k + 1} samples a side, got ${Math.min(referenceCount, generatedCount)}`);
    },
  }),
};

const { registry, engine } = engineScope({
  plugins: { model: [diagonalGaussianModelPlugin], dataset: [normalDatasetPlugin], metric: [needsSamples] },
  backend: cpuTensorBackend,
});
const root = tempDir();
afterAll(() => root.cleanup());

const base = {
  name: 'integrity',
  seed: 2,
  generations: 3,
  dataset: { id: 'test-normal', dim: 2, train: 30, test: 30 },
  model: { id: 'test-diagonal-gaussian' },
  schedule: { id: 'constant-lambda', lambda: 0.5 },
  metrics: [{ id: 'needs-samples' }],
  trackers: [],
};
const config = (overrides: string[] = []) => resolveConfig(base, registry, { overrides });
const errorOf = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: Error) => e.message);

describe('one process per run folder', () => {
  it('refuses a second process while the first holds the lock, naming it, and takes over a stale lock', async () => {
    const dir = join(root.dir, 'locked');
    mkdirSync(dir);
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
      writeFileSync(join(dir, 'run.lock'), JSON.stringify({ pid: holder.pid, host: hostname(), bootId, startedAt: '2026-11-28T10:00:00Z' }));
      expect(await errorOf(engine.run(config(), dir))).toBe(
        `${dir}: in use by process ${holder.pid} on ${hostname()} since 2026-11-28T10:00:00Z (run.lock); expected one ouro process per run folder: wait for it to finish or stop it`,
      );
      expect(readdirSync(dir)).toEqual(['run.lock']);
    } finally {
      holder.kill();
      await new Promise((done) => holder.on('exit', done));
    }
    // The holder is gone: its lock is stale and the run takes it over, releasing it when done.
    await engine.run(config(), dir);
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);
  });

  it('keeps two concurrent runs on one folder from mixing: exactly one runs', async () => {
    const dir = join(root.dir, 'race');
    const results = await Promise.allSettled([engine.run(config(), dir), engine.run(config(['seed=9']), dir)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(String(rejected.reason)).toMatch(/in use by process|holds a run of a different config/);
  });
});

describe('damaged data is named, never read as zeros', () => {
  it('resume refuses a truncated or altered committed file, naming it; verifyRun lists every problem', async () => {
    const dir = join(root.dir, 'damaged');
    await engine.run(config(), dir);
    expect(verifyRun(dir)).toEqual([]);
    rmSync(join(dir, 'gen-003'), { recursive: true });
    const chunk = join(dir, 'gen-001', 'samples', 'chunk-00000.bin');
    const bytes = readFileSync(chunk);
    writeFileSync(chunk, bytes.subarray(0, bytes.length - 8));
    expect(await errorOf(engine.run(config(), dir, { resume: true }))).toMatch(new RegExp(`^${chunk}: \\d+ bytes; checksums\\.json says \\d+ .*run 'ouro verify`));
    bytes[5]! ^= 0xff;
    writeFileSync(chunk, bytes);
    const problems = verifyRun(dir);
    expect(problems).toContain(`${chunk}: sha256 differs from checksums.json; the file is damaged`);
    expect(problems).toContain(`${chunk}: sha256 differs from samples.json; the file is damaged`);
    expect(await errorOf(engine.run(config(), dir, { resume: true }))).toMatch(/chunk-00000\.bin: sha256 differs/);
  });

  it('reports a committed generation without its metrics instead of dropping it', async () => {
    const dir = join(root.dir, 'no-metrics');
    await engine.run(config(), dir);
    rmSync(join(dir, 'gen-003'), { recursive: true });
    unlinkSync(join(dir, 'gen-001', 'metrics.json'));
    expect(await errorOf(engine.run(config(), dir, { resume: true }))).toBe(
      `${join(dir, 'gen-001')}: a committed generation without metrics.json; the run folder is damaged (run 'ouro verify ${dir}')`,
    );
  });
});

describe('a failed write is never success', () => {
  it('fails the run naming the file when the disk is full, leaves no temporary file, and resumes to the same numbers', async () => {
    const whole = await engine.run(config(), join(root.dir, 'full-disk-whole'));
    const dir = join(root.dir, 'full-disk');
    const filler = new RecordingTracker();
    filler.log = (_row, generation) => {
      if (generation !== 1) return;
      unlinkSync(join(dir, 'history.jsonl'));
      symlinkSync('/dev/full', join(dir, 'history.jsonl'));
    };
    expect(await errorOf(engine.run(config(), dir, { extraTrackers: [filler] }))).toBe(`${join(dir, 'history.jsonl')}: cannot write (ENOSPC): ENOSPC: no space left on device, write`);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))).toMatchObject({ status: 'failed', exitCode: 1 });
    const stray = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? stray(join(d, e.name)) : /\.tmp-/.test(e.name) ? [join(d, e.name)] : []));
    expect(stray(dir)).toEqual([]);
    unlinkSync(join(dir, 'history.jsonl'));
    const resumed = await engine.run(config(), dir, { resume: true });
    expect(withoutSeconds(resumed.history)).toEqual(withoutSeconds(whole.history));
    expect(withoutSeconds(readHistory(dir))).toEqual(withoutSeconds(whole.history));
  });
});

describe('files that are not ouroboros\'s are never touched', () => {
  it('refuses a non-empty folder that holds no run, and paths that cannot be a run folder, with the real reason', async () => {
    const dir = join(root.dir, 'theirs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'thesis.tex'), 'precious');
    expect(await errorOf(engine.run(config(), dir))).toBe(`--out ${dir}: is not empty and holds no ouroboros run (no run.json); expected a new or empty folder: nothing in it was touched`);
    expect(readdirSync(dir)).toEqual(['thesis.tex']);
    const file = join(dir, 'thesis.tex');
    expect(await errorOf(engine.run(config(), file))).toMatch(/is a file, not a folder/);
    expect(await errorOf(engine.run(config(), join(file, 'run')))).toBe(`--out ${join(file, 'run')}: cannot create the run folder: a part of the path is a file, not a folder (ENOTDIR)`);
  });
});

describe('options that only the data can check', () => {
  it('are refused before the run folder is created', async () => {
    const dir = join(root.dir, 'too-few');
    expect(await errorOf(engine.run(config(['dataset.train=3']), dir))).toBe('metrics.0 (needs-samples): k = 3 needs at least 4 samples a side, got 3');
    expect(await errorOf(engine.run(config(['sampling.count=5']), dir))).toBe('sampling.count = 5: the schedule draws 15 samples per generation; expected at least 15');
    expect(existsSync(dir)).toBe(false);
  });

  it('--overwrite starts again over a failed or empty run, but never over committed work that did not fail', async () => {
    const dir = join(root.dir, 'overwrite');
    const failing = new RecordingTracker();
    failing.log = (_row, generation) => {
      if (generation === 1) throw new Error('tracker fault is not a run failure');
    };
    await engine.run(config(), dir);
    expect(await errorOf(engine.run(config(['seed=4']), dir, { overwrite: true }))).toMatch(
      /^--overwrite: .*overwrite holds 4 committed generation\(s\) of a run that is finished; --overwrite only replaces a failed or empty run/,
    );
    const summary = join(dir, 'summary.json');
    writeFileSync(summary, readFileSync(summary, 'utf8').replace('"finished"', '"failed"'));
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const again = await engine.run(config(['seed=4']), dir, { overwrite: true });
    expect(again.history).toHaveLength(4);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).config.seed).toBe(4);
  });
});

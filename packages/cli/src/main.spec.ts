import { afterAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { readHistory, tempDir, withoutSeconds } from '@ouroboros/core/testing';
import { ouro } from './testing/run-ouro.ts';

const workspace = resolve(import.meta.dirname, '..', '..', '..');
const example = join(workspace, 'examples', 'gaussian-collapse.yaml');
const quiet = ['--set', 'trackers=[{id: local}]'];
const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function expectSuccess(...args: string[]) {
  const result = await ouro(...args);
  expect(result.code, result.stderr).toBe(0);
  return result;
}

describe('ouro run', () => {
  it('runs the quickstart: fully synthetic collapses (the covariance trace falls below a tenth, fd climbs), lambda = 0 stays at generation 0', async () => {
    const collapse = join(tmp.dir, 'collapse');
    const stable = join(tmp.dir, 'stable');
    await expectSuccess('run', example, '--out', collapse, ...quiet);
    await expectSuccess('run', example, '--out', stable, ...quiet, '--set', 'schedule.id=constant-lambda', '--set', 'schedule.lambda=0');

    const drift = readHistory(collapse);
    const kept = readHistory(stable);
    expect(drift.map((r) => r.generation)).toEqual([...Array(101).keys()]);
    expect(kept.map((r) => r.generation)).toEqual([...Array(101).keys()]);
    for (const row of drift) expect(Object.keys(row)).toEqual(expect.arrayContaining(['trace_ratio', 'fd', 'nll', 'train_loss', 'seconds']));
    expect(drift.filter((r) => 'precision' in r).map((r) => r.generation)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    // Same seed, same generation 0.
    expect(kept[0]!.fd).toBe(drift[0]!.fd);
    // lambda = 0 refits the same D every generation: only the sampling noise of 2000 points moves it.
    for (const row of kept) expect(Math.abs(row.trace_ratio! / kept[0]!.trace_ratio! - 1)).toBeLessThan(0.15);
    // Fully synthetic refits on 20 of its own samples: the spread collapses and fd climbs.
    expect(drift[100]!.trace_ratio!).toBeLessThan(0.1 * drift[0]!.trace_ratio!);
    expect(drift[100]!.fd!).toBeGreaterThan(5 * Math.max(...kept.map((r) => r.fd!)));
    expect(drift[100]!.nll!).toBeGreaterThan(kept[100]!.nll!);
    expect(existsSync(join(collapse, 'gen-100', 'samples.png'))).toBe(true);
  });

  it('rejects a bad config with one line naming the field and the --set that caused it, exit code 1, and writes nothing', async () => {
    const out = join(tmp.dir, 'never');
    const cases: Array<[string[], RegExp]> = [
      [['--set', 'schedule.id=constant-lambda', '--set', 'schedule.lambda=-1'], /^ouro: --set schedule\.id=constant-lambda --set schedule\.lambda=-1: schedule\.lambda = -1: expected number to be >=0$/],
      [['--set', 'model.id=nosuch'], /^ouro: --set model\.id=nosuch: model\.id = "nosuch": unknown model; known model ids: .*gaussian/],
      [['--set', 'dataset=null'], /^ouro: --set dataset=null: dataset is missing: expected object/],
    ];
    for (const [args, message] of cases) {
      const result = await ouro('run', example, '--out', out, ...args);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    }
    const broken = join(tmp.dir, 'broken.yaml');
    writeFileSync(broken, readFileSync(example, 'utf8').replace('generations: 100', 'generations: -2'));
    expect((await ouro('run', broken)).stderr).toBe(`ouro: ${broken}: generations = -2: expected number to be >=0\n`);
    expect((await ouro('run', join(tmp.dir, 'missing.yaml'))).stderr).toMatch(/missing\.yaml: config file not found/);
    expect((await ouro('run')).code).toBe(2);
    expect((await ouro('frobnicate')).stderr).toMatch(/unknown command 'frobnicate'/);
    expect((await ouro('run', example, '--backend', 'tpu')).stderr).toMatch(/--backend tpu: expected one of auto, node-gpu, node, native, wasm, cpu/);
  });

  it('prints the resolved config with --dry-run and writes nothing', async () => {
    const out = join(tmp.dir, 'dry');
    const result = await ouro('run', example, '--out', out, '--dry-run', '--set', 'generations=3');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { runDir: string; config: { generations: number; metrics: Array<{ id: string; k?: number }> } };
    expect(printed.runDir).toBe(out);
    expect(printed.config.generations).toBe(3);
    expect(printed.config.metrics.find((m) => m.id === 'precision-recall')?.k).toBe(3);
    expect(existsSync(out)).toBe(false);
  });
});

describe('ouro resume', () => {
  it('finishes an interrupted run with exactly the numbers of an uninterrupted one', async () => {
    const whole = join(tmp.dir, 'whole');
    const cut = join(tmp.dir, 'cut');
    const args = [...quiet, '--set', 'generations=6', '--set', 'dataset={id: two-moons, train: 200, test: 500}'];
    await expectSuccess('run', example, '--out', whole, ...args);
    await expectSuccess('run', example, '--out', cut, ...args);
    for (const t of [3, 4, 5, 6]) rmSync(join(cut, `gen-00${t}`), { recursive: true });
    const refused = await ouro('run', example, '--out', cut, ...args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/continue it with 'ouro resume/);
    await expectSuccess('resume', cut);
    expect(withoutSeconds(readHistory(cut))).toEqual(withoutSeconds(readHistory(whole)));
  });

  it('names a folder that is not a run', async () => {
    const result = await ouro('resume', join(tmp.dir, 'nothing'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/nothing: no such folder; expected a run folder/);
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    expect((await ouro('resume', empty)).stderr).toMatch(/empty: no run\.json; expected a run folder/);
  });
});

describe('third-party plugins', () => {
  it('loads a package named in packages: and uses the plugins it registers', async () => {
    // Inside node_modules so the fixture resolves zod like an installed package would.
    const pkg = mkdtempSync(join(workspace, 'node_modules', '.ouro-plugin-test-'));
    try {
      writeFileSync(
        join(pkg, 'index.mjs'),
        `import { z } from 'zod';
import { appendFileSync } from 'node:fs';
export const rowsToFile = {
  name: 'rows-to-file',
  register(container) {
    container.register(Symbol.for('ouroboros.TrackerPlugin'), { useValue: {
      id: 'rows-to-file',
      description: 'appends each row to a file',
      options: z.strictObject({ path: z.string() }),
      create: ({ path }) => ({
        start: async () => {}, logImage: () => {}, finish: async () => {},
        log: (row, step) => appendFileSync(path, step + ' ' + JSON.stringify(row) + '\\n'),
      }),
    } });
  },
};
`,
      );
      const rows = join(tmp.dir, 'rows.txt');
      await expectSuccess('run', example, '--out', join(tmp.dir, 'third-party'), '--set', `plugins=[${join(pkg, 'index.mjs')}]`, '--set', `trackers=[{id: rows-to-file, path: ${rows}}]`, '--set', 'generations=2');
      expect(readFileSync(rows, 'utf8').trim().split('\n').map((line) => Number(line.split(' ')[0]))).toEqual([0, 1, 2]);
      const missing = await ouro('run', example, '--set', 'plugins=[ouroboros-no-such-plugin]');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/packages: cannot load package 'ouroboros-no-such-plugin' .*; expected an installed package/);
    } finally {
      rmSync(pkg, { recursive: true, force: true });
    }
  });
});

describe('ouro plugins', () => {
  it('lists every plugin of every kind with its options', async () => {
    const result = await ouro('plugins', '--json');
    const listing = JSON.parse(result.stdout) as Array<{ kind: string; plugins: Array<{ id: string; options: { properties?: Record<string, unknown> } }> }>;
    const ids = Object.fromEntries(listing.map((k) => [k.kind, k.plugins.map((p) => p.id)]));
    expect(ids.dataset).toEqual(expect.arrayContaining(['gaussian', 'two-moons', 'circles', 'eight-gaussians', 'swiss-roll', 'checkerboard']));
    expect(ids.metric).toEqual(expect.arrayContaining(['fd', 'precision-recall', 'nll']));
    expect(ids.schedule).toEqual(['accumulate', 'accumulate-subsample', 'constant-lambda', 'fresh-real', 'fully-synthetic']);
    expect(ids.tracker).toEqual(['console', 'local', 'wandb']);
    const constant = listing.find((k) => k.kind === 'schedule')!.plugins.find((p) => p.id === 'constant-lambda')!;
    expect(Object.keys(constant.options.properties ?? {})).toEqual(['lambda']);
    const text = await ouro('plugins');
    expect(text.stdout).toMatch(/constant-lambda .*\n\s+lambda: number >= 0 \(required\)/);
    // an option of kde's, among its lines (each indented below the plugin's)
    expect(text.stdout).toMatch(/\n  kde .*\n(?: {6,}.*\n)*? +bandwidth: "scott"\|"silverman" \| number > 0, default "scott"\n/);
    // nested options listed under their object, and every heading a word
    expect(text.stdout).toMatch(/\n(\s+)unet: object, default \{\}, with:\n\1  channels: integer > 0, default \d+\n/);
    expect(text.stdout).toMatch(/^feature extractors:$/m);
    // each option's own documentation under it
    expect(text.stdout).toMatch(/\n(\s+)couplings: integer >= 1, default 8\n\1    Affine coupling layers; their masks alternate/);
    expect(text.stdout).not.toMatch(/ss:$/m);
    expect(ids.model).toEqual(['ddpm', 'edm', 'gaussian', 'glow', 'gmm', 'kde', 'otcfm', 'realnvp', 'vae']);
  });
});

describe('Ctrl-C and SIGTERM', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s stops a run with exit code %s, keeps committed generations, and resume finishes it (with only the console tracker)', async (signal, exitCode) => {
    const dir = join(tmp.dir, signal);
    const child = spawn(process.execPath, [join(workspace, 'packages', 'cli', 'bin', 'ouro.js'), 'run', example, '--out', dir, '--set', 'generations=60', '--set', 'trackers=[{id: console}]'], {
      cwd: workspace,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/gen 1\/60/.test(stderr) && child.exitCode === null && !child.killed) child.kill(signal);
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code, stderr).toBe(exitCode);
    expect(stderr).toMatch(/stopping at the next safe point/);
    expect(stderr).toMatch(/interrupted during generation \d+; .*continue with 'ouro resume/);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { status: string; completedGenerations: number };
    expect(summary.status).toBe('interrupted');
    expect(summary.completedGenerations).toBeLessThan(61);
    expect(readHistory(dir).map((r) => r.generation)).toEqual([...Array(summary.completedGenerations).keys()]);
    await expectSuccess('resume', dir);
    expect(readHistory(dir).map((r) => r.generation)).toEqual([...Array(61).keys()]);
  });
});

describe('the ouro bin', () => {
  it('runs from the workspace root as a user would call it', async () => {
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, [join(workspace, 'packages', 'cli', 'bin', 'ouro.js'), 'doctor', '--backend', 'cpu'], { cwd: workspace });
    expect(stdout).toMatch(/backend\s+cpu/);
    expect(stdout).toMatch(/sgemm cpu\s+\d+(\.\d+)? GFLOP\/s/);
    expect(stdout).toMatch(/conv 3x3 cpu\s+\d+(\.\d+)? GFLOP\/s/);
  });
});


import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readHistory, tempDir, withoutSeconds } from '@ouroboros/core/testing';
import { ouro, tinyGaussianYaml } from './testing/run-ouro.ts';
import { curve, groupCells } from './report/cell-groups.ts';
import { readSweepResults } from './report/sweep-results.ts';
import type { SweepFile } from './sweep/sweep-file.ts';

const workspace = resolve(import.meta.dirname, '..', '..', '..');
const bin = join(workspace, 'packages', 'cli', 'bin', 'ouro.js');
const tmp = tempDir('ouroboros-sweep-test-');
afterAll(() => tmp.cleanup());


/** A tracker from a module path that writes the group each run gets, to see the sweep's name reach trackers. */
const groupTracker = `export const groups = { name: 'group-file', register(c) { c.register(Symbol.for('ouroboros.TrackerPlugin'), { useValue: {
  id: 'group-file', description: 'appends the run group to a file', options: { safeParse: (v) => ({ success: true, data: v }) },
  create: ({ path }) => ({ start: async (run) => (await import('node:fs')).appendFileSync(path, (run.group ?? '(none)') + '\\n'), log() {}, logImage() {}, finish: async () => {} }),
} }); } };
`;

/** Tiny gaussian cells: lambda in {0, 1} x 2 seeds, fully synthetic x 2 seeds, and one cell whose sampling.count is below what its schedule draws (it fails). */
function writeSweepConfig(dir: string, extra = ''): string {
  writeFileSync(join(dir, 'group-tracker.mjs'), groupTracker);
  const path = join(dir, 'tiny-sweep.yaml');
  writeFileSync(
    path,
    `${tinyGaussianYaml('tiny-sweep')}packages: [ ./group-tracker.mjs ]
trackers: [ { id: console }, { id: group-file, path: ${join(dir, 'groups.txt')} } ]
matrix:
  schedule.lambda: [0, 1]
include:
  - { schedule: { id: fully-synthetic } }
  - { sampling.count: 5, schedule.lambda: 1, seed: 0 }
seeds: 2
${extra}`,
  );
  return path;
}

describe('ouro sweep plan', () => {
  // the config names a plugin file beside it, which a plan loads only when allowed (plugin-loading.spec.ts)
  it('lists each cell with the id ouro run gives the same config, and writes nothing', async () => {
    const config = writeSweepConfig(tmp.dir);
    const plan = await ouro('sweep', 'plan', config, '--json', '--allow-plugins');
    expect(plan.code, plan.stderr).toBe(0);
    const { name, axes, cells } = JSON.parse(plan.stdout) as { name: string; axes: string[]; cells: Array<{ id: string; values: Record<string, unknown>; origin: string }> };
    expect(name).toBe('tiny-sweep');
    expect(axes).toEqual(['schedule.lambda', 'schedule', 'sampling.count', 'seed']);
    expect(cells.map((c) => c.values)).toEqual([
      { 'schedule.lambda': 0, seed: 0 },
      { 'schedule.lambda': 0, seed: 1 },
      { 'schedule.lambda': 1, seed: 0 },
      { 'schedule.lambda': 1, seed: 1 },
      { schedule: { id: 'fully-synthetic' }, seed: 0 },
      { schedule: { id: 'fully-synthetic' }, seed: 1 },
      { 'sampling.count': 5, 'schedule.lambda': 1, seed: 0 },
    ]);
    // The same experiment written out by hand lands in the same folder name with ouro run.
    const single = join(tmp.dir, 'single.yaml');
    writeFileSync(single, readFileSync(config, 'utf8').replace(/\nmatrix:[\s\S]*$/, '\n').replace('lambda: 0 }', 'lambda: 1 }').replace('seed: 0', 'seed: 1'));
    const dry = await ouro('run', single, '--dry-run', '--allow-plugins');
    expect(dry.code, dry.stderr).toBe(0);
    expect((JSON.parse(dry.stdout) as { runDir: string }).runDir).toBe(join('runs', 'tiny-sweep', cells[3]!.id));
    expect((await ouro('sweep', 'plan', config, '--allow-plugins')).stdout).toMatch(/^sweep tiny-sweep: 7 cells over schedule\.lambda, schedule, sampling\.count, seed\n\s+0  [0-9a-f]{10}  schedule\.lambda=0 seed=0\n/);
    expect(existsSync(join(tmp.dir, 'runs'))).toBe(false);
  });

  it('names the cell and field of a bad value, and points a sweep config given to ouro run to ouro sweep', async () => {
    const config = writeSweepConfig(tmp.dir);
    const bad = await ouro('sweep', 'plan', config, '--allow-plugins', '--set', 'matrix={schedule.lambda: [0, -1]}');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(`ouro: ${config} (cell 2: schedule.lambda=-1 seed=0): schedule.lambda = -1: expected number to be >=0\n`);
    const twins = await ouro('sweep', 'plan', config, '--allow-plugins', '--set', 'include=[{schedule.lambda: 0, seed: 1}]');
    expect(twins.stderr).toMatch(/cell 4 \(schedule\.lambda=0 seed=1, from include\.0\) has the same resolved config as cell 1 \(schedule\.lambda=0 seed=1\)/);
    expect((await ouro('run', config)).stderr).toBe(`ouro: ${config}: is a sweep config (it has matrix, include, seeds); expected an experiment config: run its cells with 'ouro sweep ${config}'\n`);
    expect((await ouro('sweep', config, '--partition', 'gpu')).stderr).toMatch(/^ouro: --partition applies to --executor slurm\n/);
    expect((await ouro('run', '--sweep', tmp.dir)).stderr).toMatch(/^ouro: --sweep DIR and --cell K go together\n/);
  });
});

describe('ouro sweep on the local executor', () => {
  const out = join(tmp.dir, 'local');
  let first: Awaited<ReturnType<typeof ouro>>;
  let sweep: SweepFile;
  beforeAll(async () => {
    first = await ouro('sweep', writeSweepConfig(tmp.dir), '--out', out, '--jobs', '2');
    sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepFile;
  });

  it('runs every cell in its own process, reports the failed one without stopping the others, and exits 1', () => {
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toMatch(/^sweep tiny-sweep: 7 cells, 7 to run in 2 worker processes -> /);
    expect(first.stderr).toMatch(/\[cell 2 of 0\.\.6 schedule\.lambda=1 seed=0\] gen 3\/3 trace_ratio=/);
    expect(first.stderr).toMatch(/\[cell 6 of 0\.\.6 sampling\.count=5 schedule\.lambda=1 seed=0\] FAILED \(exit code 1\) after .*: sampling\.count = 5: the schedule draws 20 samples per generation; expected at least 20; log: /);
    expect(first.stderr).toMatch(/sweep tiny-sweep: 6 of 7 cells finished, 1 failed \(cell 6 sampling\.count=5 schedule\.lambda=1 seed=0\)/);
    expect(sweep.cells.map((c) => c.status)).toEqual(['finished', 'finished', 'finished', 'finished', 'finished', 'finished', 'failed']);
    for (const cell of sweep.cells.slice(0, 6)) expect(readHistory(join(out, cell.id)).map((r) => r.generation)).toEqual([0, 1, 2, 3]);
    expect(readFileSync(join(out, 'logs', `${sweep.cells[6]!.id}.log`), 'utf8')).toMatch(/ouro: sampling\.count = 5/);
    // Every run that started told its trackers the sweep's name as its group.
    expect(readFileSync(join(tmp.dir, 'groups.txt'), 'utf8').trim().split('\n')).toEqual(Array(6).fill('tiny-sweep'));
    // The cells stored the real data once, beside them.
    const inode = (cell: number) => statSync(join(out, sweep.cells[cell]!.id, 'real', 'test', 'chunk-00000.bin')).ino;
    expect(inode(0)).toBe(inode(2));
    expect(inode(0)).toBe(inode(4));
    expect(first.stdout).toBe(`${join(out, 'report.html')}\n`);
  });

  it('gives each cell exactly the numbers of ouro run on its config', async () => {
    for (const cell of [sweep.cells[3]!, sweep.cells[4]!]) {
      const reference = join(tmp.dir, `reference-${cell.id}`);
      const direct = await ouro('run', join(out, cell.config), '--out', reference, '--set', 'trackers=[]');
      expect(direct.code, direct.stderr).toBe(0);
      expect(withoutSeconds(readHistory(join(out, cell.id)))).toEqual(withoutSeconds(readHistory(reference)));
    }
  });

  it('skips every finished cell when run again, and says where each cell stands', async () => {
    const mtimes = sweep.cells.slice(0, 6).map((c) => statSync(join(out, c.id, 'history.jsonl')).mtimeMs);
    const again = await ouro('sweep', writeSweepConfig(tmp.dir), '--out', out, '--jobs', '2');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^sweep tiny-sweep: 7 cells, 6 already finished \(skipped\), 1 to run in 1 worker process -> /);
    expect(again.stderr.match(/\] started: /g)).toHaveLength(1);
    expect(sweep.cells.slice(0, 6).map((c) => statSync(join(out, c.id, 'history.jsonl')).mtimeMs)).toEqual(mtimes);

    const status = await ouro('sweep', 'status', out, '--json');
    const report = JSON.parse(status.stdout) as { counts: Record<string, number>; cells: Array<{ status: string; completed: number; generations: number; error?: string }> };
    expect(report.counts).toEqual({ finished: 6, failed: 1 });
    expect(report.cells[0]).toMatchObject({ status: 'finished', completed: 4, generations: 3 });
    expect(report.cells[6]!.error).toMatch(/^sampling\.count = 5/);
    expect((await ouro('sweep', 'status', out)).stdout).toMatch(/^sweep tiny-sweep: 7 cells in .*: 6 finished, 1 failed\n/);
  });

  it('writes a report of every metric with one line per group, mean and std over its seeds', async () => {
    const result = await ouro('report', out, '--by', 'schedule.lambda');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${join(out, 'report.html')}\n`);
    expect(readdirSync(join(out, 'report')).sort()).toEqual(['fd.svg', 'trace_ratio.svg', 'train_loss.svg']);
    expect(readFileSync(join(out, 'report', 'fd.svg'), 'utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);

    const { sweep: file, cells } = readSweepResults(out);
    const grouping = groupCells(cells, file.axes, 'schedule.lambda');
    expect(grouping.groups.map((g) => [g.line, g.cells.length])).toEqual([
      ['0', 2],
      ['1', 2],
      ['fully-synthetic', 2],
      ['1 (sampling.count=5)', 1],
    ]);
    expect(groupCells(cells, file.axes, 'schedule').groups.map((g) => [g.line, g.panel])).toEqual([
      ['constant-lambda(lambda=0)', ''],
      ['constant-lambda(lambda=1)', ''],
      ['fully-synthetic', ''],
      ['constant-lambda(lambda=1) (sampling.count=5)', ''],
    ]);
    // Independently: the two seeds of lambda = 1 at generation 3.
    const seeds = [file.cells[2]!, file.cells[3]!].map((c) => readHistory(join(out, c.id))[3]!.fd!);
    const mean = (seeds[0]! + seeds[1]!) / 2;
    const std = Math.abs(seeds[0]! - seeds[1]!) / Math.SQRT2;
    const point = curve(grouping.groups, 'fd').find((p) => p.line === '1' && p.generation === 3)!;
    expect(point.n).toBe(2);
    expect(point.mean).toBeCloseTo(mean, 12);
    expect(point.std).toBeCloseTo(std, 12);

    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.match(/<figure class="chart"/g)).toHaveLength(3);
    // Self-contained: nothing is fetched when the page is viewed.
    expect(html).not.toMatch(/<script|<link|src="http|href="http|url\(http/);
    expect(html.match(/src="data:image\/png;base64,/g)!.length).toBe(6 * 4);
    expect((await ouro('report', out, '--by', 'model.id')).stderr).toMatch(/^ouro: --by model\.id: not an axis of the sweep in .*; expected one of schedule\.lambda, schedule, sampling\.count\n/);
  });

  // Debian's chromium (CI installs it); the page is checked as a browser renders it, without network.
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
  it.skipIf(!chromium)(`shows one chart per metric and every sample image in headless Chromium, with no console error and no request off the page${chromium ? '' : ' (SKIPPED: no /usr/bin/chromium; apt-get install chromium)'}`, async () => {
    const { chromium: browserType } = await import('playwright-core');
    const browser = await browserType.launch({ executablePath: chromium!, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(`file://${join(out, 'report.html')}`, { waitUntil: 'load' });
      // A script run in the page (a string: this package compiles without the DOM's types).
      const shown = (await page.evaluate(`({
        charts: [...document.querySelectorAll('figure.chart')].map((f) => ({ metric: f.getAttribute('data-metric'), width: f.querySelector('svg')?.getBoundingClientRect().width ?? 0, paths: f.querySelectorAll('svg path').length })),
        images: [...document.querySelectorAll('img')].map((img) => img.complete && img.naturalWidth > 0),
        imageWidths: [...document.querySelectorAll('.samples img')].map((img) => img.getBoundingClientRect().width),
        imageLinks: [...document.querySelectorAll('.samples a')].map((a) => a.getAttribute('href')),
        caption: document.querySelector('.samples caption')?.textContent ?? '',
        findings: [...document.querySelectorAll('p.findings')].map((p) => p.textContent),
      })`)) as { charts: Array<{ metric: string; width: number; paths: number }>; images: boolean[]; imageWidths: number[]; imageLinks: string[]; caption: string; findings: string[] };
      expect(errors).toEqual([]);
      expect(requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:'))).toEqual([]);
      expect(shown.charts.map((c) => c.metric)).toEqual(['trace_ratio', 'fd', 'train_loss']);
      for (const chart of shown.charts) {
        expect(chart.width).toBeGreaterThan(200);
        expect(chart.paths).toBeGreaterThan(6);
      }
      // every figure at one width, whatever its axis labels
      expect(new Set(shown.charts.map((c) => Math.round(c.width))).size).toBe(1);
      expect(shown.images).toHaveLength(24);
      expect(shown.images.every(Boolean)).toBe(true);
      expect(Math.min(...shown.imageWidths)).toBeGreaterThanOrEqual(200);
      // each picture opens its own file, which exists beside the page
      expect(shown.imageLinks.every((href) => existsSync(join(out, decodeURI(href)))) && shown.imageLinks.length === 24).toBe(true);
      expect(shown.caption).toMatch(/at generation 0 the real images are on the left/);
      expect(shown.findings.length).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
  });
  if (!chromium) console.warn('sweep.spec: the report is not checked in a browser: no /usr/bin/chromium (apt-get install chromium)');
});

describe('Ctrl-C and SIGTERM on ouro sweep', () => {
  it('passes SIGTERM on to the workers (exit 143, cells interrupted at a safe point), and running the sweep again resumes them to the uninterrupted numbers', async () => {
    const dir = join(tmp.dir, 'stopped');
    const config = join(tmp.dir, 'long-sweep.yaml');
    // 200 generations of about 50 ms: a cell must still be running when the other, whose worker may
    // start seconds later on a loaded machine, reaches generation 2.
    writeFileSync(config, readFileSync(writeSweepConfig(tmp.dir), 'utf8').replace('generations: 3', 'generations: 200').replace(/\ninclude:[\s\S]*$/, '\nseeds: 1\n'));
    const child = spawn(process.execPath, [bin, 'sweep', config, '--out', dir, '--jobs', '2'], { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if ((stderr.match(/\] gen 2\/200 /g) ?? []).length === 2 && !child.killed) child.kill('SIGTERM');
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code, stderr).toBe(143);
    expect(stderr).toMatch(/SIGTERM: stopping 2 running cell\(s\) at their next safe point/);
    const sweep = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SweepFile;
    expect(sweep.cells.map((c) => c.status)).toEqual(['interrupted', 'interrupted']);
    for (const cell of sweep.cells) {
      expect(JSON.parse(readFileSync(join(dir, cell.id, 'summary.json'), 'utf8'))).toMatchObject({ status: 'interrupted', exitCode: 143 });
      expect(existsSync(join(dir, cell.id, 'run.lock'))).toBe(false);
    }

    const again = await ouro('sweep', config, '--out', dir, '--jobs', '2');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/resuming after generation/);
    const reference = join(tmp.dir, 'uninterrupted');
    expect((await ouro('run', join(dir, sweep.cells[1]!.config), '--out', reference, '--set', 'trackers=[]')).code).toBe(0);
    expect(withoutSeconds(readHistory(join(dir, sweep.cells[1]!.id)))).toEqual(withoutSeconds(readHistory(reference)));
    expect(readHistory(join(dir, sweep.cells[0]!.id))).toHaveLength(201);
  });
});

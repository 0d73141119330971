import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '@ouroboros/core/testing';
import { ouro } from './testing/run-ouro.ts';

const workspace = resolve(import.meta.dirname, '..', '..', '..');
const example = join(workspace, 'examples', 'gaussian-collapse.yaml');
const bin = join(workspace, 'packages', 'cli', 'bin', 'ouro.js');
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('help, version and usage errors', () => {
  it('prints help for ouro and for each command (usage, options, an example), and the version', async () => {
    const help = await ouro('--help');
    expect(help.code).toBe(0);
    for (const name of ['run', 'resume', 'verify', 'sweep', 'report', 'plugins', 'doctor']) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    const run = await ouro('run', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: ouro run CONFIG/);
    expect(run.stdout).toMatch(/--overwrite/);
    expect(run.stdout).toMatch(/example:\n  ouro run examples\//);
    const plan = await ouro('sweep', 'plan', '--help');
    expect(plan.stdout).toMatch(/^usage: ouro sweep plan CONFIG/);
    expect((await ouro('sweep', '--help')).stdout).toMatch(/sub-commands .*\n  ouro sweep plan CONFIG.*\n.*\n  ouro sweep status DIR/);
    const version = await ouro('--version');
    expect(version.stdout).toBe(`ouro ${JSON.parse(readFileSync(join(workspace, 'packages', 'cli', 'package.json'), 'utf8')).version}\n`);
  });

  it('exits 2 with one line for every usage error', async () => {
    for (const args of [['run'], ['run', example, '--frobnicate'], ['run', example, '--set', 'seed'], ['run', example, '--set', '.x=1'], ['verify'], ['wat']]) {
      const result = await ouro(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.split('\n')[0]).toMatch(/^ouro: /);
      expect(result.stderr).toMatch(/run 'ouro (\w+ )?--help' for usage/);
    }
    expect((await ouro('run', example, '--set', 'seed')).stderr).toMatch(/^ouro: --set "seed": expected PATH=VALUE/);
  });

  it('names a folder given as CONFIG and points to resume', async () => {
    expect((await ouro('run', tmp.dir)).stderr).toBe(`ouro: ${tmp.dir}: is a folder; expected a YAML or JSON config file (to continue a run folder, use 'ouro resume ${tmp.dir}')\n`);
  });
});

describe('--set of a plugin id', () => {
  it('drops the options the new plugin does not take, with a note, instead of failing on them', async () => {
    const out = join(tmp.dir, 'moons');
    const result = await ouro('run', example, '--out', out, '--set', 'dataset.id=two-moons', '--set', 'generations=1', '--set', 'trackers=[]');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/note: --set dataset\.id=two-moons: dropped dataset\.dim, which 'two-moons' does not take/);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).dataset).toMatchObject({ id: 'two-moons', train: 20, test: 2000 });
  });
});

describe('ouro verify and --overwrite', () => {
  it('verifies a run folder, names a damaged file with exit 1, and --overwrite replaces a failed run only', async () => {
    const out = join(tmp.dir, 'verified');
    const args = ['--set', 'generations=1', '--set', 'trackers=[]'];
    expect((await ouro('run', example, '--out', out, ...args)).code).toBe(0);
    expect(await ouro('verify', out)).toMatchObject({ code: 0, stdout: `${out}: every committed file matches its checksum\n` });
    const metrics = join(out, 'gen-001', 'metrics.json');
    writeFileSync(metrics, readFileSync(metrics, 'utf8').replace('"generation": 1', '"generation": 7'));
    const damaged = await ouro('verify', out, '--json');
    expect(damaged.code).toBe(1);
    expect(JSON.parse(damaged.stdout).problems).toEqual([`${metrics}: sha256 differs from checksums.json; the file is damaged`]);
    expect((await ouro('run', example, '--out', out, ...args, '--set', 'seed=3', '--overwrite')).stderr).toMatch(/--overwrite only replaces a failed or empty run/);
    const summary = join(out, 'summary.json');
    writeFileSync(summary, readFileSync(summary, 'utf8').replace('"finished"', '"failed"'));
    expect((await ouro('run', example, '--out', out, ...args, '--set', 'seed=3', '--overwrite')).code).toBe(0);
    expect((await ouro('verify', out)).code).toBe(0);
  });
});

describe('the ouro bin', () => {
  it('works from any folder, with configs and plugins beside the config, and prints no tfjs banner', async () => {
    const elsewhere = join(tmp.dir, 'experiments');
    mkdirSync(elsewhere);
    copyFileSync(example, join(elsewhere, 'collapse.yaml'));
    writeFileSync(
      join(elsewhere, 'my-tracker.mjs'),
      `export const mine = { name: 'mine', register(c) { c.register(Symbol.for('ouroboros.TrackerPlugin'), { useValue: { id: 'mine', description: 'x', options: { safeParse: (v) => ({ success: true, data: v }) }, create: () => ({ start: async () => {}, log: () => {}, logImage: () => {}, finish: async () => {} }) } }); } };\n`,
    );
    const run = promisify(execFile);
    const version = await run(process.execPath, [bin, '--version'], { cwd: '/' });
    expect(version.stdout).toMatch(/^ouro \d+\.\d+\.\d+/);
    const result = await run(process.execPath, [bin, 'run', 'collapse.yaml', '--out', 'run', '--set', 'generations=1', '--set', 'plugins=[./my-tracker.mjs]', '--set', 'trackers=[{id: mine}, {id: console}]'], { cwd: elsewhere });
    expect(readdirSync(join(elsewhere, 'run'))).toContain('gen-001');
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/Hi, looks like you are running TensorFlow\.js/);
    expect(existsSync(join(elsewhere, 'run', 'run.lock'))).toBe(false);
  });
});

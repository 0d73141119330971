import { tempDir } from '@ouroboros/core/testing';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = resolve(import.meta.dirname, '..', '..', 'bin', 'ouro.js');
/** Where this checkout's ouroboros is installed: the packages it was installed with live under it. */
const checkout = resolve(import.meta.dirname, '..', '..', '..', '..');
const tmp = tempDir('ouroboros-plugin-loading-');
afterAll(() => tmp.cleanup());

/** Runs the ouro bin in `cwd` as a user would (a child process); never throws on a non-zero exit. */
function ouroBin(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const experiment = (name: string, plugins: string, metrics: string) => `name: ${name}
seed: 1
generations: 1
dataset: { id: gaussian, dim: 2, train: 40, test: 40 }
model: { id: gaussian }
schedule: { id: fully-synthetic }
metrics: [ ${metrics} ]
trackers: [ { id: local } ]
packages: ${plugins}
`;

/**
 * A metric plugin module that imports what plugins share with ouroboros (zod, tfjs, @ouroboros/core)
 * and, on import, leaves a file `loaded` beside itself: the proof that its code ran.
 */
const metricModule = (id: string, key: string, typed = false) => `import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { CONTRACT_VERSION, registerPlugins } from '@ouroboros/core';
import { z } from 'zod';
writeFileSync(new URL('./loaded', import.meta.url), '');
const count = (n${typed ? ': number' : ''}) => tf.tidy(() => tf.scalar(n).dataSync()[0]);
export const metrics = {
  name: '${id}-package',
  contractVersion: CONTRACT_VERSION,
  register: (container${typed ? ': never' : ''}) =>
    registerPlugins(container, 'metric', {
      id: '${id}',
      description: 'the number of generated samples',
      options: z.strictObject({}),
      create: () => ({ compute: async ({ generated }${typed ? ': { generated: { count: number } }' : ''}) => ({ ${key}: count(generated.count) }) }),
    }),
};
`;

describe('plugins beside a config, in a folder with no node_modules', () => {
  it('a .mjs, a .ts and a ~/ module import @ouroboros/core, zod and tfjs from the installation, and their metrics reach history.jsonl', async () => {
    const folder = join(tmp.dir, 'experiment');
    const home = join(tmp.dir, 'home');
    mkdirSync(join(folder, 'typed'), { recursive: true });
    mkdirSync(join(home, 'plugins', 'home-metric'), { recursive: true });
    writeFileSync(join(folder, 'count.mjs'), metricModule('count', 'mjs_count'));
    writeFileSync(join(folder, 'typed', 'count.ts'), metricModule('typed-count', 'ts_count', true));
    writeFileSync(join(home, 'plugins', 'home-metric', 'index.mjs'), metricModule('home-count', 'home_count'));
    writeFileSync(
      join(folder, 'exp.yaml'),
      experiment('beside', '[./count.mjs, ./typed/count.ts, ~/plugins/home-metric/index.mjs]', '{ id: count }, { id: typed-count }, { id: home-count }'),
    );
    const result = await ouroBin(folder, ['run', 'exp.yaml', '--out', 'runs/beside'], { HOME: home });
    expect(result.code, result.stderr).toBe(0);
    const rows = readFileSync(join(folder, 'runs', 'beside', 'history.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(rows.map((r) => [r.mjs_count, r.ts_count, r.home_count])).toEqual([
      [40, 40, 40],
      [40, 40, 40],
    ]);
  });
});

describe('which plugin code each command loads', () => {
  // A project whose config names a module beside it and a package installed in its own
  // node_modules; its run folder is then handed to someone else with that node_modules inside it.
  const project = join(tmp.dir, 'project');
  const received = join(tmp.dir, 'received', 'run');
  const moduleMarker = join(project, 'loaded');
  const packageMarker = join(received, 'node_modules', 'shared-metric', 'loaded');

  it('ouro run loads the config\'s plugins; a received run folder\'s own package or a module path loads on resume only with --allow-plugins', async () => {
    mkdirSync(join(project, 'node_modules', 'shared-metric'), { recursive: true });
    writeFileSync(join(project, 'node_modules', 'shared-metric', 'package.json'), JSON.stringify({ name: 'shared-metric', version: '1.0.0', type: 'module', exports: './index.js' }));
    writeFileSync(join(project, 'node_modules', 'shared-metric', 'index.js'), metricModule('shared-count', 'shared_count'));
    writeFileSync(join(project, 'count.mjs'), metricModule('count', 'mjs_count'));
    writeFileSync(join(project, 'exp.yaml'), experiment('policy', '[shared-metric, ./count.mjs]', '{ id: count }, { id: shared-count }'));
    const run = await ouroBin(project, ['run', 'exp.yaml', '--out', 'runs/policy']);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(moduleMarker)).toBe(true);

    mkdirSync(join(tmp.dir, 'received'));
    renameSync(join(project, 'runs', 'policy'), received);
    cpSync(join(project, 'node_modules'), join(received, 'node_modules'), { recursive: true });
    rmSync(join(project, 'node_modules'), { recursive: true });
    rmSync(join(received, 'node_modules', 'shared-metric', 'loaded'), { force: true });
    rmSync(moduleMarker);

    const refused = await ouroBin(tmp.dir, ['resume', received]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([
      `ouro: plugins: 'shared-metric' is not installed with ouroboros (in ${checkout}); ouro resume loads only packages installed with ouroboros (a config or run folder from someone else can name any code): pass --allow-plugins to load it if you trust it`,
    ]);
    expect(existsSync(packageMarker)).toBe(false);
    expect(existsSync(moduleMarker)).toBe(false);

    const allowed = await ouroBin(tmp.dir, ['resume', received, '--allow-plugins']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(existsSync(packageMarker)).toBe(true);
    expect(existsSync(moduleMarker)).toBe(true);
  });

  it('a dry run and a sweep plan load no module path without --allow-plugins, and do with it', async () => {
    const folder = join(tmp.dir, 'looked-at');
    mkdirSync(folder);
    const marker = join(folder, 'loaded');
    writeFileSync(join(folder, 'count.mjs'), metricModule('count', 'mjs_count'));
    writeFileSync(join(folder, 'exp.yaml'), experiment('looked-at', '[./count.mjs]', '{ id: count }'));
    writeFileSync(join(folder, 'sweep.yaml'), `${experiment('looked-at-sweep', '[./count.mjs]', '{ id: count }')}seeds: [0, 1]\n`);
    const refusal = (command: string) =>
      `ouro: plugins: '${join(folder, 'count.mjs')}' is a module path; ${command} loads only packages installed with ouroboros (a config or run folder from someone else can name any code): pass --allow-plugins to load it if you trust it`;

    for (const [args, command] of [
      [['run', 'exp.yaml', '--dry-run'], 'ouro run --dry-run'],
      [['sweep', 'plan', 'sweep.yaml'], 'ouro sweep plan'],
    ] as const) {
      const refused = await ouroBin(folder, args);
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim().split('\n')).toEqual([refusal(command)]);
      expect(existsSync(marker)).toBe(false);
      const allowed = await ouroBin(folder, [...args, '--allow-plugins']);
      expect(allowed.code, allowed.stderr).toBe(0);
      expect(existsSync(marker)).toBe(true);
      rmSync(marker);
    }
  });

  it("the function curator's module is code too: ouro run runs it, a resume or a dry run refuses it without --allow-plugins", async () => {
    const folder = join(tmp.dir, 'curated');
    mkdirSync(folder);
    const marker = join(folder, 'loaded');
    writeFileSync(
      join(folder, 'curate.mjs'),
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('./loaded', import.meta.url), '');\nexport const curate = ({ count }) => ({ kept: Array.from({ length: count }, (_, i) => i), reason: 'kept every row' });\n`,
    );
    writeFileSync(join(folder, 'exp.yaml'), `${experiment('curated', '[]', '')}curator: { id: function, module: ./curate.mjs }\n`);
    const run = await ouroBin(folder, ['run', 'exp.yaml', '--out', 'runs/curated']);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);
    for (const [args, command] of [
      [['resume', 'runs/curated'], 'ouro resume'],
      [['run', 'exp.yaml', '--dry-run'], 'ouro run --dry-run'],
    ] as const) {
      const refused = await ouroBin(folder, args);
      expect(refused.code).toBe(1);
      const lines = refused.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^ouro: plugins: 'curator function module \\S*curate\\.mjs' is code the config names; ${command} loads only packages installed with ouroboros .*: pass --allow-plugins to load it if you trust it$`));
      expect((await ouroBin(folder, [...args, '--allow-plugins'])).code).toBe(0);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('ouro sweep runs the plugins its config names in every cell (the workers are allowed them)', async () => {
    const folder = join(tmp.dir, 'swept');
    mkdirSync(folder);
    writeFileSync(join(folder, 'count.mjs'), metricModule('count', 'mjs_count'));
    writeFileSync(join(folder, 'sweep.yaml'), `${experiment('swept', '[./count.mjs]', '{ id: count }')}seeds: [0, 1]\n`);
    const result = await ouroBin(folder, ['sweep', 'sweep.yaml', '--out', 'runs/swept', '--jobs', '2']);
    expect(result.code, result.stderr).toBe(0);
    const sweep = JSON.parse(readFileSync(join(folder, 'runs', 'swept', 'sweep.json'), 'utf8')) as { cells: Array<{ id: string }> };
    for (const cell of sweep.cells) {
      const rows = readFileSync(join(folder, 'runs', 'swept', cell.id, 'history.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      expect(rows.map((r) => r.mjs_count)).toEqual([40, 40]);
    }
  });
});

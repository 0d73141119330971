import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '@ouroboros/core/testing';
import { ouro } from './testing/run-ouro.ts';

const workspace = resolve(import.meta.dirname, '..', '..', '..');
const example = join(workspace, 'examples', 'gaussian-collapse.yaml');
const tmp = tempDir('ouroboros-threads-test-');
afterAll(() => tmp.cleanup());

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('--threads', () => {
  it('is a whole number >= 1 on run, resume, sweep, fid and doctor: a usage error naming the flag and value otherwise', async () => {
    const commands = [['run', example], ['run', '--sweep', tmp.dir, '--cell', '0'], ['resume', tmp.dir], ['sweep', example], ['fid', tmp.dir, tmp.dir], ['doctor']];
    for (const command of commands) {
      for (const value of ['0', 'two', '1.5', '-3']) {
        const result = await ouro(...command, `--threads=${value}`);
        expect(result.code, `${command.join(' ')} --threads=${value}`).toBe(2);
        expect(result.stderr.split('\n')[0]).toBe(`ouro: --threads ${value}: expected a whole number >= 1`);
        expect(result.stderr).toMatch(new RegExp(`run 'ouro ${command[0]} --help' for usage`));
      }
    }
    expect((await ouro('run', '--help')).stdout).toMatch(/--threads N +threads the native libraries compute on/);
  });

  it('leaves the run folder as it is: the same cell id with any --threads or none, and the count in the resolved config', async () => {
    const dryRun = async (...args: string[]) => JSON.parse((await ouro('run', example, '--dry-run', ...args)).stdout) as { runDir: string; config: { threads?: number } };
    const plain = await dryRun();
    const two = await dryRun('--threads', '2');
    expect(two.runDir).toBe(plain.runDir);
    expect(plain.config.threads).toBeUndefined();
    expect(two.config.threads).toBe(2);
    expect((await dryRun('--threads', '5', '--set', 'threads=1')).config.threads).toBe(5);
    expect((await dryRun('--set', 'threads=3')).runDir).toBe(plain.runDir);
  });

  it('records the backend, the threads it computed with and its summary line; a resume may use another count', async () => {
    const dir = join(tmp.dir, 'run');
    const args = ['--set', 'generations=2', '--set', 'trackers=[]'];
    const first = await ouro('run', example, '--out', dir, ...args, '--threads', '2');
    expect(first.code, first.stderr).toBe(0);
    const summary = json(join(dir, 'summary.json'));
    expect(summary.backend).toMatch(/^(native|wasm)$/);
    // The native libraries take the count; wasm computes on one thread whatever is asked.
    expect(summary.threads).toBe(summary.backend === 'native' ? 2 : 1);
    expect(summary.backendSummary).toMatch(summary.backend === 'native' ? /^backend native: .*threads .*2/ : /^backend wasm \(one thread\)/);
    expect(json(join(dir, 'config.json')).threads).toBe(2);
    expect((json(join(dir, 'run.json')).config as Record<string, unknown>).threads).toBeUndefined();

    rmSync(join(dir, 'gen-002'), { recursive: true });
    const resumed = await ouro('resume', dir, '--threads', '1');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(json(join(dir, 'summary.json'))).toMatchObject({ status: 'finished', completedGenerations: 3, backend: summary.backend, threads: 1 });
    expect(json(join(dir, 'config.json')).threads).toBe(1);
    // Running the same config again with another count is the same run, not another config's.
    const again = await ouro('run', example, '--out', dir, ...args, '--threads', '3');
    expect(again.stderr).toMatch(/already holds this config's finished run/);
  });
});

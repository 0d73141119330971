import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '@ouroboros/core/testing';

const workspace = resolve(import.meta.dirname, '..', '..', '..');
const tmp = tempDir();
afterAll(() => tmp.cleanup());

const hasNpx = spawnSync('npx', ['--version'], { encoding: 'utf8' }).status === 0;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe.skipIf(!hasNpx)('SIGTERM to npx', () => {
  it('stops the run it started (npm passes it to its shell only): summary written, lock released, nothing left running', async () => {
    const dir = join(tmp.dir, 'npx-run');
    const args = ['--no-install', 'ouro', 'run', join(workspace, 'examples', 'gaussian-collapse.yaml'), '--out', dir, '--set', 'generations=2000', '--set', 'trackers=[{id: console}]'];
    const npx = spawn('npx', args, { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    npx.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    while (!/gen 2\/2000/.test(stderr) && npx.exitCode === null) await sleep(50);
    const pid = (JSON.parse(readFileSync(join(dir, 'run.lock'), 'utf8')) as { pid: number }).pid;
    try {
      npx.kill('SIGTERM');
      const deadline = Date.now() + 20_000;
      while (alive(pid) && Date.now() < deadline) await sleep(100);
      expect(alive(pid), `ouro (pid ${pid}) still running 20 s after npx got SIGTERM`).toBe(false);
      expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))).toMatchObject({ status: 'interrupted', exitCode: 143 });
      expect(existsSync(join(dir, 'run.lock'))).toBe(false);
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 120_000);
});

import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { tempDir, thrownMessage as errorOf } from '../testing/index.ts';
import { RunLock } from './run-lock.ts';

const root = tempDir();
afterAll(() => root.cleanup());
const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
const lockModule = join(import.meta.dirname, 'run-lock.ts');

/** A pid that ran on this host and has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}
function staleLockIn(name: string): string {
  const dir = join(root.dir, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'run.lock'), JSON.stringify({ pid: deadPid(), host: hostname(), bootId, startedAt: '2026-11-28T10:00:00Z' }));
  return dir;
}
const exited = (child: ChildProcess) => new Promise<void>((done) => (child.exitCode !== null ? done() : child.on('exit', () => done())));

describe('RunLock', () => {
  it('of two processes taking over one stale lock, only the one that moves it first gets in', () => {
    const dir = staleLockIn('takeover-race');
    let first: RunLock | null = null;
    // The second taker has judged the lock stale; the first takes it over before the second acts.
    const second = errorOf(() => RunLock.acquire(dir, { beforeTakeover: () => (first ??= RunLock.acquire(dir)) }));
    expect(second).toMatch(new RegExp(`in use by process ${process.pid} on `));
    expect(first).not.toBeNull();
    expect(JSON.parse(readFileSync(join(dir, 'run.lock'), 'utf8')).pid).toBe(process.pid);
    expect(readdirSync(dir)).toEqual(['run.lock']);
    first!.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('gives a lock file still being written its grace: a slow writer keeps the folder', async () => {
    const dir = join(root.dir, 'slow-writer');
    mkdirSync(dir);
    const lock = join(dir, 'run.lock');
    // Creates the lock exclusively, then takes 1.5 s to write itself into it (a stalled disk, a descheduled process).
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs'); const fd = fs.openSync(${JSON.stringify(lock)}, 'wx');
         setTimeout(() => { fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: ${JSON.stringify(hostname())}, bootId: ${JSON.stringify(bootId)}, startedAt: 'now' })); fs.closeSync(fd); }, 1500);
         setTimeout(() => {}, 20000);`,
      ],
      { stdio: 'ignore' },
    );
    try {
      while (!existsSync(lock)) await new Promise((done) => setTimeout(done, 10));
      expect(errorOf(() => RunLock.acquire(dir))).toBe(`${dir}: in use by process ${writer.pid} on ${hostname()} since now (run.lock); expected one ouro process per run folder: wait for it to finish or stop it`);
    } finally {
      writer.kill();
      await exited(writer);
    }
  });

  it('takes over an empty or half-written lock once its writer had its grace', () => {
    for (const [name, text] of [['empty', ''], ['torn', '{"pid":12']]) {
      const dir = join(root.dir, `torn-${name}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'run.lock'), text);
      const old = new Date(Date.now() - 60_000);
      utimesSync(join(dir, 'run.lock'), old, old);
      const lock = RunLock.acquire(dir);
      expect(JSON.parse(readFileSync(join(dir, 'run.lock'), 'utf8')).pid).toBe(process.pid);
      lock.release();
    }
  });

  it("never deletes a run.lock that is not ouroboros's", () => {
    const dir = join(root.dir, 'foreign');
    mkdirSync(dir);
    writeFileSync(join(dir, 'run.lock'), 'my notes on the run\n');
    utimesSync(join(dir, 'run.lock'), new Date(0), new Date(0));
    expect(errorOf(() => RunLock.acquire(dir))).toBe(
      `${join(dir, 'run.lock')}: not a lock ouroboros wrote ("my notes on the run\\n"); expected none or an ouro run lock: move the file away, ouro never deletes it`,
    );
    expect(readFileSync(join(dir, 'run.lock'), 'utf8')).toBe('my notes on the run\n');
  });

  it('release leaves a lock that another process holds now', () => {
    const dir = join(root.dir, 'release');
    mkdirSync(dir);
    const lock = RunLock.acquire(dir);
    const other = JSON.stringify({ pid: 1, host: hostname(), bootId, startedAt: 'later' });
    writeFileSync(join(dir, 'run.lock.next'), other);
    // Replaced on disk (a new inode) as a takeover would: ours no more.
    renameSync(join(dir, 'run.lock.next'), join(dir, 'run.lock'));
    lock.release();
    expect(readFileSync(join(dir, 'run.lock'), 'utf8')).toBe(other);
  });

  it('lets exactly one of several processes started together take over a stale lock', async () => {
    const dir = staleLockIn('many');
    const startAt = Date.now() + 2500;
    // The winner keeps its lock until every process has answered: one started late must not find it stale.
    const script = `const { RunLock } = await import(${JSON.stringify(lockModule)});
      while (Date.now() < ${startAt});
      try { RunLock.acquire(${JSON.stringify(dir)}); console.log('got'); setTimeout(() => {}, 60000); }
      catch (error) { console.log(String(error.message).includes('in use by process') ? 'busy' : error.message); }`;
    const children = Array.from({ length: 4 }, () => spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] }));
    try {
      const said = await Promise.all(
        children.map(
          (child) =>
            new Promise<string>((done) => {
              let out = '';
              child.stdout!.on('data', (chunk: Buffer) => {
                out += chunk.toString();
                if (out.includes('\n')) done(out.trim());
              });
              child.on('exit', () => done(out.trim()));
            }),
        ),
      );
      expect(said.sort()).toEqual(['busy', 'busy', 'busy', 'got']);
      expect(readdirSync(dir)).toEqual(['run.lock']);
    } finally {
      for (const child of children) child.kill();
      await Promise.all(children.map(exited));
    }
  }, 30_000);
});

import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, statfsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const workspace = resolve(import.meta.dirname, '..', '..', '..');
const bin = join(workspace, 'packages', 'cli', 'bin', 'ouro.js');

/** `ouro ...args` in a process of its own, killed after `limitMs`: a hang is a result here, not a stuck test. */
function ouroWithin(limitMs: number, ...args: string[]): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [bin, ...args], { cwd: workspace, timeout: limitMs, killSignal: 'SIGKILL' }, (error, _stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, signal: child.signalCode, stderr });
    });
  });
}

const PROC_SUPER_MAGIC = 0x9fa0;

describe.skipIf(!existsSync('/proc/sys') || statfsSync('/proc').type !== PROC_SUPER_MAGIC)('--out on a kernel filesystem', () => {
  it.each([
    ['run', join(workspace, 'examples', 'gaussian-collapse.yaml'), '/proc/x', 'run', '/proc'],
    ['run', join(workspace, 'examples', 'gaussian-collapse.yaml'), '/proc/sys/x', 'run', '/proc/sys'],
    ['sweep', join(workspace, 'examples', 'gaussian-sweep.yaml'), '/proc/x/sw', 'sweep', '/proc'],
  ])('ouro %s %s --out %s fails at once with one line naming the filesystem', async (command, config, out, folder, existing) => {
    const result = await ouroWithin(60_000, command, config, '--out', out);
    expect(result.signal, 'still running after 60 s').toBeNull();
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`ouro: --out ${out}: cannot create the ${folder} folder: ${existing} is on proc, a kernel filesystem that holds no user folders; expected a folder on a disk\n`);
  }, 70_000);
});

import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { findNativeLibraries } from '@ouroboros/nn';

const workspace = resolve(import.meta.dirname, '..', '..', '..');
const bin = join(workspace, 'packages', 'cli', 'bin', 'ouro.js');

/** `ouro doctor ARGS` in its own process (the backend and the libraries found are process-wide). */
async function doctor(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, 'doctor', ...args], { cwd: workspace, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const found = findNativeLibraries();
const absent = found.blas || found.dnnl ? null : `no native library here (${Object.values(found.missing).join('; ')})`;
const hidden = { ...process.env, OURO_BLAS: 'none', OURO_DNNL: 'none' };
const figure = String.raw`\d+(\.\d+)? GFLOP/s`;

describe('ouro doctor', () => {
  it.skipIf(absent !== null)(`names the library of each op and its threads, and times sgemm and a 3x3 convolution on the native kernels and on wasm${absent ? ` (SKIPPED: ${absent})` : ''}`, async () => {
    const { code, stdout } = await doctor(process.env, '--threads', '1');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^backend +native \(tfjs 'wasm'\)$/m);
    expect(stdout).toMatch(/^summary +backend native: /m);
    expect(stdout).toMatch(/^op BatchMatMul +\S/m);
    if (found.dnnl) {
      expect(stdout).toMatch(/^op Conv2D +oneDNN \d/m);
      expect(stdout).toMatch(/^onednn +\d+\.\d+\.\d+, \S+ threading, /m);
      expect(stdout).toMatch(/^onednn conv 3x3 +\S+ \(forward, batch 16, 32x32x64 -> 64/m);
      expect(stdout).toMatch(/^threads +.*oneDNN (1|: its)/m);
    }
    if (found.blas?.name === 'OpenBLAS') expect(stdout).toMatch(/^blas kernels +.*(chosen by ouroboros|from your OPENBLAS_CORETYPE|own detection)/m);
    for (const key of ['sgemm native', 'sgemm wasm', 'conv 3x3 native', 'conv 3x3 wasm']) expect(stdout).toMatch(new RegExp(`^${key} +${figure}`, 'm'));
    expect(stdout).toMatch(new RegExp(`^sgemm native +${figure} \\(.*; \\d+(\\.\\d+)?x wasm\\)$`, 'm'));
    // Every value starts in one column.
    const column = /^node +/m.exec(stdout)![0].length;
    for (const line of stdout.trim().split('\n')) expect(line[column - 1] === ' ' && line[column] !== ' ', line).toBe(true);
  });

  it('without native libraries, times wasm and says why each library is missing and how to get them', async () => {
    const { code, stdout } = await doctor(hidden);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^backend +wasm \(tfjs 'wasm'\)$/m);
    expect(stdout).toMatch(/^blas +missing: OURO_BLAS=none$/m);
    expect(stdout).toMatch(/^onednn +missing: OURO_DNNL=none$/m);
    expect(stdout).toMatch(/^hint +for native speed install a CBLAS and oneDNN/m);
    expect(stdout).toMatch(new RegExp(`^sgemm wasm +${figure}`, 'm'));
    expect(stdout).toMatch(new RegExp(`^conv 3x3 wasm +${figure}`, 'm'));
    expect(stdout).not.toMatch(/native +\d/);
  });

  it('says in a line why a backend asked for could not load and what it needs, without a stack trace (exit 1)', async () => {
    const gpu = await doctor(process.env, '--backend', 'node-gpu');
    if (gpu.code === 0) return; // a machine where tfjs-node-gpu installed: nothing to explain
    expect(gpu.code).toBe(1);
    expect(gpu.stdout).toMatch(/^backend +node-gpu could not be loaded: \S/m);
    expect(gpu.stdout).toMatch(/^needs +@tensorflow\/tfjs-node-gpu 4\.22\.0, .*CUDA 11\.2 and cuDNN 8\.1/m);
    expect(gpu.stderr).toMatch(/^ouro: backend node-gpu could not be loaded: /);
    expect(gpu.stderr).not.toMatch(/\n\s+at /);
    const native = await doctor(hidden, '--backend', 'native');
    expect(native.code).toBe(1);
    expect(native.stdout).toMatch(/^backend +native could not be loaded: OURO_BLAS=none; OURO_DNNL=none$/m);
    expect(native.stdout).toMatch(/^hint +for native speed/m);
  });
});

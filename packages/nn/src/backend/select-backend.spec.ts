import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { nativeKernelsRegistered } from './native/native-kernels.ts';
import { nativeSkipReason, testLibraries } from './native/testing/native-libraries.ts';
import { backendSummary, selectBackend, setBackendThreads, type BackendChoice } from './select-backend.ts';
import { wasmTrainingKernelsRegistered } from './wasm-kernels/register-wasm-training-kernels.ts';

describe.skipIf(nativeSkipReason !== null)('the native backend', () => {
  it('lays the native kernels over wasm and says which library serves what', async () => {
    const choice = await selectBackend('native', { threads: 1 });
    expect(choice.tfBackend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(nativeKernelsRegistered()).toBe(true);
    expect(choice.native!.kernels.map((k) => k.kernelName)).toEqual(expect.arrayContaining([tf.BatchMatMul, tf.Conv2D, tf.Conv2DBackpropFilter]));
    expect(choice.native!.threads).toEqual(expect.arrayContaining(['oneDNN 1']));
    const summary = backendSummary(choice);
    expect(summary).toMatch(/^backend native: oneDNN \d+\.\d+\.\d+: BatchMatMul, _FusedMatMul, Sum, Mean, Conv2D, FusedConv2D, Conv2DBackpropInput, Conv2DBackpropFilter, /);
    for (const kernel of ['Sigmoid', 'OuroborosMlpForward', 'OuroborosGroupNormSilu']) expect(summary).toContain(kernel);
    expect(summary).toMatch(/; threads oneDNN 1, /);
  });

  it('gives a later thread count to the libraries at once', async () => {
    await selectBackend('native', { threads: 1 });
    setBackendThreads(2);
    const choice = await selectBackend('native');
    expect(choice.native!.threads).toEqual(expect.arrayContaining(['oneDNN 2']));
    expect(() => setBackendThreads(0)).toThrow('threads = 0: expected a positive integer');
  });

  it('is left by --backend wasm: the wasm training kernels serve every op again', async () => {
    await selectBackend('native');
    const choice = await selectBackend('wasm');
    expect(choice.native).toBeUndefined();
    expect(nativeKernelsRegistered()).toBe(false);
    expect(wasmTrainingKernelsRegistered()).toBe(true);
    expect(backendSummary(choice)).toMatch(/^backend wasm \(one thread; --backend native or auto uses/);
  });
});

// with one library of the two, native still runs (on what it has): this is the case of neither
const neitherLibrary = !testLibraries().blas && !testLibraries().dnnl;
describe.skipIf(!neitherLibrary)('without native libraries', () => {
  it('auto falls back to wasm, and says why and how to get the native path', async () => {
    await expect(selectBackend('native')).rejects.toThrow(/no CBLAS found|OURO_BLAS=none/);
    const choice = await selectBackend('auto');
    expect(choice.name).toBe('wasm');
    expect(backendSummary(choice)).toMatch(/^backend wasm \(one thread\): .*; for native speed install a CBLAS and oneDNN \(Debian\/Ubuntu: apt-get install libopenblas0-pthread libdnnl2/);
  });
});

describe('backendSummary', () => {
  it('names the skipped native path and the hint when wasm runs instead', () => {
    const choice: BackendChoice = { name: 'wasm', tfBackend: 'wasm', skipped: [{ name: 'native', reason: 'no CBLAS found (tried libopenblas.so.0); no oneDNN found (tried libdnnl.so.3)' }] };
    expect(backendSummary(choice)).toBe(
      'backend wasm (one thread): no CBLAS found (tried libopenblas.so.0); no oneDNN found (tried libdnnl.so.3); for native speed install a CBLAS and oneDNN (Debian/Ubuntu: apt-get install libopenblas0-pthread libdnnl2; see README, "Native speed")',
    );
  });
});

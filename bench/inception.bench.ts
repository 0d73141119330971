/**
 * Images per second of the inception-v3 extractor (pytorch-fid's FID Inception-V3, random weights:
 * speed does not depend on them) on CIFAR-sized 32x32 images against the same network in PyTorch,
 * at each thread count: per round, alternating, ours on the native backend with that many library
 * threads, PyTorch with that many threads, and (at one thread) ours on backend wasm; and what one
 * FID of 10,000 samples costs from there.
 * Run by hand: `npx tsx bench/inception.bench.ts [--rounds 3] [--threads 1,2] > bench/results/inception.md`
 * (IMAGES per repeat, default 64; about 10 minutes on 2 idle cores).
 */
import { Rng, type DataInfo } from '@ouroboros/core';
import { inceptionConvs, inceptionFeaturesPlugin, inceptionOptions } from '@ouroboros/metrics';
import { backendSummary, currentBackend, selectBackend, setBackendThreads, writeSafetensorsFile, type SafetensorsEntry } from '@ouroboros/nn';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { alternate, loadNow, machineLines, median, openBlasSetup, roundsAndThreads, runTwin } from './twins/bench-support.ts';

const images = Number(process.env.IMAGES ?? 64);
const batch = 16;
const { rounds, threads } = roundsAndThreads();
const openBlas = openBlasSetup();

// Random weights in safetensors, read through the extractor as a user's file would be.
const rng = Rng.from(0, 'inception-bench');
const tensors: Record<string, SafetensorsEntry> = {};
const f32 = (data: Float32Array, shape: number[]): SafetensorsEntry => ({ dtype: 'F32', shape, data });
for (const spec of inceptionConvs()) {
  const [kh, kw] = spec.kernel;
  const fanIn = spec.inChannels * kh * kw;
  tensors[`${spec.name}.conv.weight`] = f32(Float32Array.from(rng.normals(spec.outChannels * fanIn), (v) => v * Math.sqrt(2 / fanIn)), [spec.outChannels, spec.inChannels, kh, kw]);
  for (const [part, value] of [['weight', 1], ['bias', 0], ['running_mean', 0], ['running_var', 1]] as const) tensors[`${spec.name}.bn.${part}`] = f32(new Float32Array(spec.outChannels).fill(value), [spec.outChannels]);
}
const dir = mkdtempSync(join(os.tmpdir(), 'inception-bench-'));
const weights = join(dir, 'weights.safetensors');
writeSafetensorsFile(weights, tensors);
const data: DataInfo = { kind: 'image', dtype: 'uint8', sampleShape: [32, 32, 3], trainCount: 0, testCount: 0 };
const pixels = Uint8Array.from({ length: (images + batch) * 32 * 32 * 3 }, () => Math.floor(rng.uniform() * 256));
const ctx = { generation: 0, rng, backend: 'native', progress: () => {}, signal: new AbortController().signal, log: () => {}, checkpointDir: dir };
const loadAtStart = loadNow();

type Extractor = ReturnType<typeof inceptionFeaturesPlugin.create>;
const extractors = new Map<string, Extractor>();
/** Images per second of ours on `backend` with `threadCount` library threads (one warm-up batch per backend). */
async function ours(backend: 'native' | 'wasm', threadCount: number): Promise<number> {
  await selectBackend(backend);
  setBackendThreads(threadCount);
  let extractor = extractors.get(backend);
  if (!extractor) {
    extractor = inceptionFeaturesPlugin.create(inceptionOptions.parse({ weights, batchSize: batch }), { data });
    await extractor.extract(pixels.subarray(0, batch * 3072), batch, ctx);
    extractors.set(backend, extractor);
  }
  const t0 = performance.now();
  for (let s = batch; s < images + batch; s += batch) await extractor.extract(pixels.subarray(s * 3072, (s + batch) * 3072), batch, ctx);
  return images / ((performance.now() - t0) / 1000);
}

let twinTorch = '?';
function twin(threadCount: number): number {
  const out = runTwin<{ images_per_s: number; torch: string }>('inception-twin.py', [String(images), String(batch)], { threads: threadCount, ...(openBlas.coretype ? { coretype: openBlas.coretype } : {}) });
  twinTorch = out.torch;
  return out.images_per_s;
}

const results = new Map<number, Record<string, number[]>>();
for (const t of threads) {
  const sides: Record<string, () => number | Promise<number>> = { native: () => ours('native', t), torch: () => twin(t) };
  if (t === 1) sides['wasm'] = () => ours('wasm', 1);
  results.set(t, await alternate(rounds, sides, `${t} thread(s), `));
}
for (const extractor of extractors.values()) extractor.dispose?.();
rmSync(dir, { recursive: true, force: true });
await selectBackend('native');

const minutes = (perSecond: number) => `${(10_000 / perSecond / 60).toFixed(0)} min`;
console.log('# inception-v3 features: images per second, ouroboros (native and wasm) against PyTorch\n');
for (const line of machineLines(backendSummary(currentBackend()!), `torch ${twinTorch} with torch.set_num_threads = OMP_NUM_THREADS = the row's thread count`)) console.log(line);
console.log(`- 1-min load average ${loadAtStart} at start, ${loadNow()} at the end (${os.availableParallelism()} cores)`);
console.log(`- ${images} random 32x32 images per repeat in batches of ${batch} (resized to 299x299 inside), after one warm-up batch per backend; ${rounds} alternating rounds per thread count, medians`);
console.log('- ratio = ours / PyTorch images per second: above 1 means ouroboros is faster\n');
console.log('| threads | PyTorch images/s | ours native images/s | ours wasm images/s | ratio native | ratio wasm | 10,000 images: PyTorch, ours native |');
console.log('|---|---|---|---|---|---|---|');
for (const [t, runs] of results) {
  const [torch, native, wasm] = [median(runs.torch!), median(runs.native!), runs.wasm ? median(runs.wasm) : undefined];
  console.log(`| ${t} | ${torch.toFixed(2)} | ${native.toFixed(2)} | ${wasm ? wasm.toFixed(2) : ''} | **${(native / torch).toFixed(2)}** | ${wasm ? (wasm / torch).toFixed(2) : ''} | ${minutes(torch)}, ${minutes(native)} |`);
}

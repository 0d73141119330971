/**
 * Images per second of the inception-v3 extractor (pytorch-fid's FID Inception-V3, random weights:
 * speed does not depend on them) on CIFAR-sized 32x32 images, wasm backend, against the same network
 * in PyTorch on one CPU thread, alternating; and what one FID of 10,000 samples costs from there.
 * Run by hand: `npx tsx bench/inception.bench.ts > bench/results/inception.md` (about 5 minutes on 2 idle cores).
 */
import { Rng, type DataInfo } from '@ouroboros/core';
import { inceptionConvs, inceptionFeaturesPlugin, inceptionOptions } from '@ouroboros/metrics';
import { selectBackend, writeSafetensorsFile, type SafetensorsEntry } from '@ouroboros/nn';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { loadNow, machineLines, median, runTwin } from './twins/bench-support.ts';

const images = Number(process.env.IMAGES ?? 64);
const batch = 16;
const repeats = Number(process.env.REPEATS ?? 2);
await selectBackend('wasm');

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
const extractor = inceptionFeaturesPlugin.create(inceptionOptions.parse({ weights, batchSize: batch }), { data });
const pixels = Uint8Array.from({ length: (images + batch) * 32 * 32 * 3 }, () => Math.floor(rng.uniform() * 256));
const ctx = { generation: 0, rng, backend: 'wasm', progress: () => {}, signal: new AbortController().signal, log: () => {}, checkpointDir: dir };
const loadAtStart = loadNow();

await extractor.extract(pixels.subarray(0, batch * 3072), batch, ctx); // warm-up (and the weights read)
const ours: number[] = [];
const torch: number[] = [];
for (let r = 0; r < repeats; r++) {
  process.stderr.write(`repeat ${r + 1}/${repeats}: ours...\n`);
  const t0 = performance.now();
  for (let s = batch; s < images + batch; s += batch) await extractor.extract(pixels.subarray(s * 3072, (s + batch) * 3072), batch, ctx);
  ours.push(images / ((performance.now() - t0) / 1000));
  process.stderr.write('  pytorch...\n');
  torch.push(runTwin<{ images_per_s: number }>('inception-twin.py', [String(images), String(batch)]).images_per_s);
}
extractor.dispose?.();
rmSync(dir, { recursive: true, force: true });

const mine = median(ours);
const theirs = median(torch);
console.log('# inception-v3 features: images per second, wasm against PyTorch on one CPU thread\n');
for (const line of machineLines()) console.log(line);
console.log(`- 1-min load average ${loadAtStart} at start, ${loadNow()} at the end (2 cores)`);
console.log(`- ${images} random 32x32 images per repeat in batches of ${batch} (resized to 299x299 inside), after one warm-up batch; ${repeats} alternating repeats, medians`);
console.log('- ratio = ours / PyTorch images per second: above 1 means ouroboros is faster\n');
console.log('| path | images/s | ratio | 10,000 images (extrapolated) |');
console.log('|---|---|---|---|');
console.log(`| PyTorch 1 thread (twin) | ${theirs.toFixed(2)} | 1.00 | ${(10_000 / theirs / 60).toFixed(0)} min |`);
console.log(`| ours, wasm | ${mine.toFixed(2)} | ${(mine / theirs).toFixed(2)} | ${(10_000 / mine / 60).toFixed(0)} min |`);

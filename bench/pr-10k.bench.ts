/**
 * precision-recall (k = 3) on 10,000 real and 10,000 generated 2048-d features against pr_10k.py
 * (blocked numpy), one thread each, alternating, on the same float32 features (the twin's: near a
 * 64-dimensional subspace). Ours: the default `auto` search (pruned here) and `exhaustive`; then,
 * once, both on isotropic Gaussian features, where the bounds settle little and `auto` falls back.
 * Run by hand: `npx tsx bench/pr-10k.bench.ts > bench/results/pr-10k.md` (about 10 minutes on 2 idle cores).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Rng } from '@ouroboros/core';
import { improvedPrecisionRecall, pointSet, type NeighbourSearch, type PointSet } from '@ouroboros/metrics';
import { selectBackend } from '@ouroboros/nn';
import { loadNow, machineLines, median, readFloat32, runTwin } from './twins/bench-support.ts';

interface Result {
  seconds: number;
  precision: number;
  recall: number;
}

const repeats = Number(process.env.REPEATS ?? 2);
await selectBackend('wasm');
const dir = mkdtempSync(join(os.tmpdir(), 'pr-bench-'));
const base = join(dir, 'features');
runTwin('pr-10k-twin.py', ['features', base]);
const real = pointSet(readFloat32(`${base}.real.f32`), 2048);
const fake = pointSet(readFloat32(`${base}.fake.f32`), 2048);
const loadAtStart = loadNow();

async function ours(a: PointSet, b: PointSet, search: NeighbourSearch): Promise<Result> {
  const t0 = performance.now();
  const result = await improvedPrecisionRecall(a, b, 3, { search });
  return { seconds: (performance.now() - t0) / 1000, ...result };
}

const runs: Record<'numpy' | 'auto' | 'exhaustive', Result[]> = { numpy: [], auto: [], exhaustive: [] };
for (let r = 0; r < repeats; r++) {
  process.stderr.write(`repeat ${r + 1}/${repeats}: ours (auto)...\n`);
  runs.auto.push(await ours(real, fake, 'auto'));
  process.stderr.write('  numpy...\n');
  runs.numpy.push(runTwin('pr-10k-twin.py', ['time', base]));
  process.stderr.write('  ours (exhaustive)...\n');
  runs.exhaustive.push(await ours(real, fake, 'exhaustive'));
}
rmSync(dir, { recursive: true, force: true });

process.stderr.write('isotropic features: ours (auto), ours (exhaustive)...\n');
const isotropic = (seed: number, shift: number) => {
  const rng = Rng.from(seed);
  return pointSet(Float32Array.from({ length: 10_000 * 2048 }, () => shift + rng.normal()), 2048);
};
const isoReal = isotropic(1, 0);
const isoFake = isotropic(2, 0.02);
const isoAuto = await ours(isoReal, isoFake, 'auto');
const isoExhaustive = await ours(isoReal, isoFake, 'exhaustive');

const theirs = median(runs.numpy.map((x) => x.seconds));
const row = (name: string, results: Result[]) => {
  const seconds = median(results.map((x) => x.seconds));
  return `| ${name} | ${seconds.toFixed(2)} | ${(theirs / seconds).toFixed(2)} | ${results[0]!.precision} | ${results[0]!.recall} |`;
};
console.log('# precision-recall, k = 3, 10,000 vs 10,000 x 2048: ouroboros against numpy (pr_10k.py)\n');
for (const line of machineLines()) console.log(line);
console.log(`- 1-min load average ${loadAtStart} at start, ${loadNow()} at the end (2 cores)`);
console.log(`- ${repeats} alternating repeats; medians. numpy: three full passes of float32 distances, blocks of 1000 rows`);
console.log('- ratio = numpy seconds / ours: above 1 means ouroboros is faster\n');
console.log('| path | seconds | ratio | precision | recall |');
console.log('|---|---|---|---|---|');
console.log(row('numpy (twin)', runs.numpy));
console.log(row('ours, search: auto (pruned: projection bounds, exact float64 where undecided)', runs.auto));
console.log(row('ours, search: exhaustive (float32 matMul blocks, upper triangle for k-NN)', runs.exhaustive));
console.log('\nIsotropic Gaussian features (10,000 + 10,000 x 2048, generated 0.02 apart per coordinate; once, no numpy run):\n');
console.log('| path | seconds | ratio to exhaustive | precision | recall |');
console.log('|---|---|---|---|---|');
console.log(`| ours, search: exhaustive | ${isoExhaustive.seconds.toFixed(2)} | 1.00 | ${isoExhaustive.precision} | ${isoExhaustive.recall} |`);
console.log(`| ours, search: auto (falls back) | ${isoAuto.seconds.toFixed(2)} | ${(isoExhaustive.seconds / isoAuto.seconds).toFixed(2)} | ${isoAuto.precision} | ${isoAuto.recall} |`);

/**
 * precision-recall (k = 3) on 10,000 real and 10,000 generated 2048-d features against pr_10k.py
 * (blocked numpy) on the same float32 features (the twin's: near a 64-dimensional subspace), at each
 * thread count: per round, alternating, ours on the native backend with that many library threads
 * (the default `auto` search, pruned here, and `exhaustive`), the twin with OMP_NUM_THREADS =
 * OPENBLAS_NUM_THREADS = threads and the OPENBLAS_CORETYPE ouroboros loaded OpenBLAS with, then ours
 * on backend wasm (one thread whatever the count); then, once, ours native on isotropic Gaussian
 * features, where the bounds settle little and `auto` falls back.
 * Run by hand: `npx tsx bench/pr-10k.bench.ts [--rounds 3] [--threads 1,2] > bench/results/pr-10k.md`
 * (about 4 minutes a thread count at 3 rounds on 2 idle cores, most of it the wasm exhaustive search).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Rng } from '@ouroboros/core';
import { improvedPrecisionRecall, pointSet, type NeighbourSearch, type PointSet } from '@ouroboros/metrics';
import { selectBackend, setBackendThreads } from '@ouroboros/nn';
import { alternate, loadNow, machineLines, median, openBlasSetup, readFloat32, roundsAndThreads, runTwin } from './twins/bench-support.ts';

interface Result {
  seconds: number;
  precision: number;
  recall: number;
}

const { rounds, threads } = roundsAndThreads();
const openBlas = openBlasSetup();
const dir = mkdtempSync(join(os.tmpdir(), 'pr-bench-'));
const base = join(dir, 'features');
runTwin('pr-10k-twin.py', ['features', base]);
const real = pointSet(readFloat32(`${base}.real.f32`), 2048);
const fake = pointSet(readFloat32(`${base}.fake.f32`), 2048);
const loadAtStart = loadNow();

async function ours(backend: 'native' | 'wasm', threadCount: number, search: NeighbourSearch, a = real, b = fake): Promise<Result> {
  await selectBackend(backend);
  setBackendThreads(threadCount);
  const t0 = performance.now();
  const result = await improvedPrecisionRecall(a, b, 3, { search });
  return { seconds: (performance.now() - t0) / 1000, ...result };
}

let twinCore: string | undefined;
function twin(threadCount: number): Result {
  const out = runTwin<Result & { blas_core?: string }>('pr-10k-twin.py', ['time', base], { threads: threadCount, ...(openBlas.coretype ? { coretype: openBlas.coretype } : {}) });
  twinCore = out.blas_core;
  return out;
}

const byThreads = new Map<number, Record<string, Result[]>>();
for (const t of threads) {
  byThreads.set(
    t,
    await alternate(
      rounds,
      {
        'native exhaustive': () => ours('native', t, 'exhaustive'),
        numpy: () => twin(t),
        'native auto': () => ours('native', t, 'auto'),
        'wasm exhaustive': () => ours('wasm', t, 'exhaustive'),
        'wasm auto': () => ours('wasm', t, 'auto'),
      },
      `${t} thread(s), `,
    ),
  );
}
rmSync(dir, { recursive: true, force: true });

process.stderr.write(`isotropic features, ${threads[0]} thread(s): ours native (auto), ours native (exhaustive)...\n`);
const isotropic = (seed: number, shift: number) => {
  const rng = Rng.from(seed);
  return pointSet(Float32Array.from({ length: 10_000 * 2048 }, () => shift + rng.normal()), 2048);
};
const isoReal: PointSet = isotropic(1, 0);
const isoFake: PointSet = isotropic(2, 0.02);
const isoAuto = await ours('native', threads[0]!, 'auto', isoReal, isoFake);
const isoExhaustive = await ours('native', threads[0]!, 'exhaustive', isoReal, isoFake);

const seconds = (list: Result[]) => median(list.map((x) => x.seconds));
const cell = (list: Result[], reference: number) => `${seconds(list).toFixed(2)} (${(reference / seconds(list)).toFixed(2)})`;
console.log('# precision-recall, k = 3, 10,000 vs 10,000 x 2048: ouroboros against numpy (pr_10k.py)\n');
for (const line of machineLines("backend native (float32 products as native sgemm through nn's kernels, float64 projections as CBLAS dgemm) at the thread count of each row, and backend wasm (1 thread)", "OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = the row's thread count")) console.log(line);
console.log(openBlas.line(twinCore));
console.log(`- 1-min load average ${loadAtStart} at start, ${loadNow()} at the end (${os.availableParallelism()} cores)`);
console.log(`- ${rounds} round(s) per thread count, each: ours native exhaustive, twin, ours native auto, ours wasm exhaustive, ours wasm auto; medians. numpy: three full passes of float32 distances, blocks of 1000 rows`);
console.log('- seconds (ratio = numpy seconds / ours: above 1 means ouroboros is faster); auto = pruned search (projection bounds, exact float64 where undecided); exhaustive = float32 matMul blocks, upper triangle for k-NN\n');
console.log('| threads | numpy (twin) s | ours native, exhaustive | ours native, auto | ours wasm, exhaustive | ours wasm, auto | precision, recall (every path) |');
console.log('|---|---|---|---|---|---|---|');
for (const [t, runs] of byThreads) {
  const numpy = seconds(runs.numpy!);
  const names = ['native exhaustive', 'native auto', 'wasm exhaustive', 'wasm auto'];
  const agree = names.every((name) => runs[name]!.every((x) => x.precision === runs.numpy![0]!.precision && x.recall === runs.numpy![0]!.recall));
  console.log(`| ${t} | ${numpy.toFixed(2)} | ${names.map((name) => cell(runs[name]!, numpy)).join(' | ')} | ${runs.numpy![0]!.precision}, ${runs.numpy![0]!.recall}${agree ? '' : ' (ours differ: see the runs)'} |`);
}
console.log(`\nIsotropic Gaussian features (10,000 + 10,000 x 2048, generated 0.02 apart per coordinate; once, native backend, ${threads[0]} thread(s), no numpy run):\n`);
console.log('| path | seconds | ratio to exhaustive | precision | recall |');
console.log('|---|---|---|---|---|');
console.log(`| ours, search: exhaustive | ${isoExhaustive.seconds.toFixed(2)} | 1.00 | ${isoExhaustive.precision} | ${isoExhaustive.recall} |`);
console.log(`| ours, search: auto (falls back) | ${isoAuto.seconds.toFixed(2)} | ${(isoExhaustive.seconds / isoAuto.seconds).toFixed(2)} | ${isoAuto.precision} | ${isoAuto.recall} |`);

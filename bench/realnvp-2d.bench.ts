/**
 * One RealNVP training step on 2-D two-moons, ouroboros against its PyTorch twin
 * bench-ref/realnvp_2d.py (../shared/bench-ref; BENCH_REF overrides): 8 affine couplings with
 * alternating masks, nets Linear(1,256)-ReLU-Linear(256,256)-ReLU-Linear(256,2), s = tanh, N(0, I)
 * base, batch 512 drawn at random from 100k points, loss -mean log p, Adam lr 1e-3. Ours is the
 * `realnvp` plugin's own step (TrainedModel.trainStep: batch, forward, backward, gradient norm,
 * Adam) with the same options.
 *
 * At each thread count, per round, alternating: ours on the native backend with that many library
 * threads, PyTorch at that count (1 thread: OMP = OpenBLAS = 1; 2: both 2-core splits of bench-ref,
 * OMP 1 + OpenBLAS 2 and OMP 2 + OpenBLAS 2, the better one counts) with the OPENBLAS_CORETYPE
 * ouroboros loaded OpenBLAS with, and ours on backend wasm (one thread whatever the count).
 * Run by hand: `npx tsx bench/realnvp-2d.bench.ts [--rounds 5] [--steps 50] [--threads 1,2] > bench/results/realnvp-2d.md`
 * (markdown on stdout, progress on stderr; about 5 minutes on 2 idle cores).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ouroboros/core';
import { twoMoons } from '@ouroboros/core/testing';
import { selectBackend, setBackendThreads, currentBackend, backendSummary } from '@ouroboros/nn';
import { realNvpModelPlugin, type RealNvpModel } from '@ouroboros/models-flow';
import { alternate, benchRef, loadNow, median, openBlasSetup, roundsAndThreads } from './twins/bench-support.ts';

const { rounds, threads } = roundsAndThreads();
const stepsAt = process.argv.indexOf('--steps');
const steps = stepsAt >= 0 ? Number(process.argv[stepsAt + 1]) : 50;
const BATCH = 512;
const WARMUP = 20;
const POINTS = 100_000;
const twinScript = join(benchRef(), 'realnvp_2d.py');
const openBlas = openBlasSetup();

const loadAtStart = loadNow();
const data = twoMoons(POINTS, Rng.from(0, 'bench-data'));
const info = { kind: 'vector', dtype: 'float32', sampleShape: [2], trainCount: POINTS, testCount: 0 } as const;
const options = realNvpModelPlugin.options.parse({ couplings: 8, hidden: 256, depth: 2, activation: 'relu', lr: 1e-3, batchSize: BATCH });

/** A model and its step on the active backend (each backend gets its own model, same seed). */
function trainer(): { step: () => number; model: RealNvpModel } {
  const model = realNvpModelPlugin.create(options, { data: info, rng: Rng.from(1) }) as RealNvpModel;
  const draw = Rng.from(1, 'bench-batches');
  let stepIndex = 0;
  // a step = draw a batch (random indices into the 100k points), forward, backward, Adam
  const step = () => {
    const values = new Float32Array(2 * BATCH);
    for (let i = 0; i < BATCH; i++) {
      const j = draw.int(POINTS);
      values[2 * i] = data[2 * j]!;
      values[2 * i + 1] = data[2 * j + 1]!;
    }
    return model.trainStep({ values, count: BATCH }, Rng.from(2, 'step', stepIndex++)).loss;
  };
  for (let i = 0; i < WARMUP; i++) step();
  return { step, model };
}

const trainers = new Map<string, ReturnType<typeof trainer>>();
async function ours(backend: 'native' | 'wasm', threadCount: number): Promise<number> {
  await selectBackend(backend);
  setBackendThreads(threadCount);
  if (!trainers.has(backend)) trainers.set(backend, trainer());
  const { step } = trainers.get(backend)!;
  const start = performance.now();
  for (let i = 0; i < steps; i++) step();
  return steps / ((performance.now() - start) / 1000);
}

let twinCore: string | undefined;
/** PyTorch's steps/s with OMP_NUM_THREADS = omp and OPENBLAS_NUM_THREADS = blas, torch.set_num_threads(omp). */
function torch(omp: number, blas: number): number {
  const variant = omp === blas ? 'default' : `omp${omp}_blas${blas}`;
  const out = execFileSync('/usr/bin/python3', [twinScript, '--threads', String(omp), '--repeats', '1', '--steps', String(steps), '--variant', variant], {
    cwd: benchRef(),
    env: { ...process.env, OMP_NUM_THREADS: String(omp), OPENBLAS_NUM_THREADS: String(blas), ...(openBlas.coretype ? { OPENBLAS_CORETYPE: openBlas.coretype } : {}) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const record = JSON.parse(out.trim().split('\n').at(-1)!) as { steps_per_s: number; openblas_coretype?: string };
  twinCore = record.openblas_coretype ?? twinCore;
  return record.steps_per_s;
}

const results = new Map<number, Record<string, number[]>>();
for (const t of threads) {
  const sides: Record<string, () => number | Promise<number>> = { native: () => ours('native', t) };
  if (t === 1) sides['torch'] = () => torch(1, 1);
  else {
    sides['torch omp 1 + blas 2'] = () => torch(1, t);
    sides[`torch omp ${t} + blas ${t}`] = () => torch(t, t);
  }
  sides['wasm'] = () => ours('wasm', 1);
  results.set(t, await alternate(rounds, sides, `${t} thread(s), `));
}
await selectBackend('native');
const summary = backendSummary(currentBackend()!);
const nll = tf.tidy(() => trainers.get('native')!.model.loss({ x: tf.tensor2d(data.subarray(0, 2 * 4096), [4096, 2]) }).dataSync()[0]!);
const torchVersion = execFileSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim();

const stats = (v: number[]) => `${median(v).toFixed(2)} (${Math.min(...v).toFixed(2)}-${Math.max(...v).toFixed(2)})`;
console.log('# RealNVP 2-D training step: ouroboros (native and wasm) against PyTorch\n');
console.log(`- date: ${new Date().toISOString().slice(0, 10)}; machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model}), Node ${process.version}, tfjs ${tf.version_core}; PyTorch ${torchVersion} (/usr/bin/python3)`);
console.log(`- ours: ${summary}`);
console.log(openBlas.line(twinCore));
console.log(`- 1-min load average ${loadAtStart} at start, ${loadNow()} at the end`);
console.log(`- workload: bench-ref/realnvp_2d.py and bench/realnvp-2d.bench.ts: 8 couplings, nets 1-256-256-2 ReLU, tanh scale, batch ${BATCH}, Adam lr 1e-3`);
console.log(`- ${rounds} rounds per thread count, alternating ours native, PyTorch, ours wasm; a block times ${steps} steps (after ${WARMUP} warm-up steps; PyTorch in a fresh process each time, with its own warm-up); medians (min-max)`);
console.log(`- held-out NLL of ours (native) after all steps: ${nll.toFixed(3)} nats\n`);
console.log('| threads | ours native steps/s | PyTorch steps/s | ours wasm steps/s | ratio native / PyTorch | ratio wasm / PyTorch |');
console.log('|---|---|---|---|---|---|');
for (const [t, runs] of results) {
  const torchKeys = Object.keys(runs).filter((k) => k.startsWith('torch'));
  const best = torchKeys.reduce((a, b) => (median(runs[b]!) > median(runs[a]!) ? b : a));
  const torchLabel = torchKeys.length > 1 ? ` (${best.slice(6)}, the better split)` : '';
  console.log(`| ${t} | ${stats(runs.native!)} | ${stats(runs[best]!)}${torchLabel} | ${stats(runs.wasm!)} | **${(median(runs.native!) / median(runs[best]!)).toFixed(2)}** | ${(median(runs.wasm!) / median(runs[best]!)).toFixed(2)} |`);
}

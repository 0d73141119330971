/**
 * One RealNVP training step on 2-D two-moons, ouroboros (wasm, one thread) against its PyTorch twin
 * /work/shared/bench-ref/realnvp_2d.py (../shared/bench-ref from the worktree root; BENCH_REF overrides):
 * 8 affine couplings with alternating masks, nets Linear(1,256)-ReLU-Linear(256,256)-ReLU-Linear(256,2),
 * s = tanh, N(0, I) base, batch 512 drawn at random from 100k points, loss -mean log p, Adam lr 1e-3.
 * Ours is the `realnvp` plugin's own step (TrainedModel.trainStep: dequantize-free batch, forward,
 * backward, gradient norm, Adam), with the same options.
 *
 * Alternating, in one invocation: per round, one timed block of ours, then one process of the twin for
 * each thread setting (1 thread, and the 2-core splits of run_all.sh), each timing one block after its
 * own warm-up. Run by hand:
 *   npx tsx bench/realnvp-2d.bench.ts [--rounds 7] [--steps 50] [--all-splits] > bench/results/realnvp-2d.md
 * (markdown on stdout, progress on stderr; about 5 minutes on 2 cores).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ouroboros/core';
import { selectBackend } from '@ouroboros/nn';
import { realNvpModelPlugin, type RealNvpModel } from '@ouroboros/models-flow';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, steps: { type: 'string', default: '50' }, 'all-splits': { type: 'boolean', default: false } } });
const rounds = Number(args.rounds);
const steps = Number(args.steps);
const BATCH = 512;
const WARMUP = 20;
const POINTS = 100_000;
const refDir = resolve(process.env.BENCH_REF ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'bench-ref'));
const twin = join(refDir, 'realnvp_2d.py');
if (!existsSync(twin)) throw new Error(`${twin}: not found; set BENCH_REF to the bench-ref folder`);

/**
 * The twin's thread settings: [label, OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, --threads]. The 2-core
 * split is bench-ref's best for this workload (its README: OpenMP and OpenBLAS threads compete, so
 * give both cores to BLAS); `--all-splits` adds omp 2 / blas 2 and omp 2 / blas 1.
 */
const torchSettings: Array<[string, number, number, number]> = [
  ['1 thread', 1, 1, 1],
  ['2 cores: omp 1, blas 2', 1, 2, 1],
  ...(args['all-splits'] ? ([['2 cores: omp 2, blas 2', 2, 2, 2], ['2 cores: omp 2, blas 1', 2, 1, 2]] as Array<[string, number, number, number]>) : []),
];

// sklearn make_moons geometry with noise 0.1, as data2d.py
function twoMoons(n: number, rng: Rng): Float32Array {
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = Math.PI * rng.uniform();
    const [x, y] = i % 2 === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    out[2 * i] = x + 0.1 * rng.normal();
    out[2 * i + 1] = y + 0.1 * rng.normal();
  }
  return out;
}

const loadAtStart = os.loadavg();
await selectBackend('wasm');
const data = twoMoons(POINTS, Rng.from(0, 'bench-data'));
const info = { kind: 'vector', dtype: 'float32', sampleShape: [2], trainCount: POINTS, testCount: 0 } as const;
const options = realNvpModelPlugin.options.parse({ couplings: 8, hidden: 256, depth: 2, activation: 'relu', lr: 1e-3, batchSize: BATCH });
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

function timeOurs(): number {
  const start = performance.now();
  for (let i = 0; i < steps; i++) step();
  return steps / ((performance.now() - start) / 1000);
}

function timeTorch([, omp, blas, threads]: [string, number, number, number]): number {
  const variant = omp === blas ? 'default' : `omp${omp}_blas${blas}`;
  const out = execFileSync('/usr/bin/python3', [twin, '--threads', String(threads), '--repeats', '1', '--steps', String(steps), '--variant', variant], {
    cwd: refDir,
    env: { ...process.env, OMP_NUM_THREADS: String(omp), OPENBLAS_NUM_THREADS: String(blas) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return (JSON.parse(out.trim().split('\n').at(-1)!) as { steps_per_s: number }).steps_per_s;
}

for (let i = 0; i < WARMUP; i++) step();
const ours: number[] = [];
const torch = torchSettings.map(() => [] as number[]);
for (let r = 0; r < rounds; r++) {
  ours.push(timeOurs());
  console.error(`round ${r + 1}: ours ${ours.at(-1)!.toFixed(2)} steps/s`);
  torchSettings.forEach((setting, k) => torch[k]!.push(timeTorch(setting)));
  console.error(`round ${r + 1}/${rounds}: ours ${ours.at(-1)!.toFixed(2)}, torch ${torch.map((t) => t.at(-1)!.toFixed(2)).join(' / ')} steps/s`);
}
/** CPU milliseconds per call of `fn` (process CPU time, so time lost to other processes and to a hypervisor's steal does not count). */
function cpuMs(fn: () => void, calls = 20): number {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / calls;
}
// Where a step's time goes: the whole step, its forward pass, and the floor of its three 512x256x256
// products per coupling (forward h·W, input gradient g·Wᵀ, weight gradient hᵀ·g) on fresh operands.
const breakdown = (() => {
  const x = tf.tensor2d(data.subarray(0, 2 * BATCH), [BATCH, 2]);
  const [h, w, g] = [tf.randomNormal([BATCH, 256]), tf.randomNormal([256, 256]), tf.randomNormal([BATCH, 256])];
  const fresh = (t: tf.Tensor) => t.clone();
  const products = () =>
    tf.tidy(() => {
      for (let c = 0; c < 8; c++) {
        tf.matMul(h, fresh(w));
        tf.matMul(fresh(g), fresh(w), false, true);
        tf.matMul(h, fresh(g), true, false);
      }
    });
  const result = { step: cpuMs(step), forward: cpuMs(() => tf.tidy(() => model.loss({ x }).dataSync())), products: cpuMs(products) };
  tf.dispose([x, h, w, g]);
  return result;
})();
const nll = (() => {
  const x = tf.tensor2d(data.subarray(0, 2 * 4096), [4096, 2]);
  const out = tf.tidy(() => model.loss({ x }).dataSync()[0]!);
  x.dispose();
  return out;
})();
model.dispose();

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const stats = (v: number[]) => `${median(v).toFixed(2)} | ${Math.min(...v).toFixed(2)} | ${Math.max(...v).toFixed(2)}`;
const best2 = torchSettings.map((_, k) => k).slice(1).reduce((a, b) => (median(torch[b]!) > median(torch[a]!) ? b : a));
const torchVersion = execFileSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim();
const ratio = (k: number) => (median(ours) / median(torch[k]!)).toFixed(2);

console.log('# RealNVP 2-D training step: ouroboros (wasm) vs PyTorch\n');
console.log(`- date: ${new Date().toISOString().slice(0, 10)}; machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model}), Node ${process.version}, tfjs ${tf.version_core}, wasm backend (1 thread)`);
console.log(`- load average (1, 5, 15 min) at start: ${loadAtStart.map((l) => l.toFixed(2)).join(', ')}; at end: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} (other developers share these cores)`);
console.log(`- workload: ${twin.replace(refDir, 'bench-ref')} and \`bench/realnvp-2d.bench.ts\`: 8 couplings, nets 1-256-256-2 ReLU, tanh scale, batch ${BATCH}, Adam lr 1e-3`);
console.log(`- ${rounds} rounds alternating ours and each PyTorch setting; a round times ${steps} steps of each (after ${WARMUP} warm-up steps, PyTorch in a fresh process each time)`);
console.log(`- ours: held-out NLL after all steps ${nll.toFixed(3)} nats (PyTorch prints its own as nll_after)\n`);
console.log('| implementation | threads | steps/s median | min | max | ours / this |');
console.log('|---|---|---|---|---|---|');
console.log(`| ouroboros realnvp (wasm) | 1 | ${stats(ours)} | |`);
torchSettings.forEach(([label], k) => console.log(`| PyTorch ${torchVersion} CPU | ${label}${k === best2 && torchSettings.length > 2 ? ' (best 2-core split)' : ''} | ${stats(torch[k]!)} | ${ratio(k)} |`));
console.log(`\nRatio at one thread: **${ratio(0)}**; against PyTorch's 2-core split: **${ratio(best2)}** (wasm runs on one thread whatever the cores).`);
console.log('\nWhere one step of ours goes (process CPU time, ms per step, 20 steps each):\n');
console.log('| part | CPU ms |');
console.log('|---|---|');
console.log(`| whole step (batch, forward, backward, gradient norm, Adam) | ${breakdown.step.toFixed(1)} |`);
console.log(`| forward pass and loss only | ${breakdown.forward.toFixed(1)} |`);
console.log(`| floor: the 24 products of 512x256x256 alone (8 couplings x forward, input and weight gradients), fresh operands | ${breakdown.products.toFixed(1)} |`);

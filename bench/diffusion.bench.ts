/**
 * Speed of models-diffusion against its PyTorch twins in bench-ref (../shared/bench-ref from the main
 * checkout; BENCH_REF overrides): the same networks (parameter counts checked), the same batches and
 * optimizer, timed in one invocation, PyTorch and ouroboros alternating in every round.
 *
 *   ddpm_mlp_2d     one Adam step of the 2-D DDPM MLP (66-256-256-256-2, SiLU), batch 512
 *   unet_32         one Adam step (lr 2e-4) of the DDPM loss with the 2.77 M-parameter U-Net, batch 64 of 32x32x3
 *   ddim_sample_32  DDIM (eta 0) sampling of 1000 images with that U-Net, 50 steps, batch 250, extrapolated
 *                   from timed single steps as bench-ref does by default
 *
 * ouroboros runs on the wasm backend (one thread, SIMD, nn's training kernels) through the real code
 * path (DiffusionModel.trainStep; the DDIM sampler). PyTorch runs with 1 thread and with its best
 * 2-core split (MLP: OMP 1 + OpenBLAS 2; U-Net: 2 threads, channels-last).
 *
 * Run by hand: `npx tsx bench/diffusion.bench.ts > bench/results/diffusion.md` (about 30 minutes
 * on 2 cores; progress on stderr). ROUNDS (default 3) sets the alternations; ONLY=ddpm_mlp_2d,... a subset.
 */
import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { Rng, type DataInfo } from '@ouroboros/core';
import { selectBackend } from '@ouroboros/nn';
import { ddimSample, ddpmModelPlugin, type DiffusionModel, DdpmObjective } from '../packages/models-diffusion/src/index.ts';

const root = resolve(import.meta.dirname, '..');
const reference = [process.env.BENCH_REF, join(root, '..', 'shared', 'bench-ref'), join(root, '..', '..', 'shared', 'bench-ref')].find((p): p is string => !!p && existsSync(join(p, 'common.py')));
if (!reference) throw new Error('bench-ref not found: set BENCH_REF to the folder holding ddpm_mlp_2d.py');
const python = process.env.OURO_PYTHON ?? '/usr/bin/python3';
const rounds = Number(process.env.ROUNDS ?? 3);
const log = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

interface TorchResult {
  median: number;
}

/** One bench-ref script, `threads` for torch, `blas` for OpenBLAS/OMP as bench-ref's README prescribes. */
function torch(script: string, threads: number, env: { omp: number; blas: number }, args: string[] = []): TorchResult {
  const result = spawnSync(python, [script, '--threads', String(threads), ...args], {
    cwd: reference,
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: String(env.omp), OPENBLAS_NUM_THREADS: String(env.blas) },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`${script} failed: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const line = result.stdout.trim().split('\n').at(-1)!;
  return JSON.parse(line) as TorchResult;
}

/** Parameters of a bench-ref network, `expression` evaluated in its folder. */
function torchParameters(module: string, constructor: string): number {
  const code = `import ${module}; print(sum(p.numel() for p in ${module}.${constructor}.parameters()))`;
  const result = spawnSync(python, ['-c', code], { cwd: reference, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${module}: ${result.stderr.trim().split('\n').at(-1)}`);
  return Number(result.stdout.trim());
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** steps/s of `step` over `repeats` blocks of `steps` steps after `warmup` untimed ones, like bench-ref's time_steps. */
function timeSteps(step: () => void, steps: number, repeats: number, warmup: number): number[] {
  for (let i = 0; i < warmup; i++) step();
  return Array.from({ length: repeats }, () => {
    const start = performance.now();
    for (let i = 0; i < steps; i++) step();
    return steps / ((performance.now() - start) / 1000);
  });
}

await selectBackend('wasm');
const loadAtStart = os.loadavg();

// ---- the ouroboros twins ----

/** DiffusionModel of bench-ref's shapes: plain Adam (no EMA, no clipping), as the PyTorch scripts. */
function model(data: DataInfo, options: Record<string, unknown>): DiffusionModel {
  return ddpmModelPlugin.create(ddpmModelPlugin.options.parse({ ema: null, gradClip: null, classConditional: false, ...options }), { data, rng: Rng.from(0) }) as DiffusionModel;
}

function ddpmMlpStep(): { run: () => number[]; params: number } {
  const data: DataInfo = { kind: 'vector', dtype: 'float32', sampleShape: [2], trainCount: 100_000, testCount: 0 };
  const m = model(data, { network: 'mlp', mlp: { hidden: 256, layers: 3, timeEmbedding: 64 }, lr: 1e-3 });
  const rng = Rng.from(1);
  const pool = Float32Array.from(rng.normals(200_000));
  let k = 0;
  const step = () => {
    const values = new Float32Array(1024);
    for (let i = 0; i < 512; i++) {
      const j = rng.int(100_000);
      [values[2 * i], values[2 * i + 1]] = [pool[2 * j]!, pool[2 * j + 1]!];
    }
    m.trainStep({ values, count: 512 }, Rng.from(k++));
  };
  return { run: () => timeSteps(step, 100, 3, 20), params: m.network.parameterCount() };
}

const unetOptions = { network: 'unet', unet: { channels: 64, channelMult: [1, 2, 2], resBlocks: 1, attentionResolutions: [], dropout: 0, groups: 8, heads: 1, layout: 'compact' } };
const images: DataInfo = { kind: 'image', dtype: 'uint8', sampleShape: [32, 32, 3], trainCount: 1024, testCount: 0 };

function unetStep(): { run: () => number[]; params: number } {
  const m = model(images, { ...unetOptions, lr: 2e-4 });
  const rng = Rng.from(2);
  const pool = Uint8Array.from({ length: 1024 * 3072 }, () => rng.int(256));
  let k = 0;
  const step = () => {
    const values = new Uint8Array(64 * 3072);
    for (let i = 0; i < 64; i++) {
      const j = rng.int(1024);
      values.set(pool.subarray(j * 3072, (j + 1) * 3072), i * 3072);
    }
    m.trainStep({ values, count: 64 }, Rng.from(k++));
  };
  return { run: () => timeSteps(step, 1, 3, 1), params: m.network.parameterCount() };
}

/** Seconds for 1000 images (200 steps of batch 250): the median single DDIM step at batch 250, times 200. */
function ddimSeconds(): { run: () => number[]; params: number } {
  const m = model(images, unetOptions);
  const objective = m.objective as DdpmObjective;
  const net = (x: tf.Tensor, c: tf.Tensor1D) => m.network.apply(x, c, null, null);
  const x = tf.randomNormal([250, 32, 32, 3], 0, 1, 'float32', 3);
  const step = () => {
    // one DDIM step (t = 0 to x_0): a network call and the update, as each of the 50
    const out = ddimSample(objective.predictor(net), objective.schedule, x, Rng.from(0), { steps: 1, eta: 0, clipDenoised: false });
    out.dataSync();
    out.dispose();
  };
  return {
    run: () => {
      step();
      return Array.from({ length: 3 }, () => {
        const start = performance.now();
        step();
        return ((performance.now() - start) / 1000) * 200;
      });
    },
    params: m.network.parameterCount(),
  };
}

// ---- rounds: PyTorch 1 thread, ouroboros, PyTorch best 2-core, alternating ----

interface Row {
  workload: string;
  unit: string;
  higherIsBetter: boolean;
  ours: number[];
  torch1: number[];
  torch2: number[];
  params: { ours: number; torch: number };
  note: string;
}

const workloads = [
  {
    name: 'ddpm_mlp_2d',
    unit: 'steps/s',
    higherIsBetter: true,
    twin: ddpmMlpStep,
    torchParams: () => torchParameters('ddpm_mlp_2d', 'Denoiser()'),
    torch1: () => torch('ddpm_mlp_2d.py', 1, { omp: 1, blas: 1 }, ['--repeats', '3']),
    torch2: () => torch('ddpm_mlp_2d.py', 1, { omp: 1, blas: 2 }, ['--repeats', '3', '--variant', 'omp1-blas2']),
    note: 'batch 512; 2-core torch: 1 OpenMP thread, 2 OpenBLAS threads',
  },
  {
    name: 'unet_32',
    unit: 'steps/s',
    higherIsBetter: true,
    twin: unetStep,
    torchParams: () => torchParameters('unet', 'UNet()'),
    torch1: () => torch('unet_32.py', 1, { omp: 1, blas: 1 }, ['--repeats', '3', '--channels-last']),
    torch2: () => torch('unet_32.py', 2, { omp: 2, blas: 2 }, ['--repeats', '3', '--channels-last']),
    note: 'batch 64 of 32x32x3, Adam lr 2e-4; torch channels-last (its faster layout)',
  },
  {
    name: 'ddim_sample_32',
    unit: 's for 1000 images',
    higherIsBetter: false,
    twin: ddimSeconds,
    torchParams: () => torchParameters('unet', 'UNet()'),
    torch1: () => torch('ddim_sample_32.py', 1, { omp: 1, blas: 1 }, ['--repeats', '3', '--channels-last']),
    torch2: () => torch('ddim_sample_32.py', 2, { omp: 2, blas: 2 }, ['--repeats', '3', '--channels-last']),
    note: '50 steps, batch 250, extrapolated from 3 timed steps (bench-ref: 3 timed steps too)',
  },
];

const rows: Row[] = [];
const only = process.env.ONLY?.split(',');
for (const w of workloads.filter((w) => !only || only.includes(w.name))) {
  const twin = w.twin();
  const row: Row = { workload: w.name, unit: w.unit, higherIsBetter: w.higherIsBetter, ours: [], torch1: [], torch2: [], params: { ours: twin.params, torch: w.torchParams() }, note: w.note };
  if (row.params.ours !== row.params.torch) throw new Error(`${w.name}: ours has ${row.params.ours} parameters, the PyTorch twin ${row.params.torch}; the networks differ`);
  for (let r = 0; r < rounds; r++) {
    log(`${w.name} round ${r + 1}/${rounds}: torch 1 thread`);
    const t1 = w.torch1();
    row.torch1.push(t1.median);
    log(`${w.name} round ${r + 1}/${rounds}: ouroboros (got torch ${t1.median})`);
    const ours = median(twin.run());
    row.ours.push(ours);
    log(`${w.name} round ${r + 1}/${rounds}: torch 2 cores (got ours ${ours.toFixed(3)})`);
    row.torch2.push(w.torch2().median);
  }
  rows.push(row);
}

const ratio = (row: Row, torch: number[]) => (row.higherIsBetter ? median(row.ours) / median(torch) : median(torch) / median(row.ours));
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3));
console.log(`# models-diffusion against PyTorch: benchmark

- date: ${new Date().toISOString().slice(0, 10)}
- machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB; load average (1, 5, 15 min) ${loadAtStart.map((l) => l.toFixed(1)).join(', ')} at start, ${os.loadavg().map((l) => l.toFixed(1)).join(', ')} at the end
- ouroboros: Node ${process.version}, tfjs ${tf.version.tfjs}, wasm backend (1 thread, SIMD) with nn's training kernels
- PyTorch: ${python} (bench-ref at ${reference}); OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? '(unset)'}
- command: \`npx tsx bench/diffusion.bench.ts\`, ${rounds} rounds, each running PyTorch (1 thread), ouroboros, PyTorch (2 cores) in turn; medians over rounds
- ratio = ours / PyTorch in speed (for seconds: PyTorch's time / ours), so 1 is parity and 0.5 half PyTorch's speed

| workload | unit | parameters (ours / torch) | ouroboros | PyTorch 1 thread | PyTorch 2 cores | ratio vs 1 thread | ratio vs 2 cores | setup |
|---|---|---|---|---|---|---|---|---|
${rows
  .map(
    (r) =>
      `| ${r.workload} | ${r.unit} | ${r.params.ours.toLocaleString('en')} / ${r.params.torch.toLocaleString('en')} | ${fmt(median(r.ours))} | ${fmt(median(r.torch1))} | ${fmt(median(r.torch2))} | ${ratio(r, r.torch1).toFixed(2)} | ${ratio(r, r.torch2).toFixed(2)} | ${r.note} |`,
  )
  .join('\n')}

Per-round values (ours; torch 1 thread; torch 2 cores):

${rows.map((r) => `- ${r.workload}: ${r.ours.map(fmt).join(', ')}; ${r.torch1.map(fmt).join(', ')}; ${r.torch2.map(fmt).join(', ')}`).join('\n')}
`);

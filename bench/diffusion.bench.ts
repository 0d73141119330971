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
 * ouroboros runs through the real code path (DiffusionModel.trainStep; the DDIM sampler) on the
 * native backend with as many library threads as PyTorch gets at each thread count (1: one thread;
 * 2: MLP OMP 1 + OpenBLAS 2 or OMP 2 + OpenBLAS 2, whichever is faster; U-Net 2 threads,
 * channels-last), PyTorch with the OPENBLAS_CORETYPE ouroboros loaded OpenBLAS with; per round,
 * alternating ours and PyTorch, and at one thread ours on backend wasm too. The U-Net step's peak
 * resident memory is measured in a process of its own on each side.
 *
 * Run by hand: `npx tsx bench/diffusion.bench.ts [--rounds 3] [--threads 1,2] > bench/results/diffusion.md`
 * (about 35 minutes on 2 idle cores; progress on stderr). ONLY=ddpm_mlp_2d,... runs a subset.
 */
import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { Rng, type DataInfo } from '@ouroboros/core';
import { backendSummary, currentBackend, selectBackend, setBackendThreads } from '@ouroboros/nn';
import { openBlasSetup, roundsAndThreads } from './twins/bench-support.ts';
import { ddimTimesteps, ddimUpdate, ddpmModelPlugin, type DiffusionModel, DdpmObjective } from '@ouroboros/models-diffusion';

const root = resolve(import.meta.dirname, '..');
const reference = [process.env.BENCH_REF, join(root, '..', 'shared', 'bench-ref'), join(root, '..', '..', 'shared', 'bench-ref')].find((p): p is string => !!p && existsSync(join(p, 'common.py')));
if (!reference) throw new Error('bench-ref not found: set BENCH_REF to the folder holding ddpm_mlp_2d.py');
const python = process.env.OURO_PYTHON ?? '/usr/bin/python3';
const { rounds, threads } = roundsAndThreads();
const openBlas = openBlasSetup();
let twinCore: string | undefined;
const log = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

interface TorchResult {
  median: number;
  peak_rss_mb: number;
  openblas_coretype?: string;
}

/** One bench-ref script, `threads` for torch, `blas` for OpenBLAS/OMP as bench-ref's README prescribes. */
function torch(script: string, threads: number, env: { omp: number; blas: number }, args: string[] = []): TorchResult {
  const result = spawnSync(python, [script, '--threads', String(threads), ...args], {
    cwd: reference,
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: String(env.omp), OPENBLAS_NUM_THREADS: String(env.blas), ...(openBlas.coretype ? { OPENBLAS_CORETYPE: openBlas.coretype } : {}) },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`${script} failed: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const line = result.stdout.trim().split('\n').at(-1)!;
  const record = JSON.parse(line) as TorchResult;
  twinCore = record.openblas_coretype ?? twinCore;
  return record;
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
    const out = ddimUpdate(objective.predictor(net), objective.schedule, x, ddimTimesteps(objective.schedule.timesteps, 1), 0, Rng.from(0), { steps: 1, eta: 0, clipDenoised: false });
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

// ---- the U-Net step's peak memory, in a process of its own ----

if (process.argv.includes('--rss-probe')) {
  await selectBackend('native');
  setBackendThreads(Number(process.env.OURO_THREADS ?? 1));
  unetStep().run();
  process.stdout.write(`${JSON.stringify({ peak_rss_mb: process.resourceUsage().maxRSS / 1024 })}\n`);
  process.exit(0);
}

function oursPeakRss(threadCount: number): number {
  const result = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--rss-probe'], { encoding: 'utf8', env: { ...process.env, OURO_THREADS: String(threadCount) } });
  if (result.status !== 0) throw new Error(`U-Net memory probe failed: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return (JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { peak_rss_mb: number }).peak_rss_mb;
}

// ---- rounds: at each thread count, ours native, PyTorch, (at one thread) ours wasm, alternating ----

interface Workload {
  name: string;
  unit: string;
  higherIsBetter: boolean;
  twin: () => { run: () => number[]; params: number };
  torchParams: () => number;
  /** PyTorch at a thread count: each setting's result (the better one counts). */
  torch: (threadCount: number) => Array<() => TorchResult>;
  note: string;
}

const workloads: Workload[] = [
  {
    name: 'ddpm_mlp_2d',
    unit: 'steps/s',
    higherIsBetter: true,
    twin: ddpmMlpStep,
    torchParams: () => torchParameters('ddpm_mlp_2d', 'Denoiser()'),
    torch: (t) =>
      t === 1
        ? [() => torch('ddpm_mlp_2d.py', 1, { omp: 1, blas: 1 }, ['--repeats', '3'])]
        : [() => torch('ddpm_mlp_2d.py', 1, { omp: 1, blas: t }, ['--repeats', '3', '--variant', `omp1_blas${t}`]), () => torch('ddpm_mlp_2d.py', t, { omp: t, blas: t }, ['--repeats', '3'])],
    note: 'batch 512; torch at 2: the better of OMP 1 + OpenBLAS 2 and OMP 2 + OpenBLAS 2',
  },
  {
    name: 'unet_32',
    unit: 'steps/s',
    higherIsBetter: true,
    twin: unetStep,
    torchParams: () => torchParameters('unet', 'UNet()'),
    torch: (t) => [() => torch('unet_32.py', t, { omp: t, blas: t }, ['--repeats', '3', '--channels-last'])],
    note: 'batch 64 of 32x32x3, Adam lr 2e-4; torch channels-last (its faster layout)',
  },
  {
    name: 'ddim_sample_32',
    unit: 's for 1000 images',
    higherIsBetter: false,
    twin: ddimSeconds,
    torchParams: () => torchParameters('unet', 'UNet()'),
    torch: (t) => [() => torch('ddim_sample_32.py', t, { omp: t, blas: t }, ['--repeats', '3', '--channels-last'])],
    note: '50 steps, batch 250, extrapolated from 3 timed steps (bench-ref: 3 timed steps too)',
  },
];

interface Row {
  workload: Workload;
  threads: number;
  ours: number[];
  torch: number[][];
  wasm: number[];
  params: { ours: number; torch: number };
  rss?: { ours: number; torch: number };
}

const instances = new Map<string, { run: () => number[]; params: number }>();
async function ours(w: Workload, backend: 'native' | 'wasm', threadCount: number): Promise<number> {
  await selectBackend(backend);
  setBackendThreads(threadCount);
  const key = `${w.name}|${backend}`;
  if (!instances.has(key)) instances.set(key, w.twin());
  return median(instances.get(key)!.run());
}

const rows: Row[] = [];
const only = process.env.ONLY?.split(',');
for (const w of workloads.filter((w) => !only || only.includes(w.name))) {
  for (const t of threads) {
    const settings = w.torch(t);
    const row: Row = { workload: w, threads: t, ours: [], torch: settings.map(() => []), wasm: [], params: { ours: 0, torch: w.torchParams() } };
    let peakTorch = 0;
    for (let r = 0; r < rounds; r++) {
      log(`${w.name} ${t} thread(s) round ${r + 1}/${rounds}: ours native`);
      row.ours.push(await ours(w, 'native', t));
      row.params.ours = instances.get(`${w.name}|native`)!.params;
      settings.forEach((run, k) => {
        log(`${w.name} ${t} thread(s) round ${r + 1}/${rounds}: torch setting ${k + 1}/${settings.length} (ours ${fmt(row.ours.at(-1)!)})`);
        const result = run();
        row.torch[k]!.push(result.median);
        peakTorch = Math.max(peakTorch, result.peak_rss_mb);
      });
      if (t === 1) {
        log(`${w.name} ${t} thread(s) round ${r + 1}/${rounds}: ours wasm`);
        row.wasm.push(await ours(w, 'wasm', 1));
      }
    }
    if (row.params.ours !== row.params.torch) throw new Error(`${w.name}: ours has ${row.params.ours} parameters, the PyTorch twin ${row.params.torch}; the networks differ`);
    if (w.name === 'unet_32') row.rss = { ours: oursPeakRss(t), torch: peakTorch };
    rows.push(row);
  }
}
await selectBackend('native');
const summary = backendSummary(currentBackend()!);

function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3);
}
const bestTorch = (row: Row) => row.torch.reduce((a, b) => ((row.workload.higherIsBetter ? median(b) > median(a) : median(b) < median(a)) ? b : a));
const ratio = (row: Row, values: number[]) => (row.workload.higherIsBetter ? median(values) / median(bestTorch(row)) : median(bestTorch(row)) / median(values));
console.log(`# models-diffusion against PyTorch: benchmark

- date: ${new Date().toISOString().slice(0, 10)}
- machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB; load average (1, 5, 15 min) ${loadAtStart.map((l) => l.toFixed(1)).join(', ')} at start, ${os.loadavg().map((l) => l.toFixed(1)).join(', ')} at the end
- ouroboros: Node ${process.version}, tfjs ${tf.version.tfjs}; ${summary} (threads as in each row); wasm: one thread with nn's training kernels
- PyTorch: ${python} (bench-ref at ${reference})
${openBlas.line(twinCore)}
- command: \`npx tsx bench/diffusion.bench.ts --rounds ${rounds} --threads ${threads.join(',')}\`; per round ours native, PyTorch, (at 1 thread) ours wasm; medians over rounds
- ratio = ours / PyTorch in speed (for seconds: PyTorch's time / ours), so 1 is parity; at 2 threads against PyTorch's better setting

| workload | threads | unit | ours native | PyTorch | ours wasm | ratio native | ratio wasm | setup |
|---|---|---|---|---|---|---|---|---|
${rows
  .map((r) => `| ${r.workload.name} | ${r.threads} | ${r.workload.unit} | ${fmt(median(r.ours))} | ${fmt(median(bestTorch(r)))} | ${r.wasm.length ? fmt(median(r.wasm)) : ''} | **${ratio(r, r.ours).toFixed(2)}** | ${r.wasm.length ? ratio(r, r.wasm).toFixed(2) : ''} | ${r.workload.note} |`)
  .join('\n')}

Peak resident memory of the U-Net training step (batch 64), each side in a process of its own (ours: Node's maxRSS after a warm-up and 3 steps; PyTorch: its script's peak_rss_mb):

| threads | ours MB | PyTorch MB | ours / PyTorch |
|---|---|---|---|
${rows
  .filter((r) => r.rss)
  .map((r) => `| ${r.threads} | ${r.rss!.ours.toFixed(0)} | ${r.rss!.torch.toFixed(0)} | ${(r.rss!.ours / r.rss!.torch).toFixed(2)} |`)
  .join('\n')}

Parameters (ours / PyTorch): ${[...new Set(rows.map((r) => `${r.workload.name} ${r.params.ours.toLocaleString('en')} / ${r.params.torch.toLocaleString('en')}`))].join('; ')}.

Per-round values (ours native; PyTorch per setting; ours wasm):

${rows.map((r) => `- ${r.workload.name}, ${r.threads} thread(s): ${r.ours.map(fmt).join(', ')}; ${r.torch.map((v) => v.map(fmt).join(', ')).join(' / ')}${r.wasm.length ? `; ${r.wasm.map(fmt).join(', ')}` : ''}`).join('\n')}
`);

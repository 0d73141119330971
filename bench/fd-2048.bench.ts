/**
 * fd on two 10,000 x 2048 feature sets against fd_2048.py (pytorch-fid's formula with numpy and
 * scipy), one thread each, alternating, on the same features (the twin's, rounded to float32 as
 * ouroboros stores features). Ours: each set's moments (fd's default float64 path, and the
 * float32-blocks option; core's MomentAccumulator, which the engine uses once per run for the
 * reference set, for comparison), then frechetDistance.
 * Run by hand: `npx tsx bench/fd-2048.bench.ts > bench/results/fd-2048.md` (about 10 minutes on 2 idle cores).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { gaussianMoments, MomentAccumulator, type GaussianMoments } from '@ouroboros/core';
import { BlockMomentAccumulator, frechetDistance } from '@ouroboros/metrics';
import { selectBackend } from '@ouroboros/nn';
import { loadNow, machineLines, median, readFloat32, runTwin } from './twins/bench-support.ts';

const repeats = Number(process.env.REPEATS ?? 2);
const D = 2048;
await selectBackend('wasm');
const dir = mkdtempSync(join(os.tmpdir(), 'fd-bench-'));
const base = join(dir, 'features');
runTwin('fd-2048-twin.py', ['features', base]);
const a = readFloat32(`${base}.a.f32`);
const b = readFloat32(`${base}.b.f32`);
const loadAtStart = loadNow();

const float64 = (x: Float32Array) => new BlockMomentAccumulator(D, 'float64').add(x).moments(1);
const float32Blocks = (x: Float32Array) => new BlockMomentAccumulator(D, 'float32').add(x).moments(1);
const core = (x: Float32Array) => gaussianMoments(new MomentAccumulator(D).add(x), 1);

function ours(moments: (x: Float32Array) => GaussianMoments) {
  const t0 = performance.now();
  const ma = moments(a);
  const mb = moments(b);
  const t1 = performance.now();
  const fd = frechetDistance(ma.mean, ma.covariance, mb.mean, mb.covariance, D);
  const t2 = performance.now();
  return { seconds: (t2 - t0) / 1000, cov: (t1 - t0) / 1000, distance: (t2 - t1) / 1000, fd };
}

const rows: Record<string, Array<{ seconds: number; cov: number; distance: number; fd: number }>> = { float64: [], blocks: [], core: [], scipy: [] };
for (let r = 0; r < repeats; r++) {
  process.stderr.write(`repeat ${r + 1}/${repeats}: ours (float64)...\n`);
  rows.float64!.push(ours(float64));
  process.stderr.write('  scipy...\n');
  const twin = runTwin<{ seconds: number; cov_s: number; distance_s: number; fd: number }>('fd-2048-twin.py', ['time', base]);
  rows.scipy!.push({ seconds: twin.seconds, cov: twin.cov_s, distance: twin.distance_s, fd: twin.fd });
  process.stderr.write('  ours (float32 blocks)...\n');
  rows.blocks!.push(ours(float32Blocks));
  if (r === 0) {
    process.stderr.write('  ours (core MomentAccumulator, once)...\n');
    rows.core!.push(ours(core));
  }
}
rmSync(dir, { recursive: true, force: true });

const scipy = median(rows.scipy!.map((x) => x.seconds));
const reference = rows.scipy![0]!.fd;
console.log('# fd on 10,000 x 2048 features: ouroboros against pytorch-fid\'s formula (numpy + scipy)\n');
for (const line of machineLines()) console.log(line);
console.log(`- 1-min load average ${loadAtStart} at start, ${loadNow()} at the end (2 cores)`);
console.log(`- ${repeats} alternating repeats; medians. Features: fd_2048.py's make_features, rounded to float32 (both sides read the same values)`);
console.log('- ratio = scipy seconds / ours: above 1 means ouroboros is faster\n');
console.log('| path | moments s | distance s | total s | ratio | FD | relative difference from scipy |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, label] of [
  ['scipy', 'numpy np.cov + scipy.linalg.sqrtm (twin)'],
  ['float64', "ours, fd's default: float64 wasm moments"],
  ['blocks', "ours, fd covariance: 'float32-blocks'"],
  ['core', "ours with core's MomentAccumulator (the engine's reference moments, once per run; 1 run)"],
] as const) {
  const list = rows[name]!;
  const total = median(list.map((x) => x.seconds));
  const fd = list[0]!.fd;
  console.log(
    `| ${label} | ${median(list.map((x) => x.cov)).toFixed(2)} | ${median(list.map((x) => x.distance)).toFixed(2)} | ${total.toFixed(2)} | ${(scipy / total).toFixed(2)} | ${fd.toFixed(6)} | ${name === 'scipy' ? '-' : (Math.abs(fd - reference) / reference).toExponential(1)} |`,
  );
}

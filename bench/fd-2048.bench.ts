/**
 * fd on two 10,000 x 2048 feature sets against fd_2048.py (pytorch-fid's formula with numpy and
 * scipy) on the same features (the twin's, rounded to float32 as ouroboros stores features), at each
 * thread count: per round, alternating, ours on the native backend with that many library threads,
 * the twin with OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = threads and the OPENBLAS_CORETYPE ouroboros
 * loaded OpenBLAS with, then ours on backend wasm (one thread whatever the count). Ours: each set's
 * moments (fd's default float64 path), then frechetDistance.
 * Run by hand: `npx tsx bench/fd-2048.bench.ts [--rounds 3] [--threads 1,2] > bench/results/fd-2048.md`
 * (about a minute a thread count at 3 rounds on 2 idle cores).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { BlockMomentAccumulator, frechetDistance } from '@ouroboros/metrics';
import { selectBackend, setBackendThreads } from '@ouroboros/nn';
import { alternate, loadNow, machineLines, median, openBlasSetup, readFloat32, roundsAndThreads, runTwin } from './twins/bench-support.ts';

interface Timing {
  seconds: number;
  moments: number;
  distance: number;
  fd: number;
}

const D = 2048;
const { rounds, threads } = roundsAndThreads();
const openBlas = openBlasSetup();
const dir = mkdtempSync(join(os.tmpdir(), 'fd-bench-'));
const base = join(dir, 'features');
runTwin('fd-2048-twin.py', ['features', base]);
const a = readFloat32(`${base}.a.f32`);
const b = readFloat32(`${base}.b.f32`);
const loadAtStart = loadNow();

async function ours(backend: 'native' | 'wasm', threadCount: number): Promise<Timing> {
  await selectBackend(backend);
  setBackendThreads(threadCount);
  const t0 = performance.now();
  const ma = new BlockMomentAccumulator(D, 'float64').add(a).moments(1);
  const mb = new BlockMomentAccumulator(D, 'float64').add(b).moments(1);
  const t1 = performance.now();
  const fd = frechetDistance(ma.mean, ma.covariance, mb.mean, mb.covariance, D);
  const t2 = performance.now();
  return { seconds: (t2 - t0) / 1000, moments: (t1 - t0) / 1000, distance: (t2 - t1) / 1000, fd };
}

let twinCore: string | undefined;
function twin(threadCount: number): Timing {
  const out = runTwin<{ seconds: number; cov_s: number; distance_s: number; fd: number; blas_core?: string }>('fd-2048-twin.py', ['time', base], { threads: threadCount, ...(openBlas.coretype ? { coretype: openBlas.coretype } : {}) });
  twinCore = out.blas_core;
  return { seconds: out.seconds, moments: out.cov_s, distance: out.distance_s, fd: out.fd };
}

const byThreads = new Map<number, Record<string, Timing[]>>();
for (const t of threads) {
  byThreads.set(t, await alternate(rounds, { native: () => ours('native', t), scipy: () => twin(t), wasm: () => ours('wasm', t) }, `${t} thread(s), `));
}
rmSync(dir, { recursive: true, force: true });

const med = (list: Timing[], part: keyof Timing) => median(list.map((x) => x[part]));
const parts = (list: Timing[]) => `${med(list, 'seconds').toFixed(2)} (${med(list, 'moments').toFixed(2)} + ${med(list, 'distance').toFixed(2)})`;
const relative = (x: number, y: number) => (Math.abs(x - y) / Math.abs(y)).toExponential(1);

console.log("# fd on 10,000 x 2048 features: ouroboros against pytorch-fid's formula (numpy + scipy)\n");
for (const line of machineLines('backend native (CBLAS dgemm/dsyrk, LAPACK dpstrf/dsyev through nn\'s F64Arena) at the thread count of each row, and backend wasm (1 thread)', 'OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = the row\'s thread count')) console.log(line);
console.log(openBlas.line(twinCore));
console.log(`- 1-min load average ${loadAtStart} at start, ${loadNow()} at the end (${os.availableParallelism()} cores)`);
console.log(`- ${rounds} round(s) per thread count, each: ours native, twin, ours wasm; medians. Features: fd_2048.py's make_features, rounded to float32 (both sides read the same values)`);
console.log('- seconds as total (moments + distance); ratio = twin seconds / ours: above 1 means ouroboros is faster\n');
console.log('| threads | numpy np.cov + scipy.linalg.sqrtm (twin) s | ours, native s | ours, wasm s | ratio native | ratio wasm | FD native, relative difference from scipy | FD wasm, relative difference |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [t, runs] of byThreads) {
  const [scipy, native, wasm] = [runs.scipy!, runs.native!, runs.wasm!];
  const reference = scipy[0]!.fd;
  console.log(
    `| ${t} | ${parts(scipy)} | ${parts(native)} | ${parts(wasm)} | ${(med(scipy, 'seconds') / med(native, 'seconds')).toFixed(2)} | ${(med(scipy, 'seconds') / med(wasm, 'seconds')).toFixed(2)} | ${native[0]!.fd.toFixed(6)}, ${relative(native[0]!.fd, reference)} | ${relative(wasm[0]!.fd, reference)} |`,
  );
}

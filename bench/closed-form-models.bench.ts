/**
 * The closed-form model plugins against their numpy/scipy twins, side by side in one invocation,
 * alternating runs: a GMM fitted by EM (k-means++ start, full covariances, 50 iterations) and a
 * Gaussian KDE's log-likelihood (2000 queries, exact log-sum-exp). Ratios, not absolute times, are
 * what holds on a shared machine. Run by hand:
 * `npx tsx bench/closed-form-models.bench.ts > bench/results/closed-form-models.md`.
 */
import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Rng, SampleStore, TrainingSet, type DataInfo } from '@ouroboros/core';
import { findPython, runPython, testContext } from '@ouroboros/core/testing';
import { GmmModel } from '@ouroboros/models-gmm';
import { KdeModel } from '@ouroboros/models-kde';

const repeats = 5;
const n = 4000;
const k = 8;
const iterations = 50;
const python = findPython(['numpy', 'scipy']);
if (!python) throw new Error('needs /usr/bin/python3 with numpy and scipy (apt-get install python3-numpy python3-scipy)');
await tf.setBackend('cpu');

const dir = mkdtempSync(join(os.tmpdir(), 'ouro-bench-closed-'));
const rng = Rng.from(0, 'bench');
// eight-gaussians: modes on a circle of radius 2 sqrt 2, std sqrt 2 / 4
const data = new Float32Array(2 * n);
for (let i = 0; i < n; i++) {
  const angle = (rng.int(8) * Math.PI) / 4;
  data[2 * i] = 2 * Math.SQRT2 * Math.cos(angle) + (Math.SQRT2 / 4) * rng.normal();
  data[2 * i + 1] = 2 * Math.SQRT2 * Math.sin(angle) + (Math.SQRT2 / 4) * rng.normal();
}
const file = join(dir, 'data.f64');
writeFileSync(file, Buffer.from(Float64Array.from(data).buffer));
const info: DataInfo = { kind: 'vector', dtype: 'float32', sampleShape: [2], trainCount: n, testCount: 0 };
const train = new TrainingSet([{ name: 'real', store: await SampleStore.write(join(dir, 'store'), info, data) }]);
const queries = tf.tensor2d(data.slice(0, 4000), [2000, 2]);

const twin = `
import sys, time, json, numpy as np
from scipy.special import logsumexp
from scipy.stats import gaussian_kde
x = np.fromfile(sys.argv[1], dtype=np.float64).reshape(-1, 2); what = sys.argv[2]; k = int(sys.argv[3]); iters = int(sys.argv[4])
def gmm(x, k, iters, rng):
    n, d = x.shape
    centres = [rng.integers(n)]
    for _ in range(k - 1):
        d2 = np.min(((x[:, None, :] - x[centres][None]) ** 2).sum(-1), axis=1)
        centres.append(rng.choice(n, p=d2 / d2.sum()))
    r = np.eye(k)[np.argmin(((x[:, None, :] - x[centres][None]) ** 2).sum(-1), axis=1)]
    for _ in range(iters):
        nk = r.sum(0) + 10 * np.finfo(float).eps; w = nk / n; mu = r.T @ x / nk[:, None]
        cov = np.stack([((r[:, j, None] * (x - mu[j])).T @ (x - mu[j])) / nk[j] + 1e-6 * np.eye(d) for j in range(k)])
        L = np.linalg.cholesky(cov)
        logp = np.empty((n, k))
        for j in range(k):
            z = np.linalg.solve(L[j], (x - mu[j]).T)
            logp[:, j] = np.log(w[j]) - 0.5 * (d * np.log(2 * np.pi) + 2 * np.log(np.diag(L[j])).sum() + (z ** 2).sum(0))
        ll = logsumexp(logp, axis=1); r = np.exp(logp - ll[:, None])
    return ll.mean()
start = time.perf_counter()
if what == 'gmm': gmm(x, k, iters, np.random.default_rng(0))
else: gaussian_kde(x.T).logpdf(x[:2000].T)
print(json.dumps({'seconds': time.perf_counter() - start}))
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const times: Record<string, number[]> = { gmmOurs: [], gmmNumpy: [], kdeOurs: [], kdeScipy: [] };
for (let r = 0; r < repeats; r++) {
  process.stderr.write(`repeat ${r + 1}/${repeats}\n`);
  const gmm = new GmmModel(info, { components: k, maxIterations: iterations, tolerance: 1e-300, ridge: 1e-6 });
  let start = performance.now();
  await gmm.fit(train, {}, testContext(r));
  times.gmmOurs!.push((performance.now() - start) / 1000);
  times.gmmNumpy!.push((JSON.parse(runPython(python, twin, [file, 'gmm', String(k), String(iterations)])) as { seconds: number }).seconds);
  const kde = new KdeModel(info, 'scott');
  await kde.fit(train, {}, testContext(r));
  start = performance.now();
  await kde.logLikelihood(queries);
  times.kdeOurs!.push((performance.now() - start) / 1000);
  times.kdeScipy!.push((JSON.parse(runPython(python, twin, [file, 'kde', '0', '0'])) as { seconds: number }).seconds);
}
queries.dispose();
rmSync(dir, { recursive: true, force: true });

const row = (what: string, ours: number[], ref: number[], name: string) =>
  `| ${what} | ${median(ours).toFixed(3)} | ${median(ref).toFixed(3)} (${name}) | ${(median(ours) / median(ref)).toFixed(2)} |`;
console.log('# Closed-form models against numpy/scipy\n');
console.log(`- date: ${new Date().toISOString().slice(0, 10)}`);
console.log(`- machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model}), Node ${process.version}; python twins single-process (numpy's BLAS threads as installed)`);
console.log(`- data: ${n} eight-gaussians points in 2-D; medians of ${repeats} alternating runs\n`);
console.log('| workload | ouroboros s | twin s | ours / twin |');
console.log('|---|---|---|---|');
console.log(row(`gmm fit: k-means++ + ${iterations} EM iterations, k = ${k}, full covariance`, times.gmmOurs!, times.gmmNumpy!, 'numpy, vectorised EM'));
console.log(row('kde log-likelihood: 2000 queries x 4000 centres, Scott bandwidth', times.kdeOurs!, times.kdeScipy!, 'scipy gaussian_kde.logpdf'));

import {
  MomentAccumulator,
  Rng,
  SampleStore,
  contractionBound,
  dataCodec,
  expectedGaussianDynamics,
  simulateGaussianLoop,
  takeFloat32,
  trace,
  type DataInfo,
  type GaussianSchedule,
  type ResolvedExperiment,
} from '@ouroboros/core';
import { GaussianModel } from '@ouroboros/models-gaussian';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { estimateStability, type StabilityEstimate } from './estimate-stability.ts';

/** What `ouro theory` finds for one run folder: written to theory.json and summary.json's `theory`. */
export interface TheoryReport {
  readonly model: string;
  readonly schedule: { readonly id: string; readonly lambda: number | null };
  readonly certificate: (StabilityEstimate & { readonly certified: boolean | null; readonly contraction: number | null }) | { readonly unavailable: string };
  readonly gaussian?: { readonly realCount: number; readonly syntheticCount: number; readonly curve: readonly GaussianCurvePoint[] };
}

/** One generation of the Gaussian's exact expected dynamics, with the run's own value where the generation is committed. */
export interface GaussianCurvePoint {
  readonly generation: number;
  /** E[tr Sigma_t] = c_t tr S_D. */
  readonly expectedTrace: number;
  /** E||mu_t - mu_0||^2 = p_t tr S_D. */
  readonly expectedMeanDrift: number;
  /** 5% and 95% quantiles of tr Sigma_t and ||mu_t - mu_0||^2 over simulated loops on the run's D (at most 64 dimensions). */
  readonly traceBand?: readonly [number, number];
  readonly meanDriftBand?: readonly [number, number];
  readonly trace?: number;
  readonly meanDrift?: number;
}

/** Loops simulated for the band. */
const CHAINS = 200;
const MAX_BAND_DIMS = 64;

/** The certificate at generation 0's parameters and, for the Gaussian family, its exact expected dynamics against the run's. */
export async function runTheory(dir: string, resolved: ResolvedExperiment, options: { rows: number; progress?: (line: string) => void }): Promise<TheoryReport> {
  const root = resolve(dir);
  const dataset = resolved.dataset.create({ cacheDir: join(dirname(root), '.ouroboros-data', 'datasets'), note: () => {} });
  const data = dataset.info;
  const rng = Rng.from(resolved.config.seed, 'theory');
  const lambda = typeof resolved.schedule.options.lambda === 'number' ? resolved.schedule.options.lambda : null;
  const gen0 = join(root, 'gen-000');
  if (!existsSync(join(gen0, 'model'))) throw new Error(`${dir}: generation 0 is not committed (no gen-000/model); expected a run that finished generation 0`);
  const model = await resolved.model.load(join(gen0, 'model'), { data, rng: rng.fork('model') });
  let certificate: TheoryReport['certificate'];
  try {
    if (!model.likelihoodGradients) {
      certificate = { unavailable: `model '${resolved.model.id}' gives no log-likelihood gradients in its parameters` };
    } else {
      const real = await modelSpaceRows(SampleStore.open(join(root, 'real', 'train')), data, options.rows, rng.fork('real'));
      const samples = await modelSpaceRows(SampleStore.open(join(gen0, 'samples')), data, options.rows, rng.fork('samples'));
      const dim = data.sampleShape.reduce((a, b) => a * b, 1);
      const estimate = await estimateStability(model.likelihoodGradients(), real, samples, dim, rng.fork('estimate'), { progress: options.progress });
      const effective = lambda ?? (resolved.schedule.id === 'fully-synthetic' ? Infinity : null);
      certificate = {
        ...estimate,
        certified: effective === null ? null : effective < estimate.lambdaMax,
        contraction: effective === null || !Number.isFinite(effective) ? null : finiteOrNull(contractionBound(effective, estimate)),
      };
    }
  } finally {
    model.dispose();
  }
  const report: TheoryReport = { model: resolved.model.id, schedule: { id: resolved.schedule.id, lambda }, certificate };
  return resolved.model.id === 'gaussian' ? { ...report, gaussian: await gaussianCurve(root, resolved, data) } : report;
}

/** Up to `rows` rows of a store, drawn without replacement, in model space. */
async function modelSpaceRows(store: SampleStore, data: DataInfo, rows: number, rng: Rng): Promise<Float32Array> {
  const picked = rng.choose(store.count, Math.min(rows, store.count));
  return takeFloat32(dataCodec(data).encode(await store.gather(picked)));
}

async function gaussianCurve(root: string, resolved: ResolvedExperiment, data: DataInfo): Promise<NonNullable<TheoryReport['gaussian']>> {
  const real = SampleStore.open(join(root, 'real', 'train'));
  const dim = data.sampleShape.reduce((a, b) => a * b, 1);
  const moments = new MomentAccumulator(dim);
  const codec = dataCodec(data);
  const rows: Float32Array[] = [];
  for await (const batch of real.batches(4096)) {
    const values = await takeFloat32(codec.encode(batch));
    moments.add(values);
    if (dim <= MAX_BAND_DIMS) rows.push(values);
  }
  const traceD = trace(moments.covariance(0), dim);
  const N = real.count;
  const M = resolved.schedule.create({ canDrawFresh: true }).samplesNeeded(N);
  const schedule = gaussianSchedule(resolved.schedule.id, M, resolved.schedule.options, N);
  const expected = expectedGaussianDynamics(schedule, N, resolved.config.generations);
  const simulated = dim <= MAX_BAND_DIMS ? simulateGaussianLoop(Float64Array.from(rows.flatMap((r) => [...r])), dim, schedule, resolved.config.generations, CHAINS, Rng.from(resolved.config.seed, 'theory', 'band')) : null;
  const fittedAt = async (t: number) => {
    const dir = join(root, `gen-${String(t).padStart(3, '0')}`, 'model');
    return existsSync(dir) ? GaussianModel.load(dir) : null;
  };
  const mean0 = (await fittedAt(0))?.mean;
  const curve: GaussianCurvePoint[] = [];
  for (const { generation, covariance, meanSpread } of expected) {
    const point = {
      generation,
      expectedTrace: covariance * traceD,
      expectedMeanDrift: meanSpread * traceD,
      ...(simulated ? { traceBand: quantiles(simulated.trace[generation]!), meanDriftBand: quantiles(simulated.meanDrift[generation]!) } : {}),
    };
    const fitted = await fittedAt(generation);
    if (!fitted || !mean0) curve.push(point);
    else curve.push({ ...point, trace: trace(fitted.covariance, dim), meanDrift: fitted.mean.reduce((s, v, i) => s + (v - mean0[i]!) ** 2, 0) });
  }
  return { realCount: N, syntheticCount: M, curve };
}

function gaussianSchedule(id: string, synthetic: number, options: Record<string, unknown>, realCount: number): GaussianSchedule {
  switch (id) {
    case 'constant-lambda':
    case 'accumulate':
    case 'fresh-real':
      return { id, synthetic };
    case 'fully-synthetic':
      return { id };
    case 'accumulate-subsample':
      return { id, synthetic, size: typeof options.size === 'number' ? options.size : realCount };
    default:
      throw new Error(`schedule.id = "${id}": no closed-form Gaussian dynamics for this schedule; expected constant-lambda, fully-synthetic, accumulate, accumulate-subsample or fresh-real`);
  }
}

// The 5% and 95% quantiles (nearest rank).
function quantiles(values: Float64Array): [number, number] {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return [at(0.05), at(0.95)];
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

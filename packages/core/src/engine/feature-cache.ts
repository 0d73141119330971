import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { DataSplit } from '../contracts/dataset.ts';
import type { FeatureExtractor, FeatureExtractorData } from '../contracts/feature-extractor.ts';
import type { FeatureSet } from '../contracts/metric.ts';
import type { RunContext } from '../contracts/run-context.ts';
import { gaussianMoments, MomentAccumulator, type GaussianMoments } from '../linalg/moments.ts';
import { writeFileAtomic } from '../store/atomic-write.ts';
import { sha256Of } from '../store/file-checksums.ts';
import { SampleStore } from '../store/sample-store.ts';
import { writeChunks } from '../store/write-chunks.ts';
import type { RunFolder } from './run-folder.ts';
import { stopPoint } from './run-interrupted.ts';

/** One extractor of a run, with the folder name its features are kept under. */
export interface NamedExtractor {
  readonly id: string;
  /** `id`, plus a hash of its options when it has any: features of other options never mix. */
  readonly key: string;
  readonly extractor: FeatureExtractor;
}

export const MOMENTS_FILE = 'moments.f64';
const CHECKSUM_SUFFIX = '.sha256';
const MOMENT_BATCH = 4096;

/**
 * Features for metrics, computed once: the real reference split's features and moments are kept
 * in the run folder (`features/<key>/<split>/`) for every later generation and resume; a
 * generation's features go into its checkpoint folder and are shared by all its metrics.
 */
export class FeatureCache {
  private readonly generated = new Map<string, FeatureSet>();
  private readonly prepared = new Map<string, Promise<void>>();

  constructor(
    private readonly folder: RunFolder,
    private readonly data: FeatureExtractorData,
  ) {}

  async reference(named: NamedExtractor, split: DataSplit, samples: SampleStore, ctx: RunContext): Promise<FeatureSet> {
    const dir = this.folder.featuresDir(named.key, split);
    const store = await this.extract(named, samples, dir, ctx);
    mkdirSync(dir, { recursive: true });
    return featureSet(store, join(dir, MOMENTS_FILE), this.data.note, ctx.signal);
  }

  /** Features of generation `generation`'s samples, kept under `workDir` until the generation commits. */
  async ofGeneration(named: NamedExtractor, generation: number, samples: SampleStore, workDir: string, ctx: RunContext): Promise<FeatureSet> {
    const cacheKey = `${generation}/${named.key}`;
    let set = this.generated.get(cacheKey);
    if (!set) {
      const store = await this.extract(named, samples, join(workDir, 'features', named.key), ctx);
      set = featureSet(store, null, this.data.note, ctx.signal);
      this.generated.clear();
      this.generated.set(cacheKey, set);
    }
    return set;
  }

  private async extract(named: NamedExtractor, samples: SampleStore, dir: string, ctx: RunContext): Promise<SampleStore> {
    const { extractor } = named;
    if (extractor.passThrough && samples.dtype === 'float32') return samples;
    if (extractor.prepare) {
      let ready = this.prepared.get(named.key);
      if (!ready) this.prepared.set(named.key, (ready = extractor.prepare(this.data, ctx)));
      await ready;
    }
    if (SampleStore.exists(dir)) {
      const store = SampleStore.open(dir);
      if (store.count === samples.count && store.sampleShape[0] === extractor.dim) return store;
    }
    const stop = stopPoint(ctx.signal);
    const chunks = async function* () {
      let done = 0;
      for await (const batch of samples.batches(extractor.batchSize)) {
        const count = batch.length / (samples.sampleShape.reduce((a, b) => a * b, 1));
        const values = await extractor.extract(batch, count, ctx);
        if (values.length !== count * extractor.dim) {
          throw new Error(`feature extractor '${named.id}': returned ${values.length} values for ${count} samples; expected ${count} x ${extractor.dim}`);
        }
        done += count;
        ctx.progress(done / samples.count, `${named.id} features of ${done}/${samples.count} samples`);
        await stop();
        yield { values };
      }
    };
    return writeChunks(dir, { dtype: 'float32', sampleShape: [extractor.dim], labelled: false }, chunks());
  }
}

/** A FeatureSet over `store`, its moments computed on first use (and kept in `momentsPath` when given); a stop request ends the computation. */
function featureSet(store: SampleStore, momentsPath: string | null, note: (line: string) => void, signal: AbortSignal): FeatureSet {
  let moments: Promise<GaussianMoments> | null = null;
  return {
    store,
    dim: store.sampleShape[0]!,
    moments: () => (moments ??= loadOrComputeMoments(store, momentsPath, note, signal)),
  };
}

async function loadOrComputeMoments(store: SampleStore, path: string | null, note: (line: string) => void, signal: AbortSignal): Promise<GaussianMoments> {
  const dim = store.sampleShape[0]!;
  const damage = path && existsSync(path) ? momentsProblem(path) : null;
  if (damage) note(`${damage}; computing the moments again`);
  // A moments file without its checksum (an older ouroboros) is not trusted either: computed again, silently.
  if (path && !damage && existsSync(`${path}${CHECKSUM_SUFFIX}`)) {
    const saved = readMoments(path);
    if (saved.count === store.count && saved.mean.length === dim) return saved;
  }
  const acc = new MomentAccumulator(dim);
  const stop = stopPoint(signal);
  for await (const batch of store.batches(MOMENT_BATCH)) {
    acc.add(batch);
    await stop();
  }
  const moments = gaussianMoments(acc, 1);
  if (path) writeMoments(path, moments);
  return moments;
}

/** Little-endian float64: count, d, mean (d), covariance (d x d, row-major). */
function writeMoments(path: string, m: GaussianMoments): void {
  const d = m.mean.length;
  const out = new Float64Array(2 + d + d * d);
  out[0] = m.count;
  out[1] = d;
  out.set(m.mean, 2);
  out.set(m.covariance, 2 + d);
  const bytes = new Uint8Array(out.buffer);
  writeFileAtomic(path, bytes);
  writeFileAtomic(`${path}${CHECKSUM_SUFFIX}`, `${sha256Of(bytes)}\n`);
}

/** A line naming the moments file at `path` when its bytes differ from the sha256 beside it, else null (also when it has none). */
export function momentsProblem(path: string): string | null {
  const sidecar = `${path}${CHECKSUM_SUFFIX}`;
  if (!existsSync(sidecar)) return null;
  return readFileSync(sidecar, 'utf8').trim() === sha256Of(readFileSync(path)) ? null : `${path}: sha256 differs from ${basename(sidecar)}; the file is damaged`;
}

function readMoments(path: string): GaussianMoments {
  const raw = readFileSync(path);
  const values = new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const d = values[1]!;
  if (values.length !== 2 + d + d * d) throw new Error(`${path}: ${values.length} values; expected ${2 + d + d * d} for d = ${d}`);
  return { count: values[0]!, mean: values.slice(2, 2 + d), covariance: values.slice(2 + d) };
}

import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { dataCodec, publishCacheEntry, removeAbandonedScratch, Rng, scratchFor, StepLog, TrainingSet, verifyChecksums, writeChecksums, writeJsonAtomic, type DataCodec, type DataInfo, type RunContext, type SampleArray, type SampleStore } from '@ouroboros/core';
import { assignModuleWeights, loadModuleWeights, saveTensors, trainingOptions } from '@ouroboros/nn';
import { ClassifierNetwork } from './classifier-network.ts';
import { SmallCnn, type SmallCnnShape } from './small-cnn.ts';

/** How the classifier is trained (the options of the classifier extractors). */
export interface ClassifierTraining {
  readonly width: number;
  readonly featureDim: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly maxTrain: number;
}

/** Bump when the network or its training changes: old cache entries are then ignored. (2: trained by nn's fitLoop.) */
const FORMAT = 2;
const HELD_OUT_MAX = 1000;
const READ_BATCH = 4096;
/** The classifier's per-step scalars (loss, lr, grad_norm), kept in its cache entry. */
const STEP_LOG = 'steps.jsonl';

/** A classifier trained on a dataset's labels, with the accuracy it reached on training samples it never saw. */
export class TrainedClassifier {
  private readonly codec: DataCodec;

  constructor(
    readonly net: SmallCnn,
    data: DataInfo,
    readonly heldOutAccuracy: number,
  ) {
    this.codec = dataCodec(data);
  }

  /** Penultimate features or logits of stored samples, as a flat float32 array. */
  apply(samples: SampleArray, output: 'features' | 'logits'): Float32Array {
    const result = tf.tidy(() => {
      const x = this.codec.encode(samples) as tf.Tensor4D;
      return output === 'features' ? this.net.features(x) : this.net.logits(x);
    });
    const values = result.dataSync() as Float32Array;
    result.dispose();
    return values;
  }
}

export interface ClassifierSource {
  readonly train: SampleStore;
  readonly data: DataInfo;
  readonly cacheDir: string;
  readonly seed: number;
  readonly note: (line: string) => void;
}

const trained = new Map<string, Promise<TrainedClassifier>>();

/**
 * The classifier of a dataset and seed: loaded from `cacheDir/classifier-<hash>/` when a run beside
 * this one trained it (the hash covers the training split's bytes and labels, the seed and the
 * training options) and its files match their checksums.json, else trained on the training split's
 * labels and saved there (a damaged entry is replaced, with a note). Shared within
 * the process by every extractor that asks for the same one.
 */
export function trainedClassifier(source: ClassifierSource, training: ClassifierTraining, ctx: RunContext): Promise<TrainedClassifier> {
  const { train, data } = source;
  if (!train.labelled || !data.classes || data.classes.length < 2) {
    return Promise.reject(new Error(`classifier: the training split has no class labels; FD-cnn features need a labelled dataset (CIFAR-10, MNIST, shapes), else use inception-v3 or pixels`));
  }
  if (data.kind !== 'image' || data.sampleShape.length !== 3) {
    return Promise.reject(new Error(`classifier: needs images [height, width, channels], got ${data.kind} samples [${data.sampleShape.join(', ')}]`));
  }
  return (async () => {
    const dir = join(source.cacheDir, `classifier-${await cacheKey(source, training)}`);
    let classifier = trained.get(dir);
    if (!classifier) {
      trained.set(dir, (classifier = loadOrTrain(dir, source, training, ctx)));
      classifier.catch(() => trained.delete(dir));
    }
    return classifier;
  })();
}

/** Forgets the classifiers held in memory, so the next request reads the cache folder (for tests). */
export function forgetTrainedClassifiers(): void {
  trained.clear();
}

async function cacheKey({ train, seed }: ClassifierSource, training: ClassifierTraining): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ format: FORMAT, seed, training, dtype: train.dtype, shape: train.sampleShape, count: train.count }));
  for (let start = 0; start < train.count; start += READ_BATCH) {
    const end = Math.min(train.count, start + READ_BATCH);
    const values = await train.read(start, end);
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    const labels = await train.readLabels(start, end);
    hash.update(new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength));
  }
  return hash.digest('hex').slice(0, 20);
}

async function loadOrTrain(dir: string, source: ClassifierSource, training: ClassifierTraining, ctx: RunContext): Promise<TrainedClassifier> {
  const { data, seed } = source;
  const shape: SmallCnnShape = { channels: data.sampleShape[2]!, classes: data.classes!.length, width: training.width, featureDim: training.featureDim };
  const net = new SmallCnn(shape, Rng.from(seed, 'classifier', 'init'));
  const infoPath = join(dir, 'classifier.json');
  const damage = existsSync(infoPath) ? verifyChecksums(dir) : null;
  if (damage?.length) source.note(`${damage[0]}: the cached classifier cannot be trusted; training it again`);
  if (damage?.length === 0) {
    loadModuleWeights(net, join(dir, 'weights.safetensors'));
    const info = JSON.parse(readFileSync(infoPath, 'utf8')) as { heldOutAccuracy: number };
    ctx.progress(1, `classifier loaded from ${dir} (held-out accuracy ${info.heldOutAccuracy.toFixed(3)})`);
    return new TrainedClassifier(net, data, info.heldOutAccuracy);
  }
  const checkpointDir = join(ctx.checkpointDir, basename(dir));
  const heldOutAccuracy = await train(net, shape, checkpointDir, source, training, ctx);
  removeAbandonedScratch(source.cacheDir);
  const partial = scratchFor(dir);
  try {
    mkdirSync(partial, { recursive: true });
    await saveTensors(join(partial, 'weights.safetensors'), Object.fromEntries(net.namedParameters()));
    copyFileSync(join(checkpointDir, STEP_LOG), join(partial, STEP_LOG));
    writeJsonAtomic(join(partial, 'classifier.json'), { format: FORMAT, seed, training, shape, classes: data.classes, trainCount: source.train.count, heldOutAccuracy });
    writeChecksums(partial);
    publishCacheEntry(partial, dir, (entry) => verifyChecksums(entry).length === 0);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  rmSync(checkpointDir, { recursive: true, force: true });
  return new TrainedClassifier(net, data, heldOutAccuracy);
}

/**
 * Adam on the softmax cross-entropy of the labels through nn's training loop (stop signal,
 * checkpoints in `checkpointDir` that a stopped run continues from, step log, progress), over at
 * most `maxTrain` samples of the training split; another min(1000, n / 10) samples are held out.
 * Leaves the trained weights in `net` and the logged steps in `checkpointDir`/steps.jsonl; returns
 * the held-out accuracy.
 */
async function train(net: SmallCnn, shape: SmallCnnShape, checkpointDir: string, { train, data, seed }: ClassifierSource, training: ClassifierTraining, ctx: RunContext): Promise<number> {
  const rng = Rng.from(seed, 'classifier');
  const order = rng.fork('split').permutation(train.count);
  const heldCount = Math.min(HELD_OUT_MAX, Math.floor(train.count / 10));
  const held = order.slice(0, heldCount);
  const rest = order.slice(heldCount, heldCount + training.maxTrain);
  const classes = data.classes!.length;
  checkLabels(await train.gatherLabels(rest), classes);
  mkdirSync(checkpointDir, { recursive: true });
  const steps = new StepLog(join(checkpointDir, STEP_LOG));
  const network = new ClassifierNetwork(new SmallCnn(shape, Rng.from(seed, 'classifier', 'init')), shape, data, trainingOptions.parse({ lr: training.learningRate, batchSize: training.batchSize }));
  try {
    await network.fit(new TrainingSet([{ name: 'train', store: train, indices: rest }]), { epochs: training.epochs, checkpointEvery: { minutes: 5 } }, {
      generation: ctx.generation,
      rng,
      backend: ctx.backend,
      signal: ctx.signal,
      checkpointDir,
      progress: (fraction, detail) => ctx.progress(fraction, `classifier: training ${detail}`),
      log: (scalars, step) => steps.append(step, scalars),
    });
    ctx.signal.throwIfAborted();
    assignModuleWeights(net, Object.fromEntries(network.cnn.namedParameters()));
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    throw new Error(`classifier: ${(error as Error).message.replace(/; lower lr or set gradClip$/, '; lower learningRate')}`, { cause: error });
  } finally {
    network.dispose();
  }
  const classifier = new TrainedClassifier(net, data, NaN);
  let correct = 0;
  for (let start = 0; start < heldCount; start += training.batchSize) {
    const positions = held.subarray(start, Math.min(heldCount, start + training.batchSize));
    const logits = classifier.apply(await train.gather(positions), 'logits');
    const labels = await train.gatherLabels(positions);
    for (let i = 0; i < positions.length; i++) if (argmax(logits, i * classes, classes) === labels[i]) correct++;
  }
  return heldCount > 0 ? correct / heldCount : NaN;
}

function checkLabels(labels: Int32Array, classes: number): void {
  for (const label of labels) {
    if (!(label >= 0 && label < classes)) throw new Error(`classifier: label ${label} in the training split; expected 0..${classes - 1} (the dataset has ${classes} classes)`);
  }
}

/** The index of the largest of values[offset .. offset + n). */
export function argmax(values: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (values[offset + j]! > values[offset + best]!) best = j;
  return best;
}

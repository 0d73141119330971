import * as tf from '@tensorflow/tfjs';
import { gaussianMoments, MomentAccumulator, PluginRegistry, Rng, type BackendName, type DataInfo, type FeatureExtractor, type RunContext } from '@ouroboros/core';
import { frechetDistance } from '@ouroboros/metrics';
import { selectBackend } from '@ouroboros/nn';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { buildContainer } from '../composition-root.ts';
import { backend, bool, flags, positiveInt, text } from '../options/flags.ts';
import { withFlags } from '../options/parse-flags.ts';
import { decodeRgb, IMAGE_EXTENSIONS, listImageFiles } from '@ouroboros/datasets';

export interface FidArgs {
  readonly a: string;
  readonly b: string;
  /** A feature extractor id: inception-v3 (the default, needs weights), pixels, or any registered one. */
  readonly extractor: string;
  readonly weights?: string;
  readonly batchSize?: number;
  readonly backend: BackendName;
  /** Threads of the native libraries (default: every core). */
  readonly threads?: number;
  readonly json: boolean;
}

/** `ouro fid A B [--extractor ID] [--weights FILE] [--batch-size N] [--backend NAME] [--threads N] [--json]`. */
const fidFlags = flags({ extractor: text, weights: text, 'batch-size': positiveInt, backend, threads: positiveInt, json: bool });

export const fid = withFlags(fidFlags, async ([a, b], given, { stdout, stderr }) =>
  fidCommand(
    {
      a: a!,
      b: b!,
      extractor: given.extractor ?? 'inception-v3',
      weights: given.weights,
      batchSize: given['batch-size'],
      backend: given.backend ?? 'auto',
      threads: given.threads,
      json: given.json,
    },
    stdout,
    stderr,
  ),
);

/**
 * `ouro fid A B`: the Frechet distance between the images of two folders or zips on the features of
 * one extractor (pytorch-fid's Inception-V3 by default, which makes it the FID of pytorch-fid's and
 * clean-fid's command lines), each set's moments streamed in float64.
 */
export async function fidCommand(args: FidArgs, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Promise<number> {
  const options = extractorOptions(args);
  await selectBackend(args.backend, { threads: args.threads });
  const registry = (await buildContainer()).resolve(PluginRegistry);
  if (!registry.has('features', args.extractor)) {
    throw new Error(`fid: --extractor ${args.extractor}: no such feature extractor; expected one of ${registry.ids('features').join(', ')}`);
  }
  const bound = registry.bind('features', { id: args.extractor, ...options }, '--extractor');
  const extractors = new Map<string, FeatureExtractor>();
  const extractorFor = (width: number, height: number): FeatureExtractor => {
    const key = `${height}x${width}`;
    let extractor = extractors.get(key);
    if (!extractor) {
      const data: DataInfo = { kind: 'image', dtype: 'uint8', sampleShape: [height, width, 3], trainCount: 0, testCount: 0 };
      extractors.set(key, (extractor = bound.create({ data })));
    }
    return extractor;
  };
  try {
    const a = await setMoments(args.a, 'A', extractorFor, stderr);
    const b = await setMoments(args.b, 'B', extractorFor, stderr);
    if (a.mean.length !== b.mean.length) throw new Error(`fid: ${args.extractor} features of ${a.mean.length} and ${b.mean.length} values (images of different sizes); expected one feature size`);
    const fd = frechetDistance(a.mean, a.covariance, b.mean, b.covariance, a.mean.length);
    if (args.json) stdout.write(`${JSON.stringify({ fd, extractor: args.extractor, n_a: a.count, n_b: b.count })}\n`);
    // a distance, so a negative value is rounding of identical moments (--json keeps it as computed)
    else stdout.write(`${args.extractor === 'inception-v3' ? 'FID' : `FD (${args.extractor} features)`}: ${Math.max(0, fd)}\n`);
    return 0;
  } finally {
    for (const extractor of extractors.values()) extractor.dispose?.();
  }
}

/** What an extractor gets outside a run: no generation, no progress, no checkpoints. */
function toolContext(): RunContext {
  return { generation: 0, rng: Rng.from(0, 'fid'), backend: tf.getBackend(), progress: () => {}, signal: new AbortController().signal, log: () => {}, checkpointDir: tmpdir() };
}

function extractorOptions(args: FidArgs): Record<string, unknown> {
  if (args.extractor === 'inception-v3') {
    if (!args.weights) {
      throw new Error("fid: --extractor inception-v3 needs --weights FILE (pytorch-fid's pt_inception-2015-12-05-6726825d.pth, see the README), or use --extractor pixels");
    }
    return { weights: resolve(args.weights), ...(args.batchSize ? { batchSize: args.batchSize } : {}) };
  }
  if (args.weights) throw new Error(`fid: --weights is for --extractor inception-v3, not ${args.extractor}`);
  return {};
}

/** Mean and covariance of the features of every image under `path`, one image size group at a time. */
async function setMoments(path: string, label: string, extractorFor: (width: number, height: number) => FeatureExtractor, stderr: NodeJS.WritableStream) {
  if (!existsSync(path)) throw new Error(`${path}: no such folder or zip file`);
  const listing = listImageFiles(path);
  const reader = listing.open();
  const files = listing.names;
  try {
    if (files.length < 2) throw new Error(`${path}: ${files.length} images (${IMAGE_EXTENSIONS.join(', ')}); expected at least 2 for a covariance`);
    let moments: MomentAccumulator | null = null;
    // Images wait here, by size, until a batch of their extractor is full.
    const pending = new Map<string, { width: number; height: number; images: Uint8Array[] }>();
    const flush = async (group: { width: number; height: number; images: Uint8Array[] }) => {
      const extractor = extractorFor(group.width, group.height);
      const count = group.images.length;
      const samples = new Uint8Array(count * group.width * group.height * 3);
      group.images.forEach((image, i) => samples.set(image, i * image.length));
      const features = await extractor.extract(samples, count, toolContext());
      moments ??= new MomentAccumulator(extractor.dim);
      if (moments.dim !== extractor.dim) throw new Error(`${path}: images of several sizes give features of ${moments.dim} and ${extractor.dim} values; this extractor needs one image size`);
      moments.add(features);
      group.images = [];
    };
    let done = 0;
    for (const file of files) {
      let image;
      try {
        image = await decodeRgb(reader.read(file));
      } catch (error) {
        throw new Error(`${listing.where(file)}: cannot decode the image (${(error as Error).message}); expected ${IMAGE_EXTENSIONS.join(', ')}`);
      }
      const key = `${image.height}x${image.width}`;
      let group = pending.get(key);
      if (!group) pending.set(key, (group = { width: image.width, height: image.height, images: [] }));
      group.images.push(image.pixels);
      if (group.images.length >= extractorFor(image.width, image.height).batchSize) await flush(group);
      done++;
      if (done % 100 === 0 || done === files.length) stderr.write(`${label}: ${done}/${files.length} images\r`);
    }
    for (const group of pending.values()) if (group.images.length > 0) await flush(group);
    stderr.write('\n');
    return gaussianMoments(moments!, 1);
  } finally {
    reader.close();
  }
}

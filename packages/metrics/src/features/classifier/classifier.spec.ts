import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, SampleStore, verifyChecksums, type DataInfo, type FeatureExtractor, type SampleChunk } from '@ouroboros/core';
import { tempDir, testContext, tinyImagesDatasetPlugin } from '@ouroboros/core/testing';
import { selectBackend } from '@ouroboros/nn';
import { classifierFeaturesPlugin, classifierLogitsPlugin, classifierOptions } from './classifier-plugin.ts';
import { argmax, forgetTrainedClassifiers } from './trained-classifier.ts';

const temp = tempDir('classifier-');
afterAll(() => temp.cleanup());

const dataset = tinyImagesDatasetPlugin.create({ size: 8, train: 600, test: 90 }, { cacheDir: temp.dir, note: () => {} });
const data: DataInfo = dataset.info;
const options = classifierOptions.parse({ width: 8, featureDim: 16, epochs: 4, batchSize: 32, learningRate: 3e-3 });

async function split(name: 'train' | 'test', labelled = true): Promise<SampleStore> {
  const chunks: SampleChunk[] = [];
  for await (const chunk of dataset.split(name, Rng.from(5, 'data'))) chunks.push(chunk);
  const values = Uint8Array.from(chunks.flatMap((c) => [...c.values]));
  const labels = Int32Array.from(chunks.flatMap((c) => [...c.labels!]));
  return SampleStore.write(join(temp.dir, `${name}-${labelled}`), data, values, labelled ? labels : undefined);
}

describe('classifier features', () => {
  let train: SampleStore;
  let test: SampleStore;
  const progress: string[] = [];
  const ctx = testContext(0, 0, { progress: (_, detail) => progress.push(detail) });
  const cacheDir = join(temp.dir, 'cache');
  const notes: string[] = [];
  const note = (line: string) => notes.push(line);

  beforeAll(async () => {
    await selectBackend('wasm');
    train = await split('train');
    test = await split('test');
  });

  async function prepared(plugin: typeof classifierFeaturesPlugin, seed = 0): Promise<FeatureExtractor> {
    const extractor = plugin.create(options, { data });
    await extractor.prepare!({ train, cacheDir, seed, note }, ctx);
    return extractor;
  }

  it('trains on the labels in prepare: its logits classify held-out images, its features are the penultimate layer', async () => {
    const logits = await prepared(classifierLogitsPlugin);
    expect(logits.dim).toBe(3);
    const values = await logits.extract(await test.readAll(), test.count, ctx);
    const labels = await test.readLabels(0, test.count);
    let correct = 0;
    for (let i = 0; i < test.count; i++) if (argmax(values, i * 3, 3) === labels[i]) correct++;
    expect(correct / test.count).toBeGreaterThan(0.9);
    const features = await prepared(classifierFeaturesPlugin);
    expect(features.dim).toBe(16);
    const f = await features.extract(await test.read(0, 4), 4, ctx);
    expect(f.length).toBe(4 * 16);
    expect(Math.min(...f)).toBeGreaterThanOrEqual(0);
  });

  it('is cached beside the runs by dataset content and seed: a new process loads it instead of training', async () => {
    const folders = () => readdirSync(cacheDir).filter((name) => name.startsWith('classifier-'));
    expect(folders()).toHaveLength(1);
    const info = JSON.parse(readFileSync(join(cacheDir, folders()[0]!, 'classifier.json'), 'utf8')) as { heldOutAccuracy: number };
    expect(info.heldOutAccuracy).toBeGreaterThan(0.9);
    const before = await (await prepared(classifierFeaturesPlugin)).extract(await test.read(0, 8), 8, ctx);
    forgetTrainedClassifiers();
    progress.length = 0;
    const after = await (await prepared(classifierFeaturesPlugin)).extract(await test.read(0, 8), 8, ctx);
    expect(progress.some((line) => line.startsWith('classifier loaded from'))).toBe(true);
    expect(progress.some((line) => line.includes('training step'))).toBe(false);
    expect(Array.from(after)).toEqual(Array.from(before));
    await prepared(classifierFeaturesPlugin, 1);
    expect(folders()).toHaveLength(2);
  });

  it('checks the cached classifier on every load: a flipped byte is trained again with a note, never used', async () => {
    const before = await (await prepared(classifierFeaturesPlugin)).extract(await test.read(0, 8), 8, ctx);
    const entry = readdirSync(cacheDir).find((name) => name.startsWith('classifier-') && readFileSync(join(cacheDir, name, 'classifier.json'), 'utf8').includes('"seed": 0'))!;
    const weights = join(cacheDir, entry, 'weights.safetensors');
    const bytes = readFileSync(weights);
    bytes[bytes.length - 2]! ^= 0x40;
    writeFileSync(weights, bytes);
    forgetTrainedClassifiers();
    progress.length = 0;
    notes.length = 0;
    const after = await (await prepared(classifierFeaturesPlugin)).extract(await test.read(0, 8), 8, ctx);
    expect(notes).toEqual([`${weights}: sha256 differs from checksums.json; the file is damaged: the cached classifier cannot be trusted; training it again`]);
    expect(progress.some((line) => line.includes('training step'))).toBe(true);
    expect(Array.from(after)).toEqual(Array.from(before));
    expect(verifyChecksums(join(cacheDir, entry))).toEqual([]);
  });

  it('trains through the nn training loop: a stop leaves no cache entry but a checkpoint the next prepare continues from, and the entry keeps the step log', async () => {
    const stopper = new AbortController();
    const checkpointDir = join(temp.dir, 'checkpoints');
    const stopping = testContext(0, 0, { checkpointDir, signal: stopper.signal, progress: (_, detail) => detail.includes('step 20/') && stopper.abort() });
    await expect(classifierFeaturesPlugin.create(options, { data }).prepare!({ train, cacheDir, seed: 7, note }, stopping)).rejects.toThrow();
    const entries = () => readdirSync(cacheDir).filter((name) => name.startsWith('classifier-') && readFileSync(join(cacheDir, name, 'classifier.json'), 'utf8').includes('"seed": 7'));
    expect(entries()).toEqual([]);
    const lines: string[] = [];
    const resumed = testContext(0, 0, { checkpointDir, progress: (_, detail) => lines.push(detail) });
    await classifierFeaturesPlugin.create(options, { data }).prepare!({ train, cacheDir, seed: 7, note }, resumed);
    expect(lines.some((line) => line.startsWith('classifier: training continuing from the checkpoint at step 20/'))).toBe(true);
    expect(lines.some((line) => line.startsWith('classifier: training step 1/'))).toBe(false);
    const rows = readFileSync(join(cacheDir, entries()[0]!, 'steps.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, number>);
    expect(rows[0]).toMatchObject({ step: 0 });
    expect(rows.every((row) => Number.isFinite(row.loss) && row.lr === options.learningRate && row.grad_norm! > 0)).toBe(true);
    expect(rows.at(-1)!.loss).toBeLessThan(rows[0]!.loss!);
  });

  it('refuses unlabelled data with a clear error', async () => {
    const unlabelled = await split('train', false);
    const extractor = classifierFeaturesPlugin.create(options, { data });
    await expect(extractor.prepare!({ train: unlabelled, cacheDir, seed: 0, note }, ctx)).rejects.toThrow(
      'classifier: the training split has no class labels; FD-cnn features need a labelled dataset (CIFAR-10, MNIST, shapes), else use inception-v3 or pixels',
    );
    expect(() => classifierFeaturesPlugin.create(options, { data: { ...data, classes: undefined } })).toThrow("classifier: the dataset has no class labels");
  });
});

import { DatasetPlugin, PluginRegistry, Rng, type PluginPackage } from '@ouroboros/core';
import { describe, expect, it } from 'vitest';
import { datasetPlugins, datasetsPackage, vectorDatasetPlugins } from './register.ts';
import { collect, createDataset } from './testing/collect-samples.ts';

type Container = Parameters<PluginPackage['register']>[0];

/** The slice of a tsyringe container that `register` and `PluginRegistry.fromContainer` use. */
function recordingContainer(): Container {
  const registered = new Map<unknown, unknown[]>();
  const fake = {
    register(token: unknown, provider: { useValue: unknown }) {
      registered.set(token, [...(registered.get(token) ?? []), provider.useValue]);
      return fake;
    },
    isRegistered: (token: unknown) => registered.has(token),
    resolveAll: (token: unknown) => registered.get(token) ?? [],
  };
  return fake as unknown as Container;
}

const ids = ['checkerboard', 'cifar10', 'circles', 'eight-gaussians', 'fashion-mnist', 'ffhq', 'gaussian', 'image-folder', 'mnist', 'shapes', 'swiss-roll', 'two-moons'];

describe('datasetsPackage', () => {
  it('registers every dataset under the DatasetPlugin token', () => {
    const container = recordingContainer();
    datasetsPackage.register(container);
    expect(container.resolveAll(DatasetPlugin)).toHaveLength(ids.length);
    expect(PluginRegistry.fromContainer(container).ids('dataset')).toEqual(ids);
  });

  it('makes the registry list the known ids when asked for an unknown one', () => {
    const registry = new PluginRegistry({ dataset: datasetPlugins });
    expect(() => registry.bind('dataset', { id: 'nope' })).toThrow(
      `dataset.id = "nope": unknown dataset; known dataset ids: ${ids.join(', ')}`,
    );
  });

  it('rejects a negative noise in one line naming the option', () => {
    const registry = new PluginRegistry({ dataset: datasetPlugins });
    for (const id of ['two-moons', 'circles', 'eight-gaussians', 'swiss-roll', 'checkerboard']) {
      expect(() => registry.bind('dataset', { id, noise: -0.1 }, 'data')).toThrow(/^data\.noise = -0\.1: expected number to be >=0$/);
    }
  });

  it('gives every dataset a one-line description, and requires a path of those read from disk', () => {
    for (const plugin of datasetPlugins) expect(plugin.description, plugin.id).not.toContain('\n');
    const registry = new PluginRegistry({ dataset: datasetPlugins });
    for (const id of ['cifar10', 'mnist', 'fashion-mnist', 'ffhq', 'image-folder']) {
      expect(() => registry.bind('dataset', { id }, 'dataset')).toThrow(/^dataset\.path is missing: expected string/);
    }
  });
});

describe.each(vectorDatasetPlugins.map((plugin) => [plugin.id, plugin] as const))('%s dataset', (_id, plugin) => {
  const dataset = createDataset(plugin, { train: 300, test: 200 });
  const dim = dataset.info.sampleShape[0]!;

  it('parses empty options to defaults and has a one-line description', () => {
    expect(plugin.options.safeParse({}).success).toBe(true);
    expect(plugin.description).not.toContain('\n');
  });

  it('declares float32 vectors and the requested counts', () => {
    expect(dataset.info).toEqual({ kind: 'vector', dtype: 'float32', sampleShape: [dim], trainCount: 300, testCount: 200 });
  });

  it('gives exactly the declared number of finite samples per split, in chunks of whole samples', async () => {
    for (const [split, count] of [['train', 300], ['test', 200]] as const) {
      let values = 0;
      for await (const { values: chunk } of dataset.split(split, Rng.from(0))) {
        expect(chunk).toBeInstanceOf(Float32Array);
        expect(chunk.length % dim).toBe(0);
        expect((chunk as Float32Array).every(Number.isFinite)).toBe(true);
        values += chunk.length;
      }
      expect(values).toBe(count * dim);
    }
  });

  it('gives identical samples for the same seed and different ones for another seed', async () => {
    const first = await collect(dataset.split('train', Rng.from(5, 'data')));
    expect(await collect(dataset.split('train', Rng.from(5, 'data')))).toEqual(first);
    expect(await collect(dataset.split('train', Rng.from(6, 'data')))).not.toEqual(first);
  });

  it('draws train, test and fresh samples independently from one rng', async () => {
    const rng = Rng.from(7);
    const train = await collect(dataset.split('train', rng));
    const test = await collect(dataset.split('test', rng));
    const fresh = await collect(dataset.fresh!(200, rng));
    expect(fresh.length).toBe(200 * dim);
    expect(test).not.toEqual(train.subarray(0, test.length));
    expect(fresh).not.toEqual(train.subarray(0, fresh.length));
    expect(fresh).not.toEqual(test);
  });
});

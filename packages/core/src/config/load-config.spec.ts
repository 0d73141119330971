import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { container } from 'tsyringe';
import { z } from 'zod';
import { budgetFor } from '../engine/retraining-engine.ts';
import { registerPlugins } from '../registry/plugin-tokens.ts';
import { pathOption } from './path-option.ts';
import { ModelPlugin } from '../contracts/model.ts';
import { DatasetPlugin } from '../contracts/dataset.ts';
import { PluginRegistry } from '../registry/plugin-registry.ts';
import { corePackage } from '../register.ts';
import { diagonalGaussianModelPlugin, normalDatasetPlugin, tempDir } from '../testing/index.ts';
import { cellId, shortHash } from './cell-id.ts';
import { ConfigError } from './config-error.ts';
import { configPackages, loadConfig, pluginVersions, resolveConfig } from './load-config.ts';

const scope = container.createChildContainer();
corePackage.register(scope);
scope.register(ModelPlugin, { useValue: diagonalGaussianModelPlugin });
scope.register(DatasetPlugin, { useValue: normalDatasetPlugin });
const registry = PluginRegistry.fromContainer(scope);

const base = () => ({
  name: 'unit',
  seed: 0,
  generations: 3,
  dataset: { id: 'test-normal', dim: 2 },
  model: { id: 'test-diagonal-gaussian' },
  schedule: { id: 'constant-lambda', lambda: 0.5 },
  trackers: [{ id: 'local' }],
  metrics: [],
});

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfig', () => {
  it('fills defaults and parses every plugin entry', () => {
    const { config } = resolveConfig(base(), registry);
    expect(config.train).toEqual({ warmStart: true, checkpointEvery: { minutes: 10 } });
    expect(config.dataset).toEqual({ id: 'test-normal', dim: 2, train: 200, test: 200, scale: 1, fresh: true });
    expect(config.backend).toBe('auto');
  });

  it('names an unknown plugin id and lists the known ones', () => {
    const raw = { ...base(), schedule: { id: 'constant-lamda', lambda: 0.5 } };
    expect(errorOf(() => resolveConfig(raw, registry))).toBe(
      'schedule.id = "constant-lamda": unknown schedule; known schedule ids: accumulate, accumulate-subsample, constant-lambda, fresh-real, fully-synthetic',
    );
  });

  it('names a negative lambda and what was expected', () => {
    const raw = { ...base(), schedule: { id: 'constant-lambda', lambda: -1 } };
    expect(errorOf(() => resolveConfig(raw, registry))).toBe('schedule.lambda = -1: expected number to be >=0');
  });

  it('names a missing field', () => {
    const { model: _model, ...raw } = base();
    expect(errorOf(() => resolveConfig(raw, registry))).toBe('model is missing: expected object, received undefined');
    const noLambda = { ...base(), schedule: { id: 'constant-lambda' } };
    expect(errorOf(() => resolveConfig(noLambda, registry))).toBe('schedule.lambda is missing: expected number, received undefined');
  });

  it('names unknown fields, wrong types and bad list entries by their path', () => {
    expect(errorOf(() => resolveConfig({ ...base(), generatons: 3 }, registry))).toMatch(/^generatons: unknown field/);
    expect(errorOf(() => resolveConfig({ ...base(), generations: 'ten' }, registry))).toBe('generations = "ten": expected number, received string');
    expect(errorOf(() => resolveConfig({ ...base(), backend: 'tpu' }, registry))).toBe('backend = "tpu": expected one of "auto"|"node-gpu"|"node"|"native"|"wasm"|"cpu"');
    for (const name of ['..', '../x', '.hidden', 'a/b']) expect(errorOf(() => resolveConfig({ ...base(), name }, registry))).toMatch(/^name = .*: expected a name of letters, digits/);
    expect(errorOf(() => resolveConfig({ ...base(), trackers: [{ id: 'local' }, { id: 'wandb' }] }, registry))).toMatch(
      /^trackers\.1\.id = "wandb": unknown tracker; known tracker ids: console, local$/,
    );
  });

  it('applies --set overrides, parsing values as YAML', () => {
    const { config } = resolveConfig(base(), registry, { overrides: ['schedule.id=fully-synthetic', 'schedule.lambda=null', 'trackers=[{id: local}, {id: console}]', 'train.warmStart=false'] });
    expect(config.schedule).toEqual({ id: 'fully-synthetic' });
    expect(config.trackers.map((t) => t.id)).toEqual(['local', 'console']);
    expect(config.train.warmStart).toBe(false);
    expect(errorOf(() => resolveConfig(base(), registry, { overrides: ['seed'] }))).toMatch(/^--set "seed": expected path=value/);
  });
});

describe('loadConfig', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  it('reads YAML, prefixes errors with the file, and writes nothing', () => {
    const path = join(t.dir, 'bad.yaml');
    writeFileSync(path, 'generations: 2\ndataset: {id: test-normal}\nmodel: {id: test-diagonal-gaussian}\nschedule: {id: constant-lambda, lambda: -0.5}\n');
    expect(errorOf(() => loadConfig(path, registry))).toBe(`${path}: schedule.lambda = -0.5: expected number to be >=0`);
    expect(readdirSync(t.dir)).toEqual(['bad.yaml']);
    const broken = join(t.dir, 'broken.yaml');
    writeFileSync(broken, 'generations: [1\n');
    expect(errorOf(() => loadConfig(broken, registry))).toMatch(new RegExp(`^${broken}: not valid YAML: `));
    expect(errorOf(() => loadConfig(join(t.dir, 'none.yaml'), registry))).toMatch(/none\.yaml: config file not found/);
  });
});

describe('paths in a config', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());
  const withPath = {
    id: 'test-file',
    description: 'a dataset read from a file (tests only)',
    options: z.strictObject({ path: pathOption(), labels: pathOption().optional(), note: z.string().default('') }),
    create: () => {
      throw new Error('not used');
    },
  };
  const fileScope = container.createChildContainer();
  corePackage.register(fileScope);
  registerPlugins(fileScope, 'model', diagonalGaussianModelPlugin);
  registerPlugins(fileScope, 'dataset', withPath as never);
  const fileRegistry = PluginRegistry.fromContainer(fileScope);

  it('takes relative paths from the config file folder and stores them absolute, in the user config too', () => {
    const folder = join(t.dir, 'experiments', 'cifar');
    mkdirSync(folder, { recursive: true });
    const path = join(folder, 'run.yaml');
    writeFileSync(
      path,
      'generations: 1\ndataset: {id: test-file, path: ../../data/cifar.tar.gz, labels: /abs/labels.json, note: ./not-a-path}\nmodel: {id: test-diagonal-gaussian, init: ./pretrained}\nschedule: {id: fully-synthetic}\nmetrics: []\nplugins: [./my-plugin.mjs, some-package]\n',
    );
    const resolved = loadConfig(path, fileRegistry);
    expect(resolved.config.dataset).toEqual({ id: 'test-file', path: join(t.dir, 'data', 'cifar.tar.gz'), labels: '/abs/labels.json', note: './not-a-path' });
    expect(resolved.config.model).toEqual({ id: 'test-diagonal-gaussian', init: join(folder, 'pretrained') });
    expect(resolved.config.packages).toEqual([join(folder, 'my-plugin.mjs'), 'some-package']);
    expect(resolved.user.dataset).toEqual({ id: 'test-file', path: join(t.dir, 'data', 'cifar.tar.gz'), labels: '/abs/labels.json', note: './not-a-path' });
    expect(resolveConfig({ generations: 0, dataset: { id: 'test-file', path: '~/data' }, model: { id: 'test-diagonal-gaussian' }, schedule: { id: 'fully-synthetic' }, metrics: [] }, fileRegistry).config.dataset).toMatchObject({
      path: join(homedir(), 'data'),
    });
  });
});

describe('plugin versions', () => {
  it('records every plugin a run uses, and no curator while the config leaves it at none, so older run folders still resume', () => {
    expect(pluginVersions(resolveConfig(base(), registry))).toEqual({ 'dataset:test-normal': 1, 'model:test-diagonal-gaussian': 1, 'schedule:constant-lambda': 1, 'tracker:local': 1 });
    expect(pluginVersions(resolveConfig({ ...base(), curator: { id: 'likelihood-filter' } }, registry))).toHaveProperty('curator:likelihood-filter');
  });
});

describe('plugin packages in a config', () => {
  it('takes module paths (./, ../, ~/, /, . and .. and ~ alone) from the config folder or home, and package names as they are', () => {
    const listed = ['./x.mjs', '../y.ts', '~/plugins/z.mjs', '/abs/w.mjs', '..', '~', 'some-package', '@scope/pkg', '.hidden-name'];
    const expected = [join('/cfg', 'x.mjs'), '/y.ts', join(homedir(), 'plugins', 'z.mjs'), '/abs/w.mjs', '/', homedir(), 'some-package', '@scope/pkg', '.hidden-name'];
    expect(configPackages({ packages: listed }, '/cfg')).toEqual(expected);
    expect(configPackages({ plugins: listed }, '/cfg')).toEqual(expected);
    expect(resolveConfig({ ...base(), plugins: listed }, registry, { baseDir: '/cfg' }).config.packages).toEqual(expected);
  });
});

describe('plugin binding', () => {
  it('parses options once and hands the typed result to create', () => {
    const seen: unknown[] = [];
    const spy = { ...normalDatasetPlugin, id: 'spy', create: (options: unknown, env: never) => (seen.push(options), normalDatasetPlugin.create(options as never, env)) };
    const s = container.createChildContainer();
    corePackage.register(s);
    registerPlugins(s, 'model', diagonalGaussianModelPlugin);
    registerPlugins(s, 'dataset', spy);
    const resolved = resolveConfig({ ...base(), dataset: { id: 'spy', dim: 4 } }, PluginRegistry.fromContainer(s));
    resolved.dataset.create({ cacheDir: '/tmp', note: () => {} });
    expect(seen).toEqual([{ dim: 4, train: 200, test: 200, scale: 1, fresh: true }]);
    expect(seen[0]).toBe(resolved.dataset.options);
  });

  it('keeps the engine keys of metric and model entries apart from the plugin options', () => {
    const resolved = resolveConfig({ ...base(), metrics: [{ id: 'fd', every: 5, reference: 'train', extractor: 'pixels' }] }, registryWithMetrics());
    expect(resolved.metrics[0]!.entry).toMatchObject({ every: 5, reference: 'train', extractor: 'pixels' });
    expect(resolved.metrics[0]!.bound.options).toEqual({});
    expect(resolved.config.metrics).toEqual([{ id: 'fd', every: 5, reference: 'train', extractor: 'pixels' }]);
    expect(errorOf(() => resolveConfig({ ...base(), metrics: [{ id: 'fd', extractor: 'inceptoin' }] }, registryWithMetrics()))).toMatch(
      /^metrics\.0\.extractor = "inceptoin": unknown feature extractor; known ids: identity, pixels$/,
    );
    expect(errorOf(() => resolveConfig({ ...base(), metrics: [{ id: 'fd', every: 0 }] }, registryWithMetrics()))).toBe('metrics.0.every = 0: expected number to be >=1');
  });

  it('takes the earlier key names (plugins, features) with a note, and keeps the run id they gave', () => {
    const notes: string[] = [];
    const earlier = { ...base(), plugins: [], features: [{ id: 'pixels' }], metrics: [{ id: 'fd', features: 'pixels' }] };
    const current = { ...base(), packages: [], extractors: [{ id: 'pixels' }], metrics: [{ id: 'fd', extractor: 'pixels' }] };
    const old = resolveConfig(earlier, registryWithMetrics(), { note: (line) => notes.push(line) });
    const now = resolveConfig(current, registryWithMetrics());
    expect(old.config).toEqual(now.config);
    expect(old.user).toEqual(now.user);
    expect(notes).toEqual([
      'plugins is now called packages; the old name still works',
      'features is now called extractors; the old name still works',
      'metrics.0.features is now called metrics.0.extractor; the old name still works',
    ]);
    // The id is the hash of the config as it was before the renames and before the curator slot, which it leaves at none.
    const { packages, extractors, metrics, curator, ...rest } = now.config;
    expect(curator).toEqual({ id: 'none' });
    const underFirstNames = { ...rest, plugins: packages, features: extractors, metrics: metrics.map(({ extractor, ...m }) => ({ ...m, features: extractor })) };
    expect(cellId(now.config)).toBe(shortHash(underFirstNames));
    expect(errorOf(() => resolveConfig({ ...current, plugins: [] }, registryWithMetrics()))).toBe('plugins and packages: both given; expected only packages (plugins is its earlier name)');
    expect(errorOf(() => resolveConfig({ ...base(), metrics: [{ id: 'fd', features: 'pixels', extractor: 'pixels' }] }, registryWithMetrics()))).toBe(
      'metrics.0.features and metrics.0.extractor: both given; expected only metrics.0.extractor (features is its earlier name)',
    );
  });

  it('gives generation 0 the initial budget and later generations the retrain budget, over the shared fields', () => {
    const { config } = resolveConfig({ ...base(), train: { steps: 100, batchSize: 32, initial: { epochs: 50 }, retrain: { steps: 10, batchSize: 8 }, checkpointEvery: { steps: 5 } } }, registry);
    expect(budgetFor(0, config.train)).toEqual({ epochs: 50, batchSize: 32, checkpointEvery: { steps: 5 } });
    expect(budgetFor(1, config.train)).toEqual({ steps: 10, batchSize: 8, checkpointEvery: { steps: 5 } });
    const plain = resolveConfig({ ...base(), train: { steps: 100 } }, registry).config;
    expect(budgetFor(3, plain.train)).toEqual({ steps: 100, checkpointEvery: { minutes: 10 } });
  });
});

function registryWithMetrics(): PluginRegistry {
  const s = container.createChildContainer();
  corePackage.register(s);
  registerPlugins(s, 'model', diagonalGaussianModelPlugin);
  registerPlugins(s, 'dataset', normalDatasetPlugin);
  registerPlugins(s, 'metric', { id: 'fd', description: 'test', options: z.strictObject({}), create: () => ({ compute: async () => ({}) }) });
  return PluginRegistry.fromContainer(s);
}

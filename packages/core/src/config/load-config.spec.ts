import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { container } from 'tsyringe';
import { ModelPlugin } from '../contracts/model.ts';
import { DatasetPlugin } from '../contracts/dataset.ts';
import { PluginRegistry } from '../registry/plugin-registry.ts';
import { corePlugins } from '../register.ts';
import { diagonalGaussianModelPlugin, normalDatasetPlugin, tempDir } from '../testing/index.ts';
import { ConfigError } from './config-error.ts';
import { loadConfig, resolveConfig } from './load-config.ts';

const scope = container.createChildContainer();
corePlugins.register(scope);
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
    const config = resolveConfig(base(), registry);
    expect(config.train).toEqual({ warmStart: true });
    expect(config.dataset).toEqual({ id: 'test-normal', dim: 2, train: 200, test: 200, scale: 1, fresh: true });
    expect(config.backend).toBe('auto');
  });

  it('names an unknown plugin id and lists the known ones', () => {
    const raw = { ...base(), schedule: { id: 'constant-lamda', lambda: 0.5 } };
    expect(errorOf(() => resolveConfig(raw, registry))).toBe(
      'schedule.id = "constant-lamda": unknown schedule; known schedule ids: accumulate, constant-lambda, fresh-real, fully-synthetic',
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
    expect(errorOf(() => resolveConfig({ ...base(), trackers: [{ id: 'local' }, { id: 'wandb' }] }, registry))).toMatch(
      /^trackers\.1\.id = "wandb": unknown tracker; known tracker ids: console, local$/,
    );
  });

  it('applies --set overrides, parsing values as YAML', () => {
    const config = resolveConfig(base(), registry, ['schedule.id=fully-synthetic', 'schedule.lambda=null', 'trackers=[{id: local}, {id: console}]', 'train.warmStart=false']);
    expect(config.schedule).toEqual({ id: 'fully-synthetic' });
    expect(config.trackers.map((t) => t.id)).toEqual(['local', 'console']);
    expect(config.train.warmStart).toBe(false);
    expect(errorOf(() => resolveConfig(base(), registry, ['seed']))).toMatch(/^--set "seed": expected path=value/);
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

import { describe, expect, it } from 'vitest';
import { container } from 'tsyringe';
import { DatasetPlugin } from '../contracts/dataset.ts';
import { ModelPlugin } from '../contracts/model.ts';
import { corePackage } from '../register.ts';
import { PluginRegistry } from '../registry/plugin-registry.ts';
import { diagonalGaussianModelPlugin, normalDatasetPlugin } from '../testing/index.ts';
import { cellId, shortHash } from './cell-id.ts';
import { ConfigError } from './config-error.ts';
import { withoutExecutionSettings } from './execution-settings.ts';
import { resolveConfig } from './load-config.ts';

const scope = container.createChildContainer();
corePackage.register(scope);
scope.register(ModelPlugin, { useValue: diagonalGaussianModelPlugin });
scope.register(DatasetPlugin, { useValue: normalDatasetPlugin });
const registry = PluginRegistry.fromContainer(scope);

const base = () => ({
  name: 'threads',
  generations: 1,
  dataset: { id: 'test-normal', dim: 2 },
  model: { id: 'test-diagonal-gaussian' },
  schedule: { id: 'fully-synthetic' },
  metrics: [],
  trackers: [],
});

describe('threads: an execution setting', () => {
  it('is an optional positive integer, named with the value and what was expected when wrong', () => {
    expect(resolveConfig(base(), registry).config.threads).toBeUndefined();
    expect(resolveConfig({ ...base(), threads: 3 }, registry).config.threads).toBe(3);
    for (const [threads, expected] of [[0, 'threads = 0: expected number to be >0'], [1.5, 'threads = 1.5: expected int, received number'], ['all', 'threads = "all": expected number, received string']] as const) {
      expect(() => resolveConfig({ ...base(), threads }, registry)).toThrow(ConfigError);
      expect(() => resolveConfig({ ...base(), threads }, registry)).toThrow(expected);
    }
  });

  it('leaves the cell id as it is: the same config with any thread count lands in the same folder', () => {
    const without = resolveConfig(base(), registry).config;
    const one = resolveConfig({ ...base(), threads: 1 }, registry).config;
    const eight = resolveConfig(base(), registry, { overrides: ['threads=8'] }).config;
    expect(cellId(one)).toBe(cellId(without));
    expect(cellId(eight)).toBe(cellId(without));
    expect(cellId(resolveConfig({ ...base(), seed: 1, threads: 1 }, registry).config)).not.toBe(cellId(without));
    // Only the top-level setting is left out: a plugin option of that name still counts.
    expect(shortHash({ threads: 1 })).not.toBe(shortHash({ threads: 2 }));
    expect(withoutExecutionSettings({ a: 1, threads: 2, dataset: { threads: 3 } })).toEqual({ a: 1, dataset: { threads: 3 } });
  });
});

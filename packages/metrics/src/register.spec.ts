import { describe, expect, it } from 'vitest';
import { MetricPlugin, PluginRegistry } from '@ouroboros/core';
import { container } from 'tsyringe';
import { metricsPackage } from './register.ts';

describe('metricsPackage', () => {
  it('registers fd, precision-recall, nll and trace-ratio under MetricPlugin, each resolvable by id with its defaults', () => {
    const child = container.createChildContainer();
    metricsPackage.register(child);
    expect(child.resolveAll<MetricPlugin>(MetricPlugin).map((p) => p.id)).toEqual(['fd', 'precision-recall', 'nll', 'trace-ratio']);
    const registry = PluginRegistry.fromContainer(child);
    expect(registry.bind('metric', { id: 'fd' }).options).toEqual({});
    expect(registry.bind('metric', { id: 'precision-recall' }).options).toEqual({ k: 3, maxSamples: 10_000 });
    expect(registry.bind('metric', { id: 'nll', batchSize: 64 }).options).toEqual({ batchSize: 64 });
    expect(() => registry.bind('metric', { id: 'precision-recall', k: 0 }, 'metrics[1]')).toThrow('metrics[1].k = 0');
  });
});

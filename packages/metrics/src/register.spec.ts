import { describe, expect, it } from 'vitest';
import { FeatureExtractorPlugin, MetricPlugin, PluginRegistry } from '@ouroboros/core';
import { container } from 'tsyringe';
import { metricsPackage } from './register.ts';

describe('metricsPackage', () => {
  it('registers fd, precision-recall, density-coverage, nll, trace-ratio and class-coverage under MetricPlugin, each resolvable by id with its defaults', () => {
    const child = container.createChildContainer();
    metricsPackage.register(child);
    expect(child.resolveAll<MetricPlugin>(MetricPlugin).map((p) => p.id)).toEqual(['fd', 'precision-recall', 'density-coverage', 'nll', 'trace-ratio', 'class-coverage']);
    const registry = PluginRegistry.fromContainer(child);
    expect(registry.bind('metric', { id: 'fd' }).options).toEqual({ covariance: 'float64' });
    expect(registry.bind('metric', { id: 'density-coverage' }).options).toEqual({ k: 5, maxSamples: 10_000, search: 'auto' });
    expect(registry.bind('metric', { id: 'precision-recall' }).options).toEqual({ k: 3, maxSamples: 10_000, search: 'auto' });
    expect(registry.bind('metric', { id: 'nll', batchSize: 64 }).options).toEqual({ batchSize: 64 });
    expect(() => registry.bind('metric', { id: 'precision-recall', k: 0 }, 'metrics[1]')).toThrow('metrics[1].k = 0');
  });

  it('registers the inception-v3 and classifier feature extractors under FeatureExtractorPlugin', () => {
    const child = container.createChildContainer();
    metricsPackage.register(child);
    expect(child.resolveAll<FeatureExtractorPlugin>(FeatureExtractorPlugin).map((p) => p.id)).toEqual(['inception-v3', 'classifier', 'classifier-logits']);
  });
});

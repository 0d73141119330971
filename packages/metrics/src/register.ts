import { CONTRACT_VERSION, registerPlugins, type MetricPlugin, type PluginPackage } from '@ouroboros/core';
import { fdMetricPlugin } from './fd/fd-metric.ts';
import { nllMetricPlugin } from './nll/nll-metric.ts';
import { traceRatioMetricPlugin } from './moments/trace-ratio-metric.ts';
import { precisionRecallMetricPlugin } from './precision-recall/precision-recall-metric.ts';

/** Every metric this package defines. */
export const metricPlugins: readonly MetricPlugin[] = [fdMetricPlugin, precisionRecallMetricPlugin, nllMetricPlugin, traceRatioMetricPlugin];

export const metricsPackage: PluginPackage = {
  name: '@ouroboros/metrics',
  contractVersion: CONTRACT_VERSION,
  register: (container) => registerPlugins(container, 'metric', ...metricPlugins),
};

import { MetricPlugin, type OuroborosPlugin } from '@ouroboros/core';
import { fdMetricPlugin } from './fd/fd-metric.ts';
import { nllMetricPlugin } from './nll/nll-metric.ts';
import { precisionRecallMetricPlugin } from './precision-recall/precision-recall-metric.ts';

/** Every metric this package defines. */
export const metricDefinitions: readonly MetricPlugin[] = [fdMetricPlugin, precisionRecallMetricPlugin, nllMetricPlugin];

export const metricPlugins: OuroborosPlugin = {
  name: '@ouroboros/metrics',
  register(container) {
    for (const plugin of metricDefinitions) container.register(MetricPlugin, { useValue: plugin });
  },
};

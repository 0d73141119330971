import { CONTRACT_VERSION, registerPlugins, type FeatureExtractorPlugin, type MetricPlugin, type PluginPackage } from '@ouroboros/core';
import { classCoverageMetricPlugin } from './class-coverage/class-coverage-metric.ts';
import { fdMetricPlugin } from './fd/fd-metric.ts';
import { classifierFeaturesPlugin, classifierLogitsPlugin } from './features/classifier/classifier-plugin.ts';
import { inceptionFeaturesPlugin } from './features/inception/inception-plugin.ts';
import { densityCoverageMetricPlugin } from './neighbours/density-coverage-metric.ts';
import { precisionRecallMetricPlugin } from './neighbours/precision-recall-metric.ts';
import { nllMetricPlugin } from './nll/nll-metric.ts';
import { traceRatioMetricPlugin } from './moments/trace-ratio-metric.ts';

/** Every metric this package defines. */
export const metricPlugins: readonly MetricPlugin[] = [fdMetricPlugin, precisionRecallMetricPlugin, densityCoverageMetricPlugin, nllMetricPlugin, traceRatioMetricPlugin, classCoverageMetricPlugin];

/** Every feature extractor this package defines (core ships `identity` and `pixels`). */
export const featurePlugins: readonly FeatureExtractorPlugin[] = [inceptionFeaturesPlugin, classifierFeaturesPlugin, classifierLogitsPlugin];

export const metricsPackage: PluginPackage = {
  name: '@ouroboros/metrics',
  contractVersion: CONTRACT_VERSION,
  register: (container) => {
    registerPlugins(container, 'metric', ...metricPlugins);
    registerPlugins(container, 'features', ...featurePlugins);
  },
};

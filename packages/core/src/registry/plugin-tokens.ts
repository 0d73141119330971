import type { DependencyContainer } from 'tsyringe';
import { CuratorPlugin } from '../contracts/curator.ts';
import { DatasetPlugin } from '../contracts/dataset.ts';
import { FeatureExtractorPlugin } from '../contracts/feature-extractor.ts';
import { MetricPlugin } from '../contracts/metric.ts';
import { ModelPlugin } from '../contracts/model.ts';
import type { PluginKind } from '../contracts/plugin.ts';
import { SchedulePlugin } from '../contracts/schedule.ts';
import { TrackerPlugin } from '../contracts/tracker.ts';

/** The DI token under which each kind of plugin is registered. */
export const pluginTokens: Record<PluginKind, symbol> = {
  model: ModelPlugin,
  dataset: DatasetPlugin,
  metric: MetricPlugin,
  schedule: SchedulePlugin,
  tracker: TrackerPlugin,
  features: FeatureExtractorPlugin,
  curator: CuratorPlugin,
};

export const pluginKinds = Object.keys(pluginTokens) as PluginKind[];

/** The plugin interface of each kind. */
export interface PluginByKind {
  model: ModelPlugin;
  dataset: DatasetPlugin;
  metric: MetricPlugin;
  schedule: SchedulePlugin;
  tracker: TrackerPlugin;
  features: FeatureExtractorPlugin;
  curator: CuratorPlugin;
}

/**
 * Registers plugins of one kind under its token; the types tie the kind to its interface, so a
 * plugin of the wrong shape does not compile.
 */
export function registerPlugins<K extends PluginKind>(container: DependencyContainer, kind: K, ...plugins: ReadonlyArray<PluginByKind[K]>): void {
  for (const plugin of plugins) container.register(pluginTokens[kind], { useValue: plugin });
}

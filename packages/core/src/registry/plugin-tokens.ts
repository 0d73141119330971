import { DatasetPlugin } from '../contracts/dataset.ts';
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
};

export const pluginKinds = Object.keys(pluginTokens) as PluginKind[];

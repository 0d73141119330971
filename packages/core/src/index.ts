import 'reflect-metadata';

export { Rng } from './rng/rng.ts';

export type { PluginDefinition, PluginKind, OuroborosPlugin, AnyPluginDefinition } from './contracts/plugin.ts';
export type { RunContext, ProgressReporter } from './contracts/run-context.ts';
export { DatasetPlugin } from './contracts/dataset.ts';
export type { Dataset, DataInfo, DataSplit, DatasetEnv } from './contracts/dataset.ts';
export { ModelPlugin } from './contracts/model.ts';
export type { GenerativeModel, ModelEnv, ModelFactory, TrainBudget, FitReport } from './contracts/model.ts';
export { MetricPlugin } from './contracts/metric.ts';
export type { Metric, MetricEnv, MetricInput } from './contracts/metric.ts';
export { SchedulePlugin } from './contracts/schedule.ts';
export type { MixingSchedule, ComposeInput, ScheduleEnv } from './contracts/schedule.ts';
export { TrackerPlugin } from './contracts/tracker.ts';
export type { Tracker, TrackerEnv, RunInfo, MetricRow } from './contracts/tracker.ts';

export { PluginRegistry } from './registry/plugin-registry.ts';
export type { ResolvedPlugin } from './registry/plugin-registry.ts';
export { pluginTokens, pluginKinds } from './registry/plugin-tokens.ts';
export { ConfigError } from './config/config-error.ts';

export { SampleStore, SampleStoreWriter, sampleSize, allocate } from './store/sample-store.ts';
export type { SampleArray, SampleDtype, SampleLayout, SampleSource } from './store/sample-store.ts';
export { TrainingSet } from './store/training-set.ts';
export { readTrainingSetManifest, writeTrainingSetManifest } from './store/training-set-manifest.ts';
export type { TrainingSetManifest } from './store/training-set-manifest.ts';
export type { TrainingSegment, TrainingSetComposition } from './store/training-set.ts';
export { writeFileAtomic, writeJsonAtomic } from './store/atomic-write.ts';

export { samplesToTensor, takeFloat32 } from './tensor/sample-tensors.ts';

export * from './linalg/index.ts';

export { corePlugins } from './register.ts';
export { experimentConfigSchema, backendNames } from './config/experiment-config.ts';
export type { ExperimentConfig, BackendName, PluginEntry } from './config/experiment-config.ts';
export { loadConfig, readConfigFile, resolveConfig } from './config/load-config.ts';
export { applySetOverride } from './config/set-override.ts';
export { cellId, canonicalJson } from './config/cell-id.ts';
export { RetrainingEngine, RunInterrupted, yieldToEventLoop } from './engine/retraining-engine.ts';
export type { RunOptions, RunResult } from './engine/retraining-engine.ts';
export { RunFolder } from './engine/run-folder.ts';
export { writeSplit } from './engine/write-split.ts';
export { constantLambdaSchedule } from './mixing/constant-lambda.ts';
export { fullySyntheticSchedule } from './mixing/fully-synthetic.ts';
export { accumulateSchedule } from './mixing/accumulate.ts';
export { freshRealSchedule } from './mixing/fresh-real.ts';
export { syntheticCount } from './mixing/synthetic-segment.ts';
export { LocalTracker, localTrackerPlugin } from './trackers/local-tracker.ts';
export { ConsoleTracker, consoleTrackerPlugin, formatDuration, formatRow } from './trackers/console-tracker.ts';
export { TrackerGroup } from './trackers/tracker-group.ts';
export { encodePng, decodePng } from './images/png.ts';
export type { RgbImage } from './images/png.ts';
export { scatterPlot } from './images/scatter-plot.ts';
export type { PointLayer } from './images/scatter-plot.ts';

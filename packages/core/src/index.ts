import 'reflect-metadata';

export { Rng } from './rng/rng.ts';

export { CONTRACT_VERSION } from './contracts/plugin.ts';
export type { PluginDefinition, PluginKind, PluginPackage, AnyPluginDefinition } from './contracts/plugin.ts';
export type { RunContext, ProgressReporter } from './contracts/run-context.ts';
export { DatasetPlugin } from './contracts/dataset.ts';
export type { Dataset, DataInfo, DataSplit, DatasetEnv, SampleChunk } from './contracts/dataset.ts';
export { ModelPlugin } from './contracts/model.ts';
export type { GenerativeModel, ModelEnv, TrainBudget, FitReport, LikelihoodKind, SampleOptions } from './contracts/model.ts';
export { MetricPlugin } from './contracts/metric.ts';
export type { Metric, MetricEnv, MetricInput, MetricFeatures, MetricPlan, FeatureSet } from './contracts/metric.ts';
export { FeatureExtractorPlugin } from './contracts/feature-extractor.ts';
export type { FeatureExtractor, FeatureExtractorEnv, FeatureExtractorData } from './contracts/feature-extractor.ts';
export { SchedulePlugin } from './contracts/schedule.ts';
export type { MixingSchedule, ComposeInput, ScheduleEnv, SchedulePlan } from './contracts/schedule.ts';
export { TrackerPlugin } from './contracts/tracker.ts';
export type { Tracker, TrackerEnv, RunInfo, MetricRow } from './contracts/tracker.ts';
export { TensorBackend } from './contracts/tensor-backend.ts';
export type { ActiveBackend, BackendOptions } from './contracts/tensor-backend.ts';

export { PluginRegistry } from './registry/plugin-registry.ts';
export type { BoundPlugin, BoundModelPlugin } from './registry/plugin-registry.ts';
export { pluginTokens, pluginKinds, registerPlugins } from './registry/plugin-tokens.ts';
export type { PluginByKind } from './registry/plugin-tokens.ts';

export { ConfigError, zodErrorLine } from './config/config-error.ts';
export { experimentConfigSchema, backendNames } from './config/experiment-config.ts';
export type { ExperimentConfig, BackendName, PluginEntry, MetricEntry } from './config/experiment-config.ts';
export { configSlots, slotAt, slotEntries, slotKeys } from './config/config-slots.ts';
export type { ConfigSlot, SlotKey } from './config/config-slots.ts';
export { withCurrentNames } from './config/former-names.ts';
export { configPackages, loadConfig, readConfigFile, resolveConfig, pluginVersions } from './config/load-config.ts';
export type { ResolvedExperiment, ResolveOptions } from './config/load-config.ts';
export { applySetOverride, getField, setField } from './config/set-override.ts';
export { cellId, canonicalJson, shortHash } from './config/cell-id.ts';
export { executionKeys, withoutExecutionSettings } from './config/execution-settings.ts';
export { pathOption, absolutePath, packagePath, pathKeys, withAbsolutePaths } from './config/path-option.ts';
export { expandSweep, isSweepConfig, sweepBase } from './sweep/expand-sweep.ts';
export type { SweepCell, SweepPlan } from './sweep/expand-sweep.ts';
export { sweepKeys, sweepSchema } from './sweep/sweep-config.ts';
export type { SweepConfig } from './sweep/sweep-config.ts';

export { dataCodec, bitsPerDim } from './codec/data-codec.ts';
export type { DataCodec } from './codec/data-codec.ts';
export { takeFloat32 } from './codec/take-float32.ts';

export { SampleStore, SampleStoreWriter, sampleSize, allocate } from './store/sample-store.ts';
export type { SampleArray, SampleDtype, SampleLayout, SampleSource } from './store/sample-store.ts';
export { TrainingSet } from './store/training-set.ts';
export type { TrainingSegment, TrainingSetComposition } from './store/training-set.ts';
export { readTrainingSetManifest, writeTrainingSetManifest } from './store/training-set-manifest.ts';
export type { TrainingSetManifest } from './store/training-set-manifest.ts';
export { writeFileAtomic, writeJsonAtomic } from './store/atomic-write.ts';
export { createFolder, virtualFilesystem, whyNoFolder } from './store/create-folder.ts';
export { readJsonFile } from './store/read-json-file.ts';
export { writeChunks } from './store/write-chunks.ts';
export { checkpointStore, DamagedCheckpoint } from './store/checkpoint-store.ts';
export { removeInside, LinkRefused } from './store/remove-inside.ts';
export { publishCacheEntry, removeAbandonedScratch, scratchFor } from './store/cache-entry.ts';
export { writeChecksums, verifyChecksums } from './engine/generation-checksums.ts';

export * from './linalg/index.ts';

export { corePackage } from './register.ts';
export { RetrainingEngine, budgetFor } from './engine/retraining-engine.ts';
export type { RunOptions, RunResult } from './engine/retraining-engine.ts';
export { RunInterrupted, stopPoint, yieldToEventLoop } from './engine/run-interrupted.ts';
export { RunFolder } from './engine/run-folder.ts';
export { RunLock } from './engine/run-lock.ts';
export type { LockHolder } from './engine/run-lock.ts';
export { verifyRun } from './engine/verify-run.ts';
export { WriteError } from './store/atomic-write.ts';
export type { RunMarker } from './engine/run-files.ts';
export { constantLambdaSchedule } from './mixing/constant-lambda.ts';
export { fullySyntheticSchedule } from './mixing/fully-synthetic.ts';
export { accumulateSchedule } from './mixing/accumulate.ts';
export { accumulateSubsampleSchedule } from './mixing/accumulate-subsample.ts';
export { freshRealSchedule } from './mixing/fresh-real.ts';
export { ConsoleTracker, consoleTrackerPlugin, formatDuration, formatRow } from './trackers/console-tracker.ts';
export { TrackerGroup } from './trackers/tracker-group.ts';
export { encodePng, decodePng, crc32 } from './images/png.ts';
export type { RgbImage } from './images/png.ts';
export { imageGrid, sideBySide } from './images/image-grid.ts';
export { scatterPlot } from './images/scatter-plot.ts';
export type { PointLayer } from './images/scatter-plot.ts';

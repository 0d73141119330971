import type { DataInfo } from './dataset.ts';
import type { GenerativeModel } from './model.ts';
import type { PluginDefinition } from './plugin.ts';
import type { RunContext } from './run-context.ts';
import type { SampleStore } from '../store/sample-store.ts';

export interface MetricInput {
  /** Held-out real data. */
  readonly real: SampleStore;
  /** This generation's samples. */
  readonly generated: SampleStore;
  readonly model: GenerativeModel;
  /** The model plugin's id, for messages. */
  readonly modelId: string;
  readonly data: DataInfo;
}

/** Values are keyed by the names logged (`fd`, `precision`, `recall`, ...); absent means skipped. */
export interface Metric {
  compute(input: MetricInput, ctx: RunContext): Promise<Record<string, number>>;
}

export type MetricPlugin<TOptions = unknown> = PluginDefinition<TOptions, Metric, MetricEnv>;
export const MetricPlugin = Symbol.for('ouroboros.MetricPlugin');

export interface MetricEnv {
  readonly data: DataInfo;
  /** Says once why a metric is skipped or approximate. */
  readonly note: (message: string) => void;
}

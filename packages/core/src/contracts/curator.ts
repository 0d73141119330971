import type { DataCodec } from '../codec/data-codec.ts';
import type { DataInfo } from './dataset.ts';
import type { GenerativeModel } from './model.ts';
import type { PluginDefinition } from './plugin.ts';
import type { RunContext } from './run-context.ts';
import type { SampleArray, SampleStore } from '../store/sample-store.ts';

export interface CurateInput {
  /** The generation whose samples these are. */
  readonly generation: number;
  /** Its samples as the model drew them (data space). */
  readonly samples: SampleStore;
  /** How many of them the schedule takes. */
  readonly needed: number;
  /** The real training set D. */
  readonly real: SampleStore;
  /** The frozen verifier: generation 0's model, trained on all of D (loaded on first call; the engine disposes it). */
  readonly verifier: () => Promise<GenerativeModel>;
  readonly codec: DataCodec;
  readonly ctx: RunContext;
}

/** What a curator did to one generation's samples: a subset kept, or every sample moved. */
export interface Curation {
  /** Rows of `samples` kept, ascending. */
  readonly kept?: Uint32Array;
  /** New values of every row, same layout (data space). */
  readonly values?: SampleArray;
  /** One line: what was kept or changed, and why. */
  readonly reason: string;
  /** Numbers that say how (a threshold, a mean shift), for curation.json and the history row. */
  readonly stats?: Readonly<Record<string, number>>;
}

/**
 * Acts on each generation's synthetic samples before the schedule mixes them (Ferbach et al. 2024's
 * curated loops, Gillman et al. 2024's self-correction). The model's own samples stay as drawn for
 * the metrics; later generations train on the curated ones.
 */
export interface Curator {
  /** Samples to draw so that at least `needed` survive curation. */
  samplesToDraw(needed: number): number;
  curate(input: CurateInput): Promise<Curation>;
}

export interface CuratorEnv {
  readonly data: DataInfo;
}

export type CuratorPlugin<TOptions = unknown> = PluginDefinition<TOptions, Curator, CuratorEnv>;
export const CuratorPlugin = Symbol.for('ouroboros.CuratorPlugin');

import { ConfigError } from '../config/config-error.ts';
import type { MetricEntry } from '../config/experiment-config.ts';
import { defaultExtractorIds, type ResolvedExperiment } from '../config/load-config.ts';
import type { Dataset } from '../contracts/dataset.ts';
import type { Metric } from '../contracts/metric.ts';
import type { MixingSchedule } from '../contracts/schedule.ts';
import type { Curator } from '../contracts/curator.ts';
import type { Tracker } from '../contracts/tracker.ts';
import { dataCodec, type DataCodec } from '../codec/data-codec.ts';
import { TrackerGroup } from '../trackers/tracker-group.ts';
import { shortHash } from '../config/cell-id.ts';
import type { NamedExtractor } from './feature-cache.ts';

/** The plugins of one run, built from a resolved config once the data is known. */
export interface RunParts {
  readonly dataset: Dataset;
  readonly codec: DataCodec;
  readonly schedule: MixingSchedule;
  readonly curator: Curator;
  readonly metrics: ReadonlyArray<{ readonly id: string; readonly entry: MetricEntry; readonly metric: Metric; readonly extractor: NamedExtractor }>;
  readonly extractors: readonly NamedExtractor[];
  readonly trackers: TrackerGroup;
}

export interface PartsEnv {
  readonly runDir: string;
  readonly interactive: boolean;
  readonly cacheDir: string;
  readonly extraTrackers: readonly Tracker[];
  readonly trackerTimeoutMs?: number;
}

/** Builds every plugin of a resolved config: trackers first (so the others can leave notes, and the earlier option names used are noted), then data, schedule, extractors, metrics. */
export function buildRunParts(resolved: ResolvedExperiment, env: PartsEnv): RunParts {
  const trackerList = resolved.trackers.map((bound) => ({ id: bound.id, tracker: bound.create({ runDir: env.runDir, interactive: env.interactive }) }));
  env.extraTrackers.forEach((tracker, i) => trackerList.push({ id: `extra-${i}`, tracker }));
  const trackers = new TrackerGroup(trackerList, undefined, env.trackerTimeoutMs);
  const note = (message: string) => trackers.note(message);
  const bound = [resolved.dataset, resolved.model, resolved.schedule, resolved.curator, ...resolved.metrics.map((m) => m.bound), ...resolved.trackers, ...resolved.features.values()];
  for (const line of bound.flatMap((b) => b.notes)) note(line);

  const dataset = resolved.dataset.create({ cacheDir: env.cacheDir, note });
  const data = dataset.info;
  const schedule = resolved.schedule.create({ canDrawFresh: typeof dataset.fresh === 'function' });
  const curator = resolved.curator.create({ data });

  const extractors = new Map<string, NamedExtractor>();
  const extractorFor = (entry: MetricEntry, path: string): NamedExtractor => {
    const id = entry.extractor ?? defaultExtractorIds[data.kind];
    let named = extractors.get(id);
    if (!named) {
      const bound = resolved.features.get(id) ?? resolved.defaultFeatures.get(id);
      if (!bound) throw new ConfigError(`${path}.extractor: needs the feature extractor '${id}', which no loaded plugin package registers`);
      const hasOptions = Object.keys(bound.options).length > 0;
      named = { id, key: hasOptions ? `${id}-${shortHash(bound.options)}` : id, extractor: bound.create({ data }) };
      extractors.set(id, named);
    }
    return named;
  };
  const metrics = resolved.metrics.map(({ entry, bound }, i) => ({
    id: bound.id,
    entry,
    metric: bound.create({ data, note }),
    extractor: extractorFor(entry, `metrics.${i}`),
  }));
  return { dataset, codec: dataCodec(data), schedule, curator, metrics, extractors: [...extractors.values()], trackers };
}

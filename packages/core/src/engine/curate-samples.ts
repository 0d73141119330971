import { join } from 'node:path';
import type { CurateInput, Curator } from '../contracts/curator.ts';
import { writeJsonAtomic } from '../store/atomic-write.ts';
import { removeInside } from '../store/remove-inside.ts';
import { SampleStore } from '../store/sample-store.ts';

/** What `curation.json` records of one generation's curation. */
export interface CurationRecord {
  readonly curator: string;
  readonly generation: number;
  readonly drawn: number;
  readonly kept: number;
  readonly reason: string;
  readonly stats: Readonly<Record<string, number>>;
}

export const CURATED_DIR = 'curated';
export const CURATION_FILE = 'curation.json';

/**
 * Runs the curator on a generation's samples and writes what later generations train on into
 * `dir/curated` (a store of the kept or moved samples, labels kept) and `dir/curation.json`.
 * Returns null when the curator leaves the samples as drawn.
 */
export async function curateSamples(curatorId: string, curator: Curator, input: CurateInput, dir: string): Promise<CurationRecord | null> {
  const curation = await curator.curate(input);
  if (!curation.kept && !curation.values) return null;
  const { samples } = input;
  const rows = curation.kept ?? null;
  if (rows && rows.some((r) => r >= samples.count)) throw new Error(`curator ${curatorId}: kept row ${rows.find((r) => r >= samples.count)} of ${samples.count} samples`);
  const values = curation.values ?? (await samples.gather(rows!));
  const expected = (rows ? rows.length : samples.count) * samples.sampleShape.reduce((a, b) => a * b, 1);
  if (values.length !== expected) throw new Error(`curator ${curatorId}: gave ${values.length} values; expected ${expected}`);
  const labels = samples.labelled ? (rows ? await samples.gatherLabels(rows) : await samples.readLabels(0, samples.count)) : undefined;
  const target = join(dir, CURATED_DIR);
  removeInside(dir, target);
  await SampleStore.write(target, samples, values, labels);
  const record: CurationRecord = { curator: curatorId, generation: input.generation, drawn: samples.count, kept: rows ? rows.length : samples.count, reason: curation.reason, stats: curation.stats ?? {} };
  writeJsonAtomic(join(dir, CURATION_FILE), record);
  return record;
}

import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from './atomic-write.ts';
import { SampleStore } from './sample-store.ts';
import { TrainingSet } from './training-set.ts';

/** `training-set.json`: enough to rebuild a generation's exact training set from the run folder. */
export interface TrainingSetManifest {
  count: number;
  segments: Array<{
    name: string;
    /** The store's folder, relative to the run folder. */
    source: string;
    count: number;
    of: number;
    /** File of little-endian uint32 row indices beside the manifest, when a subset is used. */
    indices?: string;
  }>;
}

export const MANIFEST_FILE = 'training-set.json';

/**
 * Writes the manifest and index files of `set` into `dir`. `rename` maps a store folder that is
 * still being written (a generation's .partial folder) to where it will live once committed.
 */
export function writeTrainingSetManifest(dir: string, set: TrainingSet, runRoot: string, rename: (storeDir: string) => string = (d) => d): TrainingSetManifest {
  const composition = set.composition();
  const manifest: TrainingSetManifest = {
    count: composition.count,
    segments: composition.segments.map((part, i) => {
      const segment = set.segments[i]!;
      const entry: TrainingSetManifest['segments'][number] = { name: part.name, source: relative(runRoot, rename(segment.store.dir)), count: part.count, of: part.of };
      if (segment.indices) {
        entry.indices = `training-set.${i}.u32`;
        writeFileAtomic(join(dir, entry.indices), new Uint8Array(segment.indices.buffer, segment.indices.byteOffset, segment.indices.byteLength));
      }
      return entry;
    }),
  };
  writeJsonAtomic(join(dir, MANIFEST_FILE), manifest);
  return manifest;
}

/** Rebuilds the training set a committed generation folder trained on. */
export function readTrainingSetManifest(dir: string, runRoot: string): TrainingSet {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) throw new Error(`${path}: missing; expected a generation folder written by the engine`);
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as TrainingSetManifest;
  return new TrainingSet(
    manifest.segments.map((entry) => {
      const store = SampleStore.open(join(runRoot, entry.source));
      if (!entry.indices) return { name: entry.name, store };
      const raw = readFileSync(join(dir, entry.indices));
      const indices = new Uint32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
      if (indices.length !== entry.count) throw new Error(`${join(dir, entry.indices)}: ${indices.length} indices; expected ${entry.count}`);
      return { name: entry.name, store, indices };
    }),
  );
}

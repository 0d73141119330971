import { createHash } from 'node:crypto';
import { copyFileSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { SampleChunk } from '../contracts/dataset.ts';
import { commitDir } from '../store/atomic-write.ts';
import { publishCacheEntry, removeAbandonedScratch, scratchFor } from '../store/cache-entry.ts';
import { SampleStore, type SampleLayout } from '../store/sample-store.ts';
import { writeChunks } from '../store/write-chunks.ts';

/**
 * Writes a real split once for all the runs beside each other: the store goes into a
 * content-addressed cache (`<cacheRoot>/<sha256 of its files>/`) and its files are hard-linked into
 * `dir`, so the 24 cells of a sweep on CIFAR-10 keep one copy on disk while every run folder still
 * opens on its own (deleting the cache frees nothing a run still links). Where links are refused
 * (another filesystem) the files are copied. A cached copy whose files no longer hash to its name
 * is damaged: it is replaced by the split just written, with a note. Scratch folders of writers
 * killed on this host are removed first.
 */
export async function writeSharedSplit(dir: string, cacheRoot: string, layout: SampleLayout & { labelled: boolean }, chunks: AsyncIterable<SampleChunk>, note: (line: string) => void = () => {}): Promise<SampleStore> {
  if (SampleStore.exists(dir)) return SampleStore.open(dir);
  mkdirSync(cacheRoot, { recursive: true });
  const abandoned = removeAbandonedScratch(cacheRoot);
  if (abandoned.length > 0) note(`${cacheRoot}: removed ${abandoned.length} half-written split(s) left by processes that died while writing (${abandoned[0]}${abandoned.length > 1 ? ', ...' : ''})`);
  const scratch = scratchFor(join(cacheRoot, 'split'));
  try {
    await writeChunks(scratch, layout, chunks);
    const cached = join(cacheRoot, storeDigest(scratch));
    if (storeOnce(scratch, cached)) note(`${cached}: the shared copy of this split no longer matches its checksum (damaged on disk); replaced by the split just written`);
    linkStore(cached, dir);
    return SampleStore.open(dir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(`${scratch}.partial`, { recursive: true, force: true });
  }
}

/**
 * Moves `scratch` to `cached` unless another process (a sweep's cells start together) got there
 * first: a rename onto its finished copy fails and that copy is used. A copy whose files do not hash
 * to its name is damaged and replaced; a copy another run may be linking is never deleted. Returns
 * whether a damaged copy was replaced.
 */
export function storeOnce(scratch: string, cached: string): boolean {
  return publishCacheEntry(scratch, cached, (dir) => SampleStore.exists(dir) && storeDigest(dir) === basename(cached));
}

/** sha256 over every file of a store, in name order: the name of its cache entry. */
export function storeDigest(dir: string): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    hash.update(`${name}\0`);
    hash.update(readFileSync(join(dir, name)));
  }
  return hash.digest('hex').slice(0, 32);
}

function linkStore(source: string, dir: string): void {
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  for (const name of readdirSync(source)) {
    try {
      linkSync(join(source, name), join(partial, name));
    } catch {
      copyFileSync(join(source, name), join(partial, name));
    }
  }
  commitDir(partial, dir);
}

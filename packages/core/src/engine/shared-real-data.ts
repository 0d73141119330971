import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SampleChunk } from '../contracts/dataset.ts';
import { commitDir } from '../store/atomic-write.ts';
import { SampleStore, type SampleLayout } from '../store/sample-store.ts';
import { writeChunks } from '../store/write-chunks.ts';

/**
 * Writes a real split once for all the runs beside each other: the store goes into a
 * content-addressed cache (`<cacheRoot>/<sha256 of its files>/`) and its files are hard-linked into
 * `dir`, so the 24 cells of a sweep on CIFAR-10 keep one copy on disk while every run folder still
 * opens on its own (deleting the cache frees nothing a run still links). Where links are refused
 * (another filesystem) the files are copied.
 */
export async function writeSharedSplit(dir: string, cacheRoot: string, layout: SampleLayout & { labelled: boolean }, chunks: AsyncIterable<SampleChunk>): Promise<SampleStore> {
  if (SampleStore.exists(dir)) return SampleStore.open(dir);
  mkdirSync(cacheRoot, { recursive: true });
  const scratch = join(cacheRoot, `.incoming-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeChunks(scratch, layout, chunks);
    const cached = join(cacheRoot, storeDigest(scratch));
    if (!SampleStore.exists(cached)) storeOnce(scratch, cached);
    linkStore(cached, dir);
    return SampleStore.open(dir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(`${scratch}.partial`, { recursive: true, force: true });
  }
}

/**
 * Moves `scratch` to `cached` unless another process (a sweep's cells start together) got there
 * first: a rename onto its finished copy fails and that copy is used. Only a folder that is not a
 * store (damaged) is moved aside and replaced; a copy another run may be linking is never deleted.
 */
export function storeOnce(scratch: string, cached: string): void {
  try {
    renameSync(scratch, cached);
  } catch (error) {
    if (SampleStore.exists(cached)) return;
    const aside = `${cached}.damaged-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(cached, aside);
    } catch {
      throw error;
    }
    rmSync(aside, { recursive: true, force: true });
    renameSync(scratch, cached);
  }
}

/** sha256 over every file of a store, in name order. */
function storeDigest(dir: string): string {
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

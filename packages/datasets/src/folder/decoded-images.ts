import { publishCacheEntry, removeAbandonedScratch, SampleStore, scratchFor, verifyChecksums, writeChecksums, writeChunks, writeJsonAtomic, type SampleChunk } from '@ouroboros/core';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BadImage, decodeSquare } from './decode-image.ts';
import type { ImageFiles } from './image-files.ts';

/** What to do with a file that is not a readable image of at least the requested resolution. */
export type BadImagePolicy = 'fail' | 'skip';

export interface SkippedImage {
  readonly name: string;
  readonly reason: string;
}

/** A folder's or zip's images decoded once at one resolution: a sample store in name order, without the skipped files. */
export interface DecodedImages {
  readonly store: SampleStore;
  /** The store row of each decoded image. */
  readonly rowOf: ReadonlyMap<string, number>;
  readonly skipped: readonly SkippedImage[];
}

export interface DecodeRequest {
  readonly dataset: string;
  readonly files: ImageFiles;
  readonly resolution: number;
  readonly onBadImage: BadImagePolicy;
  /** The dataset cache shared by the runs beside each other. */
  readonly cacheDir: string;
  readonly note: (message: string) => void;
}

interface CacheIndex {
  readonly format: 'ouroboros.decoded-images';
  readonly version: 1;
  readonly source: string;
  readonly resolution: number;
  readonly names: string[];
  readonly skipped: SkippedImage[];
}

const CACHE_VERSION = 1;
const DECODE_BATCH = 64;
const NOTE_EVERY_MS = 30_000;

/**
 * The decoded images of `files`, from the cache when an earlier run made them: the cache folder is
 * `<cacheDir>/images/<sha256 of source, file sizes and times, resolution>/`, written into a
 * scratch folder and renamed into place when complete, so a crash or a concurrent run never leaves
 * a partial cache. Its checksums.json (size and sha256 of every file) is checked on every use: a
 * damaged entry is decoded again, with a note. A bad file fails the whole decode (`fail`) or is left out with a note (`skip`).
 */
export async function decodedImages(request: DecodeRequest): Promise<DecodedImages> {
  const key = createHash('sha256').update(JSON.stringify({ version: CACHE_VERSION, fingerprint: request.files.fingerprint, resolution: request.resolution })).digest('hex').slice(0, 32);
  const dir = join(request.cacheDir, 'images', key);
  const damage = existsSync(join(dir, 'images.json')) ? verifyChecksums(dir) : null;
  if (damage?.length) request.note(`${damage[0]}: the decoded-image cache entry cannot be trusted; decoding the images again`);
  if (damage === null || damage.length > 0) await decodeInto(dir, request);
  const index = JSON.parse(readFileSync(join(dir, 'images.json'), 'utf8')) as CacheIndex;
  reportSkipped(index.skipped, request);
  return { store: SampleStore.open(join(dir, 'samples')), rowOf: new Map(index.names.map((name, row) => [name, row])), skipped: index.skipped };
}

function badImageMessage(request: DecodeRequest, skipped: SkippedImage): string {
  const r = request.resolution;
  return `${request.files.where(skipped.name)}: ${skipped.reason}; expected a PNG or JPEG image of at least ${r}x${r} pixels (onBadImage: skip leaves such files out)`;
}

function reportSkipped(skipped: readonly SkippedImage[], request: DecodeRequest): void {
  if (skipped.length === 0) return;
  if (request.onBadImage === 'fail') throw new Error(badImageMessage(request, skipped[0]!));
  request.note(`${request.dataset}: skipped ${skipped.length} of ${request.files.names.length} files that are not usable images (first: ${request.files.where(skipped[0]!.name)}: ${skipped[0]!.reason})`);
}

async function decodeInto(dir: string, request: DecodeRequest): Promise<void> {
  const { files, resolution } = request;
  mkdirSync(join(request.cacheDir, 'images'), { recursive: true });
  removeAbandonedScratch(join(request.cacheDir, 'images'));
  const scratch = scratchFor(dir);
  const began = performance.now();
  request.note(`${request.dataset}: decoding ${files.names.length} images from ${files.source} at ${resolution}x${resolution} into ${dir} (once; later runs read the cache)`);
  const names: string[] = [];
  const skipped: SkippedImage[] = [];
  const reader = files.open();
  let lastNote = began;
  async function* chunks(): AsyncGenerator<SampleChunk> {
    for (let start = 0; start < files.names.length; start += DECODE_BATCH) {
      const batch = files.names.slice(start, start + DECODE_BATCH);
      // Every decode of the batch settles before a failure is raised, so the first bad file in name order is the one named.
      const settled = await Promise.allSettled(batch.map((name) => decodeOne(name)));
      const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
      const decoded = settled.map((result) => (result as PromiseFulfilledResult<Uint8Array | null>).value);
      const good = decoded.filter((image): image is Uint8Array => image !== null);
      batch.forEach((name, i) => decoded[i] && names.push(name));
      const values = new Uint8Array(good.length * resolution * resolution * 3);
      good.forEach((image, i) => values.set(image, i * image.length));
      yield { values };
      if (performance.now() - lastNote > NOTE_EVERY_MS) {
        lastNote = performance.now();
        request.note(`${request.dataset}: decoded ${start + batch.length} of ${files.names.length} images`);
      }
    }
  }
  async function decodeOne(name: string): Promise<Uint8Array | null> {
    try {
      let bytes: Uint8Array;
      try {
        bytes = reader.read(name);
      } catch (error) {
        const message = (error as Error).message;
        const prefix = `${files.where(name)}: `;
        throw new BadImage(`cannot be read (${message.startsWith(prefix) ? message.slice(prefix.length) : message})`);
      }
      return await decodeSquare(bytes, resolution);
    } catch (error) {
      if (!(error instanceof BadImage)) throw error;
      const bad = { name, reason: error.message };
      if (request.onBadImage === 'fail') throw new Error(badImageMessage(request, bad));
      skipped.push(bad);
      return null;
    }
  }
  try {
    await writeChunks(join(scratch, 'samples'), { dtype: 'uint8', sampleShape: [resolution, resolution, 3], labelled: false }, chunks());
    skipped.sort((a, b) => (a.name < b.name ? -1 : 1));
    writeJsonAtomic(join(scratch, 'images.json'), { format: 'ouroboros.decoded-images', version: CACHE_VERSION, source: files.source, resolution, names, skipped } satisfies CacheIndex);
    writeChecksums(scratch);
    publishCacheEntry(scratch, dir, (entry) => verifyChecksums(entry).length === 0);
    request.note(`${request.dataset}: decoded ${names.length} images in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  } finally {
    reader.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

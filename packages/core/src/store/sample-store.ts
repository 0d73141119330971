import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { writeAll, writeJsonAtomic, writingTo } from './atomic-write.ts';
import { batchesOf } from './batches.ts';

export type SampleDtype = 'float32' | 'uint8';
export type SampleArray = Float32Array | Uint8Array;

/** Shape and type of one set of samples: `count` samples of `sampleShape` each. */
export interface SampleLayout {
  readonly dtype: SampleDtype;
  readonly sampleShape: readonly number[];
}

/** Anything that yields samples: a store on disk or a training set composed of stores. */
export interface SampleSource extends SampleLayout {
  readonly count: number;
  /** Whether every sample carries an integer label. */
  readonly labelled: boolean;
  /** Samples `start..end-1` as one flat array, `(end-start) * prod(sampleShape)` values. */
  read(start: number, end: number): Promise<SampleArray>;
  /** Samples at positions `indices`, in that order. */
  gather(indices: ArrayLike<number>): Promise<SampleArray>;
  /** Labels of the samples at positions `indices`; throws for unlabelled sources. */
  gatherLabels(indices: ArrayLike<number>): Promise<Int32Array>;
  /** Consecutive batches of at most `batchSize` samples, in `order` if given. */
  batches(batchSize: number, order?: Uint32Array): AsyncIterable<SampleArray>;
}

interface SampleStoreHeader {
  format: 'ouroboros.samples';
  version: 1;
  dtype: SampleDtype;
  sampleShape: number[];
  count: number;
  /** Each chunk's labels are in `<chunk file>.labels` (int32 little-endian) when true. */
  labels?: boolean;
  chunks: ChunkEntry[];
}

/** One chunk file: its sample count and the sha256 of its bytes (and of its labels file). */
interface ChunkEntry {
  file: string;
  count: number;
  sha256?: string;
  labelsSha256?: string;
}

const HEADER_FILE = 'samples.json';
export const DEFAULT_CHUNK_SAMPLES = 8192;

export function sampleSize(layout: SampleLayout): number {
  return layout.sampleShape.reduce((a, b) => a * b, 1);
}

export function allocate(dtype: SampleDtype, length: number): SampleArray {
  return dtype === 'float32' ? new Float32Array(length) : new Uint8Array(length);
}

/**
 * An on-disk set of samples: raw little-endian chunk files and a small JSON header written last,
 * so a store whose header exists is complete. Reads stream chunk by chunk.
 */
export class SampleStore implements SampleSource {
  readonly dtype: SampleDtype;
  readonly sampleShape: readonly number[];
  readonly count: number;
  readonly labelled: boolean;
  private readonly chunkStarts: number[];

  private constructor(
    readonly dir: string,
    private readonly header: SampleStoreHeader,
  ) {
    this.dtype = header.dtype;
    this.sampleShape = header.sampleShape;
    this.count = header.count;
    this.labelled = header.labels === true;
    this.chunkStarts = [];
    let start = 0;
    for (const chunk of header.chunks) {
      this.chunkStarts.push(start);
      start += chunk.count;
    }
  }

  static exists(dir: string): boolean {
    return existsSync(join(dir, HEADER_FILE));
  }

  /** Opens a store, checking its header and that every chunk file has the size the header says. */
  static open(dir: string): SampleStore {
    const path = join(dir, HEADER_FILE);
    if (!existsSync(path)) throw new Error(`${path}: no sample store here (missing ${HEADER_FILE})`);
    let header: SampleStoreHeader;
    try {
      header = JSON.parse(readFileSync(path, 'utf8')) as SampleStoreHeader;
    } catch (error) {
      throw new Error(`${path}: not valid JSON (${(error as Error).message.split('\n')[0]}); the store's header is damaged`);
    }
    if (header?.format !== 'ouroboros.samples' || header.version !== 1 || !Array.isArray(header.chunks) || !Array.isArray(header.sampleShape)) {
      throw new Error(`${path}: format must be ouroboros.samples version 1 with sampleShape and chunks, got ${JSON.stringify(header?.format)} ${JSON.stringify(header?.version)}`);
    }
    const store = new SampleStore(dir, header);
    store.checkSizes();
    return store;
  }

  static create(dir: string, layout: SampleLayout & { labelled?: boolean }, chunkSamples = DEFAULT_CHUNK_SAMPLES): SampleStoreWriter {
    return new SampleStoreWriter(dir, layout, chunkSamples);
  }

  /** Writes a whole array of samples (and their labels) as a store and opens it. */
  static async write(dir: string, layout: SampleLayout, data: SampleArray, labels?: Int32Array): Promise<SampleStore> {
    const writer = SampleStore.create(dir, { ...layout, labelled: labels !== undefined });
    writer.append(data, labels);
    return writer.close();
  }

  async read(start: number, end: number): Promise<SampleArray> {
    if (start < 0 || end > this.count || start > end) {
      throw new RangeError(`${this.dir}: cannot read samples ${start}..${end} of ${this.count}`);
    }
    return this.gather(range(start, end));
  }

  async readAll(): Promise<SampleArray> {
    return this.read(0, this.count);
  }

  /**
   * Samples at arbitrary indices, in the given order. Reads only the rows asked for (runs of
   * consecutive rows in one read), so a shuffled batch costs its own size, not its chunks'.
   */
  async gather(indices: ArrayLike<number>): Promise<SampleArray> {
    const out = allocate(this.dtype, indices.length * sampleSize(this));
    this.gatherBytes(indices, new Uint8Array(out.buffer), out.BYTES_PER_ELEMENT * sampleSize(this), (file) => file);
    return out;
  }

  async gatherLabels(indices: ArrayLike<number>): Promise<Int32Array> {
    if (!this.labelled) throw new Error(`${this.dir}: this sample store has no labels`);
    const out = new Int32Array(indices.length);
    this.gatherBytes(indices, new Uint8Array(out.buffer), 4, labelFile);
    return out;
  }

  async readLabels(start: number, end: number): Promise<Int32Array> {
    return this.gatherLabels(range(start, end));
  }

  /** Problems found by re-hashing every chunk (and label) file against samples.json; empty when intact. */
  verify(): string[] {
    const problems: string[] = [];
    for (const chunk of this.header.chunks) {
      const files: Array<[string, string | undefined]> = [[chunk.file, chunk.sha256]];
      if (this.labelled) files.push([labelFile(chunk.file), chunk.labelsSha256]);
      for (const [file, expected] of files) {
        const path = join(this.dir, file);
        if (!existsSync(path)) problems.push(`${path}: missing`);
        else if (expected === undefined) problems.push(`${path}: no checksum in ${HEADER_FILE} (written by an older ouroboros)`);
        else if (createHash('sha256').update(readFileSync(path)).digest('hex') !== expected) problems.push(`${path}: sha256 differs from ${HEADER_FILE}; the file is damaged`);
      }
    }
    return problems;
  }

  /** Every chunk (and label) file has exactly the bytes its sample count needs. */
  private checkSizes(): void {
    const bytesPer = sampleSize(this) * (this.dtype === 'float32' ? 4 : 1);
    for (const chunk of this.header.chunks) {
      const expectations: Array<[string, number]> = [[chunk.file, chunk.count * bytesPer]];
      if (this.labelled) expectations.push([labelFile(chunk.file), chunk.count * 4]);
      for (const [file, bytes] of expectations) {
        const path = join(this.dir, file);
        const size = existsSync(path) ? statSync(path).size : -1;
        if (size !== bytes) {
          throw new Error(`${path}: ${size < 0 ? 'missing' : `${size} bytes`}; ${HEADER_FILE} says ${chunk.count} samples (${bytes} bytes): the store is damaged (run 'ouro verify')`);
        }
      }
    }
  }

  private gatherBytes(indices: ArrayLike<number>, bytes: Uint8Array, bytesPer: number, fileOf: (chunkFile: string) => string): void {
    const fds = new Map<number, number>();
    try {
      let i = 0;
      while (i < indices.length) {
        const first = indices[i]!;
        const c = this.chunkIndex(first);
        const chunkEnd = this.chunkStarts[c]! + this.header.chunks[c]!.count;
        let run = 1;
        while (i + run < indices.length && indices[i + run] === first + run && first + run < chunkEnd) run++;
        let fd = fds.get(c);
        if (fd === undefined) fds.set(c, (fd = openSync(join(this.dir, fileOf(this.header.chunks[c]!.file)), 'r')));
        const want = run * bytesPer;
        const got = readSync(fd, bytes, i * bytesPer, want, (first - this.chunkStarts[c]!) * bytesPer);
        if (got !== want) {
          throw new Error(`${join(this.dir, fileOf(this.header.chunks[c]!.file))}: file is shorter than samples.json says (read ${got} of ${want} bytes at sample ${first}); the store is damaged`);
        }
        i += run;
      }
    } finally {
      for (const fd of fds.values()) closeSync(fd);
    }
  }

  batches(batchSize: number, order?: Uint32Array): AsyncIterable<SampleArray> {
    return batchesOf(this, batchSize, order);
  }

  private chunkIndex(sample: number): number {
    if (sample < 0 || sample >= this.count) throw new RangeError(`${this.dir}: sample ${sample} out of range 0..${this.count - 1}`);
    let lo = 0;
    let hi = this.chunkStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunkStarts[mid]! <= sample) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Appends samples (and labels) to chunk files; `close()` fsyncs them and writes the header last. */
export class SampleStoreWriter {
  private readonly chunks: ChunkEntry[] = [];
  private hashes: { values: Hash; labels: Hash | null } | null = null;
  private readonly size: number;
  private readonly labelled: boolean;
  private fd: number | null = null;
  private labelFd: number | null = null;
  private inChunk = 0;
  private count = 0;
  private closed = false;

  constructor(
    readonly dir: string,
    private readonly layout: SampleLayout & { labelled?: boolean },
    private readonly chunkSamples: number,
  ) {
    this.size = sampleSize(layout);
    this.labelled = layout.labelled === true;
    if (this.size <= 0 || !layout.sampleShape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new Error(`${dir}: sampleShape must be positive integers, got [${layout.sampleShape.join(', ')}]`);
    }
    mkdirSync(dir, { recursive: true });
  }

  get written(): number {
    return this.count;
  }

  /**
   * A writer that goes on after the first `kept` samples already in `dir`'s chunk files (written by
   * an earlier writer of the same layout and chunk size, which a crash or a stop left unclosed):
   * those files are cut to exactly `kept` samples, later ones removed, and the open chunk's hash
   * is read back. The caller vouches for the kept bytes (see SampleJournal).
   */
  static continueAfter(dir: string, layout: SampleLayout & { labelled?: boolean }, kept: number, chunkSamples = DEFAULT_CHUNK_SAMPLES): SampleStoreWriter {
    const writer = new SampleStoreWriter(dir, layout, chunkSamples);
    const bytesPer = writer.size * (layout.dtype === 'float32' ? 4 : 1);
    const chunks = Math.ceil(kept / chunkSamples);
    for (let c = 0; c < chunks; c++) {
      const file = chunkFileName(c);
      const count = Math.min(chunkSamples, kept - c * chunkSamples);
      const hashes = { values: createHash('sha256'), labels: writer.labelled ? createHash('sha256') : null };
      const parts: Array<[string, number, Hash]> = [[file, count * bytesPer, hashes.values]];
      if (hashes.labels) parts.push([labelFile(file), count * 4, hashes.labels]);
      for (const [name, bytes, hash] of parts) {
        const path = join(dir, name);
        const size = existsSync(path) ? statSync(path).size : -1;
        if (size < bytes) throw new Error(`${path}: ${size < 0 ? 'missing' : `${size} bytes`}; expected at least ${bytes} to go on after ${kept} samples`);
        writingTo(path, () => truncateSync(path, bytes));
        hash.update(readFileSync(path));
      }
      writer.chunks.push({ file, count });
      if (count === chunkSamples) {
        writer.chunks[c]!.sha256 = hashes.values.digest('hex');
        if (hashes.labels) writer.chunks[c]!.labelsSha256 = hashes.labels.digest('hex');
      } else {
        writer.hashes = hashes;
        writer.inChunk = count;
        writer.fd = writingTo(join(dir, file), () => openSync(join(dir, file), 'a'));
        if (writer.labelled) writer.labelFd = writingTo(join(dir, labelFile(file)), () => openSync(join(dir, labelFile(file)), 'a'));
      }
    }
    for (const name of readdirSync(dir)) {
      const index = /^chunk-(\d+)\.bin(\.labels)?$/.exec(name);
      if (index && Number(index[1]) >= chunks) rmSync(join(dir, name));
    }
    writer.count = kept;
    return writer;
  }

  /** Makes every sample appended so far durable (fsync of the open chunk files). */
  flush(): void {
    const chunk = this.chunks[this.chunks.length - 1];
    for (const fd of [this.fd, this.labelFd]) if (fd !== null) writingTo(join(this.dir, chunk!.file), () => fsyncSync(fd));
  }

  /** Appends `data.length / prod(sampleShape)` samples, with one label each for a labelled store. */
  append(data: SampleArray, labels?: Int32Array): void {
    if (this.closed) throw new Error(`${this.dir}: store already closed`);
    const expected = this.layout.dtype === 'float32' ? Float32Array : Uint8Array;
    if (!(data instanceof expected)) throw new Error(`${this.dir}: expected ${this.layout.dtype} samples, got ${data.constructor.name}`);
    if (data.length % this.size !== 0) {
      throw new Error(`${this.dir}: ${data.length} values is not a whole number of samples of ${this.size} values`);
    }
    const n = data.length / this.size;
    if (this.labelled !== (labels !== undefined)) {
      throw new Error(`${this.dir}: ${this.labelled ? 'expected a label for every sample of this labelled store' : 'labels given to a store created without labels'}`);
    }
    if (labels && labels.length !== n) throw new Error(`${this.dir}: ${labels.length} labels for ${n} samples; expected one label per sample`);
    let offset = 0;
    while (offset < n) {
      if (this.fd === null || this.inChunk === this.chunkSamples) this.startChunk();
      const take = Math.min(n - offset, this.chunkSamples - this.inChunk);
      this.write('values', data.subarray(offset * this.size, (offset + take) * this.size));
      if (labels) this.write('labels', labels.subarray(offset, offset + take));
      this.inChunk += take;
      this.chunks[this.chunks.length - 1]!.count += take;
      this.count += take;
      offset += take;
    }
  }

  close(): SampleStore {
    this.finishChunk();
    this.closed = true;
    const header: SampleStoreHeader = {
      format: 'ouroboros.samples',
      version: 1,
      dtype: this.layout.dtype,
      sampleShape: [...this.layout.sampleShape],
      count: this.count,
      ...(this.labelled ? { labels: true } : {}),
      chunks: this.chunks,
    };
    writeJsonAtomic(join(this.dir, HEADER_FILE), header);
    return SampleStore.open(this.dir);
  }

  private write(kind: 'values' | 'labels', view: ArrayBufferView): void {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    const chunk = this.chunks[this.chunks.length - 1]!;
    const file = kind === 'values' ? chunk.file : labelFile(chunk.file);
    writingTo(join(this.dir, file), () => writeAll(kind === 'values' ? this.fd! : this.labelFd!, bytes));
    (kind === 'values' ? this.hashes!.values : this.hashes!.labels!).update(bytes);
  }

  private startChunk(): void {
    this.finishChunk();
    const file = chunkFileName(this.chunks.length);
    this.fd = writingTo(join(this.dir, file), () => openSync(join(this.dir, file), 'w'));
    if (this.labelled) this.labelFd = writingTo(join(this.dir, labelFile(file)), () => openSync(join(this.dir, labelFile(file)), 'w'));
    this.hashes = { values: createHash('sha256'), labels: this.labelled ? createHash('sha256') : null };
    this.chunks.push({ file, count: 0 });
    this.inChunk = 0;
  }

  private finishChunk(): void {
    const chunk = this.chunks[this.chunks.length - 1];
    for (const fd of [this.fd, this.labelFd]) {
      if (fd === null) continue;
      writingTo(join(this.dir, chunk!.file), () => fsyncSync(fd));
      closeSync(fd);
    }
    if (chunk && this.hashes) {
      chunk.sha256 = this.hashes.values.digest('hex');
      if (this.hashes.labels) chunk.labelsSha256 = this.hashes.labels.digest('hex');
    }
    this.hashes = null;
    this.fd = null;
    this.labelFd = null;
  }
}

/** The file of chunk `index`: chunk-00000.bin, ... */
export function chunkFileName(index: number): string {
  return `chunk-${String(index).padStart(5, '0')}.bin`;
}

/** The label file beside a chunk file. */
export function labelFile(chunkFile: string): string {
  return `${chunkFile}.labels`;
}

/** 0, 1, ..., end-start-1 shifted by start. */
function range(start: number, end: number): Uint32Array {
  const out = new Uint32Array(end - start);
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}

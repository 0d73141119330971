import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from './atomic-write.ts';

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
  /** Samples `start..end-1` as one flat array, `(end-start) * prod(sampleShape)` values. */
  read(start: number, end: number): Promise<SampleArray>;
  /** Consecutive batches of at most `batchSize` samples, in `order` if given. */
  batches(batchSize: number, order?: Uint32Array): AsyncIterable<SampleArray>;
}

interface SampleStoreHeader {
  format: 'ouroboros.samples';
  version: 1;
  dtype: SampleDtype;
  sampleShape: number[];
  count: number;
  chunks: Array<{ file: string; count: number }>;
}

const HEADER_FILE = 'samples.json';
const DEFAULT_CHUNK_SAMPLES = 8192;

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
  private readonly chunkStarts: number[];

  private constructor(
    readonly dir: string,
    private readonly header: SampleStoreHeader,
  ) {
    this.dtype = header.dtype;
    this.sampleShape = header.sampleShape;
    this.count = header.count;
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

  static open(dir: string): SampleStore {
    const path = join(dir, HEADER_FILE);
    if (!existsSync(path)) throw new Error(`${path}: no sample store here (missing ${HEADER_FILE})`);
    const header = JSON.parse(readFileSync(path, 'utf8')) as SampleStoreHeader;
    if (header.format !== 'ouroboros.samples' || header.version !== 1) {
      throw new Error(`${path}: format must be ouroboros.samples version 1, got ${header.format} ${header.version}`);
    }
    return new SampleStore(dir, header);
  }

  static create(dir: string, layout: SampleLayout, chunkSamples = DEFAULT_CHUNK_SAMPLES): SampleStoreWriter {
    return new SampleStoreWriter(dir, layout, chunkSamples);
  }

  /** Writes a whole array of samples as a store and opens it. */
  static async write(dir: string, layout: SampleLayout, data: SampleArray): Promise<SampleStore> {
    const writer = SampleStore.create(dir, layout);
    writer.append(data);
    return writer.close();
  }

  async read(start: number, end: number): Promise<SampleArray> {
    if (start < 0 || end > this.count || start > end) {
      throw new RangeError(`${this.dir}: cannot read samples ${start}..${end} of ${this.count}`);
    }
    const size = sampleSize(this);
    const out = allocate(this.dtype, (end - start) * size);
    const bytesPer = out.BYTES_PER_ELEMENT * size;
    const bytes = new Uint8Array(out.buffer);
    let pos = start;
    while (pos < end) {
      const c = this.chunkIndex(pos);
      const chunk = this.header.chunks[c]!;
      const inChunk = pos - this.chunkStarts[c]!;
      const take = Math.min(end - pos, chunk.count - inChunk);
      const fd = openSync(join(this.dir, chunk.file), 'r');
      try {
        readSync(fd, bytes, (pos - start) * bytesPer, take * bytesPer, inChunk * bytesPer);
      } finally {
        closeSync(fd);
      }
      pos += take;
    }
    return out;
  }

  async readAll(): Promise<SampleArray> {
    return this.read(0, this.count);
  }

  /**
   * Samples at arbitrary indices, in the given order. Reads only the rows asked for (runs of
   * consecutive rows in one read), so a shuffled batch costs its own size, not its chunks'.
   */
  async gather(indices: ArrayLike<number>): Promise<SampleArray> {
    const size = sampleSize(this);
    const out = allocate(this.dtype, indices.length * size);
    const bytesPer = out.BYTES_PER_ELEMENT * size;
    const bytes = new Uint8Array(out.buffer);
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
        if (fd === undefined) fds.set(c, (fd = openSync(join(this.dir, this.header.chunks[c]!.file), 'r')));
        readSync(fd, bytes, i * bytesPer, run * bytesPer, (first - this.chunkStarts[c]!) * bytesPer);
        i += run;
      }
    } finally {
      for (const fd of fds.values()) closeSync(fd);
    }
    return out;
  }

  async *batches(batchSize: number, order?: Uint32Array): AsyncIterable<SampleArray> {
    for (let start = 0; start < this.count; start += batchSize) {
      const end = Math.min(this.count, start + batchSize);
      yield order ? await this.gather(order.subarray(start, end)) : await this.read(start, end);
    }
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

/** Appends samples to chunk files; `close()` fsyncs them and writes the header last. */
export class SampleStoreWriter {
  private readonly chunks: Array<{ file: string; count: number }> = [];
  private readonly size: number;
  private fd: number | null = null;
  private inChunk = 0;
  private count = 0;
  private closed = false;

  constructor(
    readonly dir: string,
    private readonly layout: SampleLayout,
    private readonly chunkSamples: number,
  ) {
    this.size = sampleSize(layout);
    if (this.size <= 0 || !layout.sampleShape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new Error(`${dir}: sampleShape must be positive integers, got [${layout.sampleShape.join(', ')}]`);
    }
    mkdirSync(dir, { recursive: true });
  }

  get written(): number {
    return this.count;
  }

  /** Appends `data.length / prod(sampleShape)` samples. */
  append(data: SampleArray): void {
    if (this.closed) throw new Error(`${this.dir}: store already closed`);
    const expected = this.layout.dtype === 'float32' ? Float32Array : Uint8Array;
    if (!(data instanceof expected)) throw new Error(`${this.dir}: expected ${this.layout.dtype} samples, got ${data.constructor.name}`);
    if (data.length % this.size !== 0) {
      throw new Error(`${this.dir}: ${data.length} values is not a whole number of samples of ${this.size} values`);
    }
    const n = data.length / this.size;
    let offset = 0;
    while (offset < n) {
      if (this.fd === null || this.inChunk === this.chunkSamples) this.startChunk();
      const take = Math.min(n - offset, this.chunkSamples - this.inChunk);
      const part = data.subarray(offset * this.size, (offset + take) * this.size);
      writeSync(this.fd!, new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
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
      chunks: this.chunks,
    };
    writeJsonAtomic(join(this.dir, HEADER_FILE), header);
    return SampleStore.open(this.dir);
  }

  private startChunk(): void {
    this.finishChunk();
    const file = `chunk-${String(this.chunks.length).padStart(5, '0')}.bin`;
    this.fd = openSync(join(this.dir, file), 'w');
    this.chunks.push({ file, count: 0 });
    this.inChunk = 0;
  }

  private finishChunk(): void {
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }
}

import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from './atomic-write.ts';
import { sha256Of } from './file-checksums.ts';
import { chunkFileName, DEFAULT_CHUNK_SAMPLES, labelFile, sampleSize, SampleStore, SampleStoreWriter, type SampleArray, type SampleDtype, type SampleLayout } from './sample-store.ts';

/** One append: its sample count and the sha256 of its bytes (and of its labels). */
interface JournalEntry {
  count: number;
  sha256: string;
  labelsSha256?: string;
}

interface JournalFile {
  format: 'ouroboros.sample-journal';
  version: 1;
  dtype: SampleDtype;
  sampleShape: number[];
  labelled: boolean;
  chunkSamples: number;
  entries: JournalEntry[];
}

/**
 * A sample store written batch by batch that outlives a stop or a crash: after each batch the
 * chunk files are fsynced and the journal (a JSON file beside the store) records the batch's
 * count and sha256. Opening it again keeps every batch the journal records whose bytes still
 * match, cuts the rest, and goes on from there; `written` says how many samples are kept.
 */
export class SampleJournal {
  private constructor(
    private readonly path: string,
    private readonly file: JournalFile,
    private readonly writer: SampleStoreWriter,
  ) {}

  /** Opens the store at `dir` with its journal at `path`, keeping what both vouch for; `note` hears what is discarded. */
  static open(dir: string, path: string, layout: SampleLayout & { labelled: boolean }, note: (line: string) => void = () => {}): SampleJournal {
    const fresh: JournalFile = {
      format: 'ouroboros.sample-journal',
      version: 1,
      dtype: layout.dtype,
      sampleShape: [...layout.sampleShape],
      labelled: layout.labelled,
      chunkSamples: DEFAULT_CHUNK_SAMPLES,
      entries: [],
    };
    const previous = readJournal(path, fresh);
    const kept = previous ? keptEntries(dir, previous, note) : [];
    if (!previous || kept.length === 0) {
      rmSync(dir, { recursive: true, force: true });
      const journal = new SampleJournal(path, fresh, SampleStore.create(dir, layout, fresh.chunkSamples));
      writeJsonAtomic(path, fresh);
      return journal;
    }
    const file = { ...previous, entries: kept };
    const count = kept.reduce((sum, entry) => sum + entry.count, 0);
    const journal = new SampleJournal(path, file, SampleStoreWriter.continueAfter(dir, layout, count, file.chunkSamples));
    writeJsonAtomic(path, file);
    return journal;
  }

  get written(): number {
    return this.writer.written;
  }

  append(values: SampleArray, labels?: Int32Array): void {
    this.writer.append(values, labels);
    this.writer.flush();
    this.file.entries.push({ count: values.length / sampleSize(this.file), sha256: sha256Of(bytesOf(values)), ...(labels ? { labelsSha256: sha256Of(bytesOf(labels)) } : {}) });
    writeJsonAtomic(this.path, this.file);
  }

  /** Writes the store's header (the store is complete) and opens it; the journal stays until the caller removes it. */
  close(): SampleStore {
    return this.writer.close();
  }
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** The journal at `path` when it is valid and of `layout`, else null. */
function readJournal(path: string, layout: JournalFile): JournalFile | null {
  if (!existsSync(path)) return null;
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as JournalFile;
    const same = file.format === layout.format && file.version === 1 && file.dtype === layout.dtype && file.labelled === layout.labelled && JSON.stringify(file.sampleShape) === JSON.stringify(layout.sampleShape);
    return same && Number.isInteger(file.chunkSamples) && Array.isArray(file.entries) ? file : null;
  } catch {
    return null;
  }
}

/** The journal's entries, in order, up to the first whose bytes are missing or differ. */
function keptEntries(dir: string, journal: JournalFile, note: (line: string) => void): JournalEntry[] {
  const bytesPer = sampleSize(journal) * (journal.dtype === 'float32' ? 4 : 1);
  const kept: JournalEntry[] = [];
  let start = 0;
  for (const entry of journal.entries) {
    const values = readSpan(dir, journal.chunkSamples, chunkFileName, bytesPer, start, entry.count);
    const labels = journal.labelled ? readSpan(dir, journal.chunkSamples, (c) => labelFile(chunkFileName(c)), 4, start, entry.count) : null;
    if (!values || sha256Of(values) !== entry.sha256 || (labels !== null && sha256Of(labels) !== entry.labelsSha256)) {
      note(`${dir}: samples ${start}..${start + entry.count - 1} do not match their journal; they and the ones after are drawn again (the same numbers, more time)`);
      break;
    }
    kept.push(entry);
    start += entry.count;
  }
  return kept;
}

/** The bytes of samples start..start+count-1 from the chunk files, or null where a file is short or missing. */
function readSpan(dir: string, chunkSamples: number, fileOf: (chunk: number) => string, bytesPer: number, start: number, count: number): Uint8Array | null {
  const out = new Uint8Array(count * bytesPer);
  let done = 0;
  while (done < count) {
    const sample = start + done;
    const chunk = Math.floor(sample / chunkSamples);
    const take = Math.min(count - done, chunkSamples - (sample % chunkSamples));
    const path = join(dir, fileOf(chunk));
    if (!existsSync(path)) return null;
    const fd = openSync(path, 'r');
    try {
      if (readSync(fd, out, done * bytesPer, take * bytesPer, (sample % chunkSamples) * bytesPer) !== take * bytesPer) return null;
    } finally {
      closeSync(fd);
    }
    done += take;
  }
  return out;
}

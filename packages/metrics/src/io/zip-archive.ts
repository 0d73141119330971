import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/** One file of a zip archive, as its central directory lists it. */
export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  /** Offset of the entry's local file header. */
  readonly headerOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_EOCD = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Random-access reader of a zip file (PKWARE APPNOTE 6.3: end of central directory, zip64 records
 * and extra fields, stored and deflated entries): lists the entries from the central directory
 * and reads one entry at a time, so a large archive is never read whole.
 */
export class ZipArchive {
  readonly entries: ReadonlyMap<string, ZipEntry>;
  private fd: number | null;

  private constructor(
    readonly path: string,
    fd: number,
    entries: Map<string, ZipEntry>,
  ) {
    this.fd = fd;
    this.entries = entries;
  }

  static open(path: string): ZipArchive {
    const fd = openSync(path, 'r');
    try {
      return new ZipArchive(path, fd, readCentralDirectory(fd, path));
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** The uncompressed bytes of entry `name`. */
  read(name: string): Uint8Array {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`${this.path}: no entry '${name}' in the zip archive`);
    const header = this.bytes(entry.headerOffset, 30);
    const view = new DataView(header.buffer, header.byteOffset, 30);
    if (view.getUint32(0, true) !== LOCAL) throw new Error(`${this.path}: entry '${name}' has no local header at byte ${entry.headerOffset}; expected a zip file`);
    const dataStart = entry.headerOffset + 30 + view.getUint16(26, true) + view.getUint16(28, true);
    const raw = this.bytes(dataStart, entry.compressedSize);
    if (entry.method === 0) return raw;
    if (entry.method === 8) return new Uint8Array(inflateRawSync(raw));
    throw new Error(`${this.path}: entry '${name}' uses compression method ${entry.method}; expected 0 (stored) or 8 (deflate)`);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private bytes(offset: number, length: number): Uint8Array {
    if (this.fd === null) throw new Error(`${this.path}: zip archive already closed`);
    return readAt(this.fd, offset, length, this.path);
  }
}

function readAt(fd: number, offset: number, length: number, path: string): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, done, length - done, offset + done);
    if (n === 0) throw new Error(`${path}: truncated at byte ${offset + done} (needs ${length - done} more); expected a complete zip file`);
    done += n;
  }
  return out;
}

function readCentralDirectory(fd: number, path: string): Map<string, ZipEntry> {
  const size = fstatSync(fd).size;
  // The end record is 22 bytes plus a comment of at most 65535.
  const tailLength = Math.min(size, 22 + 65535);
  const tail = readAt(fd, size - tailLength, tailLength, path);
  const tv = new DataView(tail.buffer);
  let at = -1;
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new Error(`${path}: no end-of-central-directory record; expected a zip file`);
  let count = tv.getUint16(at + 10, true);
  let dirSize = tv.getUint32(at + 12, true);
  let dirOffset = tv.getUint32(at + 16, true);
  if (at >= 20 && tv.getUint32(at - 20, true) === ZIP64_LOCATOR) {
    const record = readAt(fd, Number(tv.getBigUint64(at - 20 + 8, true)), 56, path);
    const rv = new DataView(record.buffer);
    if (rv.getUint32(0, true) !== ZIP64_EOCD) throw new Error(`${path}: zip64 locator points at no zip64 end record`);
    count = Number(rv.getBigUint64(32, true));
    dirSize = Number(rv.getBigUint64(40, true));
    dirOffset = Number(rv.getBigUint64(48, true));
  }
  const dir = readAt(fd, dirOffset, dirSize, path);
  const dv = new DataView(dir.buffer);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let e = 0; e < count; e++) {
    if (dv.getUint32(p, true) !== CENTRAL) throw new Error(`${path}: central directory entry ${e} is damaged at byte ${dirOffset + p}`);
    const nameLength = dv.getUint16(p + 28, true);
    const extraLength = dv.getUint16(p + 30, true);
    const commentLength = dv.getUint16(p + 32, true);
    const name = Buffer.from(dir.subarray(p + 46, p + 46 + nameLength)).toString('utf8');
    let compressedSize = dv.getUint32(p + 20, true);
    let uncompressed = dv.getUint32(p + 24, true);
    let headerOffset = dv.getUint32(p + 42, true);
    // Zip64 extended information (id 1): the 8-byte values of the fields saturated at 0xffffffff, in this order.
    for (let x = p + 46 + nameLength; x + 4 <= p + 46 + nameLength + extraLength; ) {
      const id = dv.getUint16(x, true);
      const length = dv.getUint16(x + 2, true);
      if (id === 1) {
        let f = x + 4;
        const next = () => Number(dv.getBigUint64((f += 8) - 8, true));
        if (uncompressed === 0xffffffff) uncompressed = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (headerOffset === 0xffffffff) headerOffset = next();
      }
      x += 4 + length;
    }
    entries.set(name, { name, method: dv.getUint16(p + 10, true), compressedSize, size: uncompressed, headerOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';

/** One member of a zip archive, as its central directory records it. */
export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc: number;
  readonly localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;

/**
 * A zip file read in place (PKWARE APPNOTE 6.3: central directory, zip64, stored and deflated
 * members), without loading the archive into memory: the member list comes from the central
 * directory, each member is read, inflated and CRC-checked on demand.
 */
export class ZipArchive {
  private constructor(
    readonly path: string,
    private readonly fd: number,
    readonly entries: readonly ZipEntry[],
  ) {}

  static open(path: string): ZipArchive {
    const fd = openSync(path, 'r');
    try {
      return new ZipArchive(path, fd, centralDirectory(fd, path));
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** The member called `name`, if there is one. */
  entry(name: string): ZipEntry | undefined {
    return this.entries.find((e) => e.name === name);
  }

  /** The member's bytes (by entry or name); throws naming the archive and member when they are not what the directory says. */
  read(member: ZipEntry | string): Uint8Array {
    const entry = typeof member === 'string' ? this.entry(member) : member;
    if (!entry) throw new Error(`${this.path}: no member '${member as string}'; expected it in the zip`);
    const where = `${this.path}: ${entry.name}`;
    const local = readAt(this.fd, entry.localOffset, 30);
    if (local.readUInt32LE(0) !== LOCAL) throw new Error(`${where}: no local header at byte ${entry.localOffset}; expected an intact zip file`);
    const start = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    const stored = readAt(this.fd, start, entry.compressedSize);
    if (stored.length < entry.compressedSize) throw new Error(`${where}: truncated (${stored.length} of ${entry.compressedSize} bytes); expected an intact zip file`);
    let data: Uint8Array;
    if (entry.method === 0) data = stored;
    else if (entry.method === 8) {
      try {
        data = inflateRawSync(stored);
      } catch (error) {
        throw new Error(`${where}: cannot be inflated (${(error as Error).message}); expected an intact zip file`);
      }
    } else throw new Error(`${where}: compression method ${entry.method}; expected stored (0) or deflate (8)`);
    if (data.length !== entry.size || crc32(data) !== entry.crc) throw new Error(`${where}: CRC or size mismatch; expected an intact zip file`);
    return data;
  }

  close(): void {
    closeSync(this.fd);
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? out : out.subarray(0, done);
}

function centralDirectory(fd: number, path: string): ZipEntry[] {
  const fileSize = fstatSync(fd).size;
  const tailStart = Math.max(0, fileSize - 22 - MAX_COMMENT);
  const tail = readAt(fd, tailStart, fileSize - tailStart);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new Error(`${path}: no end-of-central-directory record; expected a zip file`);
  let count = tail.readUInt16LE(at + 10);
  let size = tail.readUInt32LE(at + 12);
  let offset = tail.readUInt32LE(at + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locatorAt = tailStart + at - 20;
    const locator = readAt(fd, locatorAt, 20);
    if (locator.readUInt32LE(0) !== ZIP64_LOCATOR) throw new Error(`${path}: zip64 sizes without a zip64 locator; expected an intact zip file`);
    const record = readAt(fd, Number(locator.readBigUInt64LE(8)), 56);
    if (record.readUInt32LE(0) !== ZIP64_EOCD) throw new Error(`${path}: no zip64 end-of-central-directory record; expected an intact zip file`);
    count = Number(record.readBigUInt64LE(32));
    size = Number(record.readBigUInt64LE(40));
    offset = Number(record.readBigUInt64LE(48));
  }
  const directory = readAt(fd, offset, size);
  if (directory.length < size) throw new Error(`${path}: central directory runs past the end of the file; expected an intact zip file`);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > directory.length || directory.readUInt32LE(p) !== CENTRAL) throw new Error(`${path}: central directory entry ${i} is damaged; expected an intact zip file`);
    const flags = directory.readUInt16LE(p + 8);
    const nameLength = directory.readUInt16LE(p + 28);
    const extraLength = directory.readUInt16LE(p + 30);
    const commentLength = directory.readUInt16LE(p + 32);
    const nameBytes = directory.subarray(p + 46, p + 46 + nameLength);
    const name = nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1');
    if (flags & 1) throw new Error(`${path}: ${name} is encrypted; expected an unencrypted zip file`);
    const wide = zip64Fields(directory.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
    let compressedSize = directory.readUInt32LE(p + 20);
    let uncompressedSize = directory.readUInt32LE(p + 24);
    let localOffset = directory.readUInt32LE(p + 42);
    // The zip64 extra field holds, in this order, only the values whose 32-bit field is saturated.
    if (uncompressedSize === 0xffffffff) uncompressedSize = wide.shift() ?? uncompressedSize;
    if (compressedSize === 0xffffffff) compressedSize = wide.shift() ?? compressedSize;
    if (localOffset === 0xffffffff) localOffset = wide.shift() ?? localOffset;
    entries.push({ name, method: directory.readUInt16LE(p + 10), compressedSize, size: uncompressedSize, crc: directory.readUInt32LE(p + 16), localOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The 64-bit values of a zip64 extended-information extra field (header id 0x0001). */
function zip64Fields(extra: Buffer): number[] {
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      const values: number[] = [];
      for (let q = p + 4; q + 8 <= p + 4 + length; q += 8) values.push(Number(extra.readBigUInt64LE(q)));
      return values;
    }
    p += 4 + length;
  }
  return [];
}

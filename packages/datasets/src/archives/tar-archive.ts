import { gunzipSync } from 'node:zlib';

const BLOCK = 512;

/**
 * The regular files of a tar archive (POSIX ustar, GNU long names, pax `path` records), optionally
 * gzipped, by their full member names. Errors name `source` and what was expected.
 */
export function readTarArchive(bytes: Uint8Array, source: string): Map<string, Uint8Array> {
  const tar = isGzip(bytes) ? gunzip(bytes, source) : bytes;
  const files = new Map<string, Uint8Array>();
  let longName: string | undefined;
  for (let offset = 0; offset + BLOCK <= tar.length; ) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return files;
    if (checksum(header) !== octal(header.subarray(148, 156))) throw new Error(`${source}: bad tar header checksum at byte ${offset}; expected a tar or .tar.gz archive`);
    const size = entrySize(header.subarray(124, 136));
    const start = offset + BLOCK;
    if (start + size > tar.length) throw new Error(`${source}: truncated inside member ${JSON.stringify(headerName(header))} (needs ${size} bytes at byte ${start} of ${tar.length}); expected a complete archive`);
    const data = tar.subarray(start, start + size);
    const type = String.fromCharCode(header[156]!);
    if (type === 'L') longName = text(data);
    else if (type === 'x') longName = paxPath(data) ?? longName;
    else {
      if (type === '0' || type === '\0' || type === '7') files.set(longName ?? headerName(header), data);
      longName = undefined;
    }
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new Error(`${source}: ends after ${files.size} members without the end-of-archive block; expected a complete tar or .tar.gz archive`);
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The gunzipped bytes, or an error naming `source`. */
export function gunzip(bytes: Uint8Array, source: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new Error(`${source}: cannot be gunzipped (${(error as Error).message}); expected a complete gzip file`);
  }
}

function text(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(end < 0 ? bytes : bytes.subarray(0, end)).toString('utf8');
}

/** ustar: `prefix/name` when the prefix field is set. */
function headerName(header: Uint8Array): string {
  const name = text(header.subarray(0, 100));
  const ustar = text(header.subarray(257, 262)) === 'ustar';
  const prefix = ustar ? text(header.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function octal(field: Uint8Array): number {
  const digits = text(field).trim();
  return digits === '' ? 0 : parseInt(digits, 8);
}

/** Octal, or GNU base-256 (high bit of the first byte set) for members of 8 GiB and more. */
function entrySize(field: Uint8Array): number {
  if (!(field[0]! & 0x80)) return octal(field);
  let size = field[0]! & 0x7f;
  for (let i = 1; i < field.length; i++) size = size * 256 + field[i]!;
  return size;
}

/** Sum of the header bytes with the checksum field read as spaces. */
function checksum(header: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum;
}

/** The `path` of a pax extended header: records `LEN key=value\n`. */
function paxPath(data: Uint8Array): string | undefined {
  const records = Buffer.from(data).toString('utf8');
  const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(records);
  return match?.[1];
}

import { gunzip, isGzip } from '../archives/tar-archive.ts';

/** An IDX array of unsigned bytes (LeCun's MNIST format): its dimensions and row-major data. */
export interface IdxArray {
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

const UBYTE = 0x08;

/**
 * Reads an IDX file, plain or gzipped: magic 0x00 0x00, a type byte (0x08 = unsigned byte), the
 * number of dimensions, each dimension as a big-endian uint32, then the data row-major.
 */
export function readIdx(file: Uint8Array, source: string): IdxArray {
  const bytes = isGzip(file) ? gunzip(file, source) : file;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error(`${source}: does not start with the IDX magic 0x00 0x00; expected an IDX file (plain or .gz)`);
  if (bytes[2] !== UBYTE) throw new Error(`${source}: IDX type 0x${bytes[2]!.toString(16).padStart(2, '0')}; expected 0x08 (unsigned bytes) as MNIST files hold`);
  const rank = bytes[3]!;
  const header = 4 + 4 * rank;
  if (bytes.length < header) throw new Error(`${source}: truncated in its header; expected a complete IDX file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + size) {
    throw new Error(`${source}: ${bytes.length - header} data bytes for dimensions ${shape.join(' x ')} (${size}); expected a complete IDX file`);
  }
  return { shape, data: bytes.subarray(header) };
}

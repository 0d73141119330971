import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '@ouroboros/core';
import { findDuplicateKey } from './json-duplicate-key.ts';
import type { NamedArray } from './named-array.ts';
import { namedEntries, type Named } from './named.ts';
import { assertLittleEndianHost, dtypeBytes, elementCount, isSafeDtype, safeDtypes, typedArrayFor, type SafeDtype } from './safe-dtype.ts';

// The safetensors format (huggingface/safetensors README, "Format"): an 8-byte little-endian u64 N,
// N bytes of UTF-8 JSON starting with '{' (space-padded), then the byte buffer. The header maps each
// name to {dtype, shape, data_offsets: [begin, end)} relative to the buffer, plus an optional
// "__metadata__" string-to-string map. The tensors' ranges cover the buffer exactly: no holes, no overlaps.

/** The reference implementation's limit on N. */
export const maxHeaderBytes = 100_000_000;

/** A tensor to write: `data` holds its elements in the dtype's typed array (F16/BF16 as raw bits) or as raw bytes. */
export interface SafetensorsEntry {
  readonly dtype: SafeDtype;
  readonly shape: readonly number[];
  readonly data: ArrayBufferView;
}

export interface SafetensorsContents {
  /** In the order of their bytes in the file; each `data` is a view of the decoded bytes. */
  readonly tensors: Map<string, NamedArray>;
  readonly metadata: Record<string, string>;
}

const metadataKey = '__metadata__';

/**
 * The file's bytes. Tensors are laid out by decreasing element size, then by name, like the reference
 * writer, so with the 8-byte-aligned header every tensor starts at a multiple of its element size.
 */
export function encodeSafetensors(tensors: Named<SafetensorsEntry>, metadata: Readonly<Record<string, string>> = {}, destination = '<buffer>'): Uint8Array {
  assertLittleEndianHost();
  const entries = namedEntries(tensors).map(([name, entry]) => [name, checkedEntry(name, entry, destination)] as const);
  entries.sort(([a, x], [b, y]) => dtypeBytes[y.dtype] - dtypeBytes[x.dtype] || (a < b ? -1 : a > b ? 1 : 0));
  const fields = Object.keys(metadata).length > 0 ? [`"${metadataKey}":${JSON.stringify(checkedMetadata(metadata, destination))}`] : [];
  let offset = 0;
  for (const [name, entry] of entries) {
    const dataOffsets = [offset, offset + entry.data.byteLength];
    fields.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype: entry.dtype, shape: entry.shape, data_offsets: dataOffsets })}`);
    offset = dataOffsets[1]!;
  }
  const json = new TextEncoder().encode(`{${fields.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  if (headerLength > maxHeaderBytes) throw new Error(`${destination}: header of ${headerLength} bytes exceeds the safetensors limit of ${maxHeaderBytes}`);
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const [, { data }] of entries) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}

function checkedEntry(name: string, entry: SafetensorsEntry, destination: string): SafetensorsEntry {
  const where = `${destination}: tensor '${name}'`;
  if (name === metadataKey) throw new Error(`${where}: the name is reserved for the metadata map`);
  if (!isSafeDtype(entry.dtype)) throw new Error(`${where}: dtype ${JSON.stringify(entry.dtype)} is not one of ${safeDtypes.join(', ')}`);
  const count = Array.isArray(entry.shape) ? elementCount(entry.shape) : null;
  if (count === null) throw new Error(`${where}: shape ${JSON.stringify(entry.shape)} is not a list of non-negative integers`);
  const { data } = entry;
  const kind = typedArrayFor[entry.dtype];
  if (!(data instanceof kind || data instanceof Uint8Array)) {
    throw new Error(`${where}: ${entry.dtype} data must be a ${kind.name} (or raw bytes in a Uint8Array), got ${data?.constructor?.name ?? String(data)}`);
  }
  const bytes = count * dtypeBytes[entry.dtype];
  if (data.byteLength !== bytes) throw new Error(`${where}: ${entry.dtype} [${entry.shape.join(', ')}] needs ${bytes} bytes, got ${data.byteLength}`);
  return entry;
}

function checkedMetadata(metadata: Readonly<Record<string, string>>, source: string): Record<string, string> {
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new Error(`${source}: ${metadataKey}.${key} = ${JSON.stringify(value)}: expected a string`);
  }
  return metadata;
}

/** Parses and checks a whole safetensors file; every error names `source` and the tensor or field at fault. */
export function decodeSafetensors(bytes: Uint8Array, source = '<buffer>'): SafetensorsContents {
  if (bytes.length < 8) throw new Error(`${source}: ${bytes.length} bytes is too short for a safetensors file (it starts with an 8-byte header length)`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(maxHeaderBytes)) throw new Error(`${source}: header length ${headerLength} exceeds the safetensors limit of ${maxHeaderBytes} bytes`);
  const dataStart = 8 + Number(headerLength);
  if (dataStart > bytes.length) throw new Error(`${source}: header length ${headerLength} runs past the end of the ${bytes.length}-byte file (truncated?)`);
  const header = parseHeader(bytes.subarray(8, dataStart), source);
  const metadata = checkedMetadataField(header[metadataKey], source);
  const layout = Object.entries(header)
    .filter(([name]) => name !== metadataKey)
    .map(([name, info]) => checkedInfo(name, info, source))
    .sort((a, b) => a.begin - b.begin || a.end - b.end);
  const buffer = bytes.subarray(dataStart);
  checkCoverage(layout, buffer.length, source);
  const tensors = new Map<string, NamedArray>();
  for (const { name, dtype, shape, begin, end } of layout) tensors.set(name, { dtype, shape, data: buffer.subarray(begin, end) });
  return { tensors, metadata };
}

function parseHeader(headerBytes: Uint8Array, source: string): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    throw new Error(`${source}: header is not valid UTF-8`);
  }
  if (!text.startsWith('{')) throw new Error(`${source}: header must start with '{', found ${JSON.stringify(text.slice(0, 20))}`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: header is not valid JSON (${(error as Error).message})`);
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate !== null) throw new Error(`${source}: header repeats the key '${duplicate}' in one object`);
  return header as Record<string, unknown>;
}

function checkedMetadataField(value: unknown, source: string): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${source}: ${metadataKey} = ${JSON.stringify(value)}: expected an object of strings`);
  return checkedMetadata(value as Record<string, string>, source);
}

interface TensorLayout {
  readonly name: string;
  readonly dtype: SafeDtype;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

function checkedInfo(name: string, info: unknown, source: string): TensorLayout {
  const where = `${source}: tensor '${name}'`;
  if (info === null || typeof info !== 'object' || Array.isArray(info)) throw new Error(`${where}: expected {dtype, shape, data_offsets}, got ${JSON.stringify(info)}`);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (!isSafeDtype(dtype)) throw new Error(`${where}: dtype ${JSON.stringify(dtype)} is not one of ${safeDtypes.join(', ')}`);
  const count = Array.isArray(shape) ? elementCount(shape) : null;
  if (count === null) throw new Error(`${where}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  const [begin, end] = Array.isArray(offsets) ? (offsets as unknown[]) : [];
  const isOffset = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !isOffset(begin) || !isOffset(end) || end < begin) {
    throw new Error(`${where}: data_offsets ${JSON.stringify(offsets)} is not [begin, end] with 0 <= begin <= end`);
  }
  const dims = shape as number[];
  const bytes = count * dtypeBytes[dtype];
  if (end - begin !== bytes) throw new Error(`${where}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes, but ${dtype} [${dims.join(', ')}] needs ${bytes}`);
  return { name, dtype, shape: dims, begin, end };
}

/** The ranges, sorted by offset, must tile [0, bufferLength) exactly. */
function checkCoverage(layout: readonly TensorLayout[], bufferLength: number, source: string): void {
  let covered = 0;
  let previous = '';
  for (const { name, begin, end } of layout) {
    if (begin < covered) throw new Error(`${source}: tensor '${name}' data_offsets [${begin}, ${end}] overlap tensor '${previous}', which ends at byte ${covered}`);
    if (begin > covered) throw new Error(`${source}: tensor '${name}' data_offsets [${begin}, ${end}] leave a hole: bytes ${covered}..${begin} belong to no tensor`);
    covered = end;
    previous = name;
  }
  if (covered > bufferLength) throw new Error(`${source}: tensor '${previous}' ends at byte ${covered}, past the ${bufferLength}-byte data buffer (truncated file?)`);
  if (covered < bufferLength) throw new Error(`${source}: ${bufferLength - covered} bytes after the last tensor belong to no tensor (the data buffer holds ${bufferLength}, the tensors ${covered})`);
}

export function readSafetensorsFile(path: string): SafetensorsContents {
  const bytes = readFileSync(path);
  return decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}

/** Writes the file atomically (temporary file in the same folder, fsync, rename). */
export function writeSafetensorsFile(path: string, tensors: Named<SafetensorsEntry>, metadata: Readonly<Record<string, string>> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata, path));
}

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '@ouroboros/core/testing';
import { float32ToBf16Bits, float32ToF16Bits } from './half-float.ts';
import { toFloat32Array, toFloat64Array, typedElements } from './named-array.ts';
import { dtypeBytes, safeDtypes } from './safe-dtype.ts';
import { decodeSafetensors, encodeSafetensors, readSafetensorsFile, writeSafetensorsFile, type SafetensorsEntry } from './safetensors.ts';

const temp = tempDir('safetensors-');
afterAll(() => temp.cleanup());

/** One small tensor of every dtype, plus an empty one and a 0-d scalar. */
const everyDtype: Record<string, SafetensorsEntry> = {
  f64: { dtype: 'F64', shape: [3], data: new Float64Array([1.5, -2.25, 1e300]) },
  f32: { dtype: 'F32', shape: [2, 2], data: new Float32Array([0.1, -0, Infinity, 3]) },
  f16: { dtype: 'F16', shape: [3], data: Uint16Array.from([1, -0.5, 65504], float32ToF16Bits) },
  bf16: { dtype: 'BF16', shape: [3], data: Uint16Array.from([1, -0.5, 2 ** 100], float32ToBf16Bits) },
  i64: { dtype: 'I64', shape: [3], data: new BigInt64Array([-(2n ** 40n), 0n, 2n ** 53n]) },
  i32: { dtype: 'I32', shape: [3], data: new Int32Array([-2147483648, 0, 2147483647]) },
  i16: { dtype: 'I16', shape: [2], data: new Int16Array([-32768, 32767]) },
  i8: { dtype: 'I8', shape: [2], data: new Int8Array([-128, 127]) },
  u64: { dtype: 'U64', shape: [1], data: new BigUint64Array([2n ** 63n]) },
  u32: { dtype: 'U32', shape: [1], data: new Uint32Array([4294967295]) },
  u16: { dtype: 'U16', shape: [1], data: new Uint16Array([65535]) },
  u8: { dtype: 'U8', shape: [1, 1, 3], data: new Uint8Array([0, 128, 255]) },
  bool: { dtype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) },
  empty: { dtype: 'F32', shape: [0, 3], data: new Float32Array(0) },
  scalar: { dtype: 'F64', shape: [], data: new Float64Array([Math.PI]) },
};

const bytesOf = (view: ArrayBufferView) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
const headerLengthOf = (file: Uint8Array) => Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));

/** A file with the JSON `header` (an object, or raw text) and `dataLength` zero bytes of data. */
function fileWith(header: object | string, dataLength: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  return withLengthPrefix(BigInt(json.length), new Uint8Array([...json, ...new Uint8Array(dataLength)]));
}

function withLengthPrefix(headerLength: bigint, rest: Uint8Array): Uint8Array {
  const file = new Uint8Array(8 + rest.length);
  new DataView(file.buffer).setBigUint64(0, headerLength, true);
  file.set(rest, 8);
  return file;
}

describe('safetensors round trip', () => {
  it('keeps every dtype, shape and byte, including empty tensors and 0-d scalars, and the metadata', () => {
    expect(new Set(Object.values(everyDtype).map((e) => e.dtype))).toEqual(new Set(safeDtypes));
    const file = encodeSafetensors(everyDtype, { format: 'pt', note: 'ünïcode ✓' });
    const { tensors, metadata } = decodeSafetensors(file, 'every.safetensors');
    expect(metadata).toEqual({ format: 'pt', note: 'ünïcode ✓' });
    expect([...tensors.keys()].sort()).toEqual(Object.keys(everyDtype).sort());
    for (const [name, entry] of Object.entries(everyDtype)) {
      const array = tensors.get(name)!;
      expect({ name, dtype: array.dtype, shape: array.shape }).toEqual({ name, dtype: entry.dtype, shape: entry.shape });
      expect(array.data).toEqual(bytesOf(entry.data));
      expect(typedElements(array)).toEqual(entry.data);
    }
  });

  it('decodes values to float32 and float64: F16/BF16 exactly, integers and booleans as numbers', () => {
    const { tensors } = decodeSafetensors(encodeSafetensors(everyDtype));
    expect([...toFloat64Array(tensors.get('f16')!)]).toEqual([1, -0.5, 65504]);
    expect([...toFloat32Array(tensors.get('bf16')!)]).toEqual([1, -0.5, 2 ** 100]);
    expect([...toFloat64Array(tensors.get('i64')!)]).toEqual([-(2 ** 40), 0, 2 ** 53]);
    expect([...toFloat64Array(tensors.get('u64')!)]).toEqual([2 ** 63]);
    expect([...toFloat64Array(tensors.get('bool')!)]).toEqual([1, 0, 1]);
    expect([...toFloat32Array(tensors.get('f64')!)]).toEqual([1.5, -2.25, Infinity]);
    expect([...toFloat64Array(tensors.get('scalar')!)]).toEqual([Math.PI]);
    expect(toFloat32Array(tensors.get('empty')!)).toHaveLength(0);
  });

  it('is bit-exact for float32, including NaN payloads, -0, subnormals and infinities', () => {
    const bits = new Uint32Array(4096);
    let state = 12345;
    for (let i = 0; i < bits.length; i++) bits[i] = state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bits.set([0x80000000, 0x00000001, 0x7f800000, 0xff800000, 0x7fc00001, 0xffbfffff]);
    const file = encodeSafetensors({ x: { dtype: 'F32', shape: [64, 64], data: new Float32Array(bits.buffer) } });
    const back = typedElements(decodeSafetensors(file).tensors.get('x')!) as Float32Array;
    expect(new Uint32Array(back.buffer, back.byteOffset, back.length)).toEqual(bits);
  });

  it('lays the file out like the reference writer: space-padded 8-byte header, then tensors by element size and name', () => {
    const file = encodeSafetensors(everyDtype);
    const n = headerLengthOf(file);
    const text = new TextDecoder().decode(file.subarray(8, 8 + n));
    expect(n % 8).toBe(0);
    expect(text.startsWith('{') && /\} *$/.test(text)).toBe(true);
    const { tensors } = decodeSafetensors(file);
    const order = [...tensors.keys()];
    const sizes = order.map((name) => dtypeBytes[tensors.get(name)!.dtype]);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(order.slice(0, 4)).toEqual(['f64', 'i64', 'scalar', 'u64']);
    for (const array of tensors.values()) expect(array.data.byteOffset % dtypeBytes[array.dtype]).toBe(0);
  });

  it('writes the same bytes as the reference implementation for its one-tensor example', () => {
    const data = new Float32Array([0, 1, 2, 3, 4, 5]);
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(header.length).toBe(64);
    const expected = new Uint8Array([64, 0, 0, 0, 0, 0, 0, 0, ...new TextEncoder().encode(header), ...bytesOf(data)]);
    expect(encodeSafetensors({ 'attn.0': { dtype: 'F32', shape: [1, 2, 3], data } })).toEqual(expected);
    expect(encodeSafetensors({})).toEqual(new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]));
  });

  it('reads tensors listed in any order in the header, as long as their bytes tile the buffer', () => {
    const file = fileWith({ b: { dtype: 'U8', shape: [2], data_offsets: [4, 6] }, __metadata__: {}, a: { dtype: 'I16', shape: [2], data_offsets: [0, 4] } }, 6);
    file.set([1, 0, 2, 0, 7, 9], file.length - 6);
    const { tensors } = decodeSafetensors(file);
    expect([...tensors.keys()]).toEqual(['a', 'b']);
    expect([...toFloat64Array(tensors.get('a')!)]).toEqual([1, 2]);
    expect([...toFloat64Array(tensors.get('b')!)]).toEqual([7, 9]);
  });
});

describe('safetensors files', () => {
  it('are written atomically, leaving no temporary file, and read back', () => {
    const path = join(temp.dir, 'weights.safetensors');
    writeSafetensorsFile(path, everyDtype, { step: '3' });
    expect(readdirSync(temp.dir)).toEqual(['weights.safetensors']);
    const { tensors, metadata } = readSafetensorsFile(path);
    expect(metadata).toEqual({ step: '3' });
    expect(typedElements(tensors.get('i64')!)).toEqual(everyDtype.i64!.data);
  });

  it('name the file in every read error', () => {
    const path = join(temp.dir, 'broken.safetensors');
    writeFileSync(path, encodeSafetensors(everyDtype).subarray(0, -3));
    expect(() => readSafetensorsFile(path)).toThrow(`${path}: tensor 'u8' ends at byte`);
  });

  it('leave the old file in place when encoding fails', () => {
    const path = join(temp.dir, 'kept.safetensors');
    writeSafetensorsFile(path, { x: everyDtype.f32! });
    const before = readFileSync(path);
    expect(() => writeSafetensorsFile(path, { x: { dtype: 'F32', shape: [3], data: new Float32Array(2) } })).toThrow(`${path}: tensor 'x': F32 [3] needs 12 bytes, got 8`);
    expect(readFileSync(path)).toEqual(before);
    expect(existsSync(`${path}.tmp-${process.pid}`)).toBe(false);
  });
});

describe('corrupt safetensors files give one-line errors naming the file and the field', () => {
  const source = 'model.safetensors';
  const good = encodeSafetensors({ a: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) }, b: { dtype: 'F32', shape: [1], data: new Float32Array([3]) } });
  const cases: Array<[string, Uint8Array, string]> = [
    ['a file shorter than the header length', good.subarray(0, 5), `${source}: 5 bytes is too short`],
    ['a header length past the end of the file', withLengthPrefix(255n, new TextEncoder().encode('{}')), `${source}: header length 255 runs past the end of the 10-byte file`],
    ['a header length over the 100 MB limit', withLengthPrefix(2n ** 63n, new TextEncoder().encode('{}')), `${source}: header length 9223372036854775808 exceeds`],
    ['a truncated data buffer', good.subarray(0, good.length - 1), `${source}: tensor 'b' ends at byte 12, past the 11-byte data buffer`],
    ['trailing bytes after the last tensor', new Uint8Array([...good, 0]), `${source}: 1 bytes after the last tensor belong to no tensor`],
    ['overlapping offsets', fileWith({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), `${source}: tensor 'b' data_offsets [4, 8] overlap tensor 'a', which ends at byte 8`],
    ['a hole between tensors', fileWith({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, 12), `${source}: tensor 'b' data_offsets [8, 12] leave a hole: bytes 4..8`],
    ['an unknown dtype', fileWith({ a: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, 1), `${source}: tensor 'a': dtype "F8_E4M3" is not one of F64, F32`],
    ['offsets that disagree with dtype and shape', fileWith({ a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 12] } }, 12), `${source}: tensor 'a': data_offsets [0, 12] hold 12 bytes, but F32 [2, 2] needs 16`],
    ['a negative shape', fileWith({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }, 0), `${source}: tensor 'a': shape [-1] is not a list of non-negative integers`],
    ['reversed offsets', fileWith({ a: { dtype: 'U8', shape: [0], data_offsets: [4, 0] } }, 4), `${source}: tensor 'a': data_offsets [4,0] is not [begin, end]`],
    ['a header that is not JSON', fileWith('{"a": ', 0), `${source}: header is not valid JSON`],
    ['a header that does not start with {', fileWith(' {}', 0), `${source}: header must start with '{'`],
    ['a header that is a JSON array', fileWith('[]', 0), `${source}: header must start with '{', found "[]"`],
    ['invalid UTF-8 in the header', withLengthPrefix(7n, new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), `${source}: header is not valid UTF-8`], // {"\xff":1}
    ['a tensor named twice', fileWith('{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', 1), `${source}: header repeats the key 'a'`],
    ['metadata values that are not strings', fileWith({ __metadata__: { epoch: 3 } }, 0), `${source}: __metadata__.epoch = 3: expected a string`],
    ['a tensor entry that is not an object', fileWith({ a: [0, 1] }, 0), `${source}: tensor 'a': expected {dtype, shape, data_offsets}`],
  ];
  it.each(cases)('%s', (_label, bytes, message) => {
    let error: Error | undefined;
    try {
      decodeSafetensors(bytes, source);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toContain(message);
    expect(error?.message).not.toContain('\n');
  });
});

describe('encodeSafetensors rejects what it cannot write', () => {
  it.each([
    ['a typed array of the wrong kind', { x: { dtype: 'F32', shape: [2], data: new Int32Array(2) } }, "out.safetensors: tensor 'x': F32 data must be a Float32Array (or raw bytes in a Uint8Array), got Int32Array"],
    ['float32 values for an F16 tensor', { x: { dtype: 'F16', shape: [2], data: new Float32Array(2) } }, 'F16 data must be a Uint16Array'],
    ['the reserved metadata name', { __metadata__: { dtype: 'U8', shape: [0], data: new Uint8Array(0) } }, "tensor '__metadata__': the name is reserved"],
    ['an unknown dtype', { x: { dtype: 'F8', shape: [1], data: new Uint8Array(1) } }, 'dtype "F8" is not one of'],
    ['a fractional dimension', { x: { dtype: 'U8', shape: [1.5], data: new Uint8Array(1) } }, 'shape [1.5] is not a list of non-negative integers'],
  ] as Array<[string, Record<string, SafetensorsEntry>, string]>)('%s', (_label, tensors, message) => {
    expect(() => encodeSafetensors(tensors, {}, 'out.safetensors')).toThrow(message);
  });

  it('metadata values that are not strings', () => {
    expect(() => encodeSafetensors({}, { epoch: 3 as unknown as string }, 'out.safetensors')).toThrow('out.safetensors: __metadata__.epoch = 3: expected a string');
  });
});

import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPython, runPython, tempDir } from '@ouroboros/core/testing';
import { float32ToBf16Bits, float32ToF16Bits } from './half-float.ts';
import { toFloat64Array, typedElements, type NamedArray } from './named-array.ts';
import { readSafetensorsFile, writeSafetensorsFile, type SafetensorsEntry } from './safetensors.ts';
import { loadTensors } from './tensor-file.ts';

// Interoperability with PyTorch, without the `safetensors` Python package: the script below reads and
// writes the format with struct + json + tensor bytes, following the README's rules to the letter.

const python = findPython(['torch']);
const temp = tempDir('safetensors-torch-');
beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
});
afterAll(() => temp.cleanup());

/** Values where rounding to F16/BF16 is delicate: ties, subnormals, overflow. */
const delicate = [1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 65519, 65520, 2 ** -25, 3 * 2 ** -25, 1e-8, -1e5, 3.4e38, -0, 0.1, 1 / 3];

const ours: Record<string, SafetensorsEntry> = {
  'net.f64': { dtype: 'F64', shape: [2, 2], data: new Float64Array([1 / 3, -2.5, 1e300, -0]) },
  'net.f32': { dtype: 'F32', shape: [3], data: new Float32Array([0.1, -7, 3e-42]) },
  'net.f16': { dtype: 'F16', shape: [4], data: Uint16Array.from([1, -0.5, 65504, 2 ** -24], float32ToF16Bits) },
  'net.bf16': { dtype: 'BF16', shape: [2], data: Uint16Array.from([1.5, -(2 ** 100)], float32ToBf16Bits) },
  i64: { dtype: 'I64', shape: [3], data: new BigInt64Array([-(2n ** 62n), 0n, 2n ** 62n + 1n]) },
  i32: { dtype: 'I32', shape: [2], data: new Int32Array([-2147483648, 2147483647]) },
  i16: { dtype: 'I16', shape: [1], data: new Int16Array([-300]) },
  i8: { dtype: 'I8', shape: [2], data: new Int8Array([-128, 5]) },
  u8: { dtype: 'U8', shape: [2], data: new Uint8Array([200, 0]) },
  mask: { dtype: 'BOOL', shape: [1, 2], data: new Uint8Array([0, 1]) },
  empty: { dtype: 'F32', shape: [0, 3], data: new Float32Array(0) },
  scalar: { dtype: 'F64', shape: [], data: new Float64Array([2.75]) },
};

const script = `
import json, math, struct, sys, torch
DTYPES = {'F64': torch.float64, 'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16, 'I64': torch.int64,
          'I32': torch.int32, 'I16': torch.int16, 'I8': torch.int8, 'U8': torch.uint8, 'BOOL': torch.bool}
NAMES = {v: k for k, v in DTYPES.items()}

def number(x):
    return x if math.isfinite(x) else 'NaN' if x != x else 'Infinity' if x > 0 else '-Infinity'

def describe(t):
    flat = t.flatten()
    values = [str(x) for x in flat.tolist()] if not (t.is_floating_point() or t.dtype == torch.bool) else [number(x) for x in flat.double().tolist()]
    return {'dtype': NAMES[t.dtype], 'shape': list(t.shape), 'values': values}

def read(path):
    raw = open(path, 'rb').read()
    (n,) = struct.unpack('<Q', raw[:8])
    text = raw[8:8 + n].decode('utf-8')
    assert n % 8 == 0 and text.startswith('{') and text == text.rstrip(' ') + ' ' * (len(text) - len(text.rstrip(' ')))
    header = json.loads(text)
    metadata = header.pop('__metadata__', {})
    buffer = raw[8 + n:]
    covered, out = 0, {}
    for name, info in sorted(header.items(), key=lambda item: tuple(item[1]['data_offsets'])):
        begin, end = info['data_offsets']
        dtype = DTYPES[info['dtype']]
        size = torch.tensor([], dtype=dtype).element_size()
        count = 1
        for d in info['shape']:
            count *= d
        assert begin == covered and end - begin == count * size, name
        assert (8 + n + begin) % size == 0, 'misaligned ' + name
        covered = end
        t = torch.frombuffer(bytearray(buffer[begin:end]), dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)
        out[name] = describe(t.reshape(info['shape']))
    assert covered == len(buffer)
    return {'metadata': metadata, 'tensors': out}

def write(path, tensors, metadata):
    header, chunks, offset = {'__metadata__': metadata}, [], 0
    for name in sorted(tensors):  # name order, unlike our writer: any order that tiles the buffer is valid
        t = tensors[name].contiguous()
        data = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
        header[name] = {'dtype': NAMES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(chunks))

ours_path, theirs_path, delicate = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
g = torch.Generator().manual_seed(7)
base = torch.cat([torch.randn(20, generator=g) * 10.0 ** torch.randint(-6, 6, (20,), generator=g), torch.tensor(delicate)]).float()
theirs = {
    'x.f32': base, 'x.f16': base.half(), 'x.bf16': base.bfloat16(), 'x.f64': base.double() / 3,
    'i64': torch.tensor([-2**62, 0, 2**62 + 1]), 'i32': torch.arange(-3, 3, dtype=torch.int32).reshape(2, 3),
    'i16': torch.tensor([-300, 300], dtype=torch.int16), 'i8': torch.tensor([-128, 127], dtype=torch.int8),
    'u8': torch.tensor([0, 255], dtype=torch.uint8), 'mask': torch.tensor([[True, False]]),
    'empty': torch.zeros(0, 3), 'scalar': torch.tensor(2.5, dtype=torch.float64),
}
write(theirs_path, theirs, {'format': 'pt', 'writer': 'python'})
print(json.dumps({'ours': read(ours_path), 'theirs': {name: describe(t) for name, t in theirs.items()},
                  'f16_bits': base.half().view(torch.int16).tolist(), 'bf16_bits': base.bfloat16().view(torch.int16).tolist()}))
`;

interface Described {
  dtype: string;
  shape: number[];
  values: Array<number | string>;
}
interface PythonReport {
  ours: { metadata: Record<string, string>; tensors: Record<string, Described> };
  theirs: Record<string, Described>;
  f16_bits: number[];
  bf16_bits: number[];
}

/** Exact values: decimal strings for integers (64-bit ones exceed doubles), numbers for floats and booleans but 'Infinity' and 'NaN'. */
function valuesOf(array: NamedArray): Array<number | string> {
  if (array.dtype.includes('F') || array.dtype === 'BOOL') return Array.from(toFloat64Array(array), (x) => (Number.isFinite(x) ? x : String(x)));
  return Array.from(typedElements(array) as ArrayLike<number | bigint>, String);
}

describe.skipIf(!python)('safetensors interoperability with PyTorch (needs python3 with torch)', () => {
  let report: PythonReport;
  const oursPath = join(temp.dir, 'ours.safetensors');
  const theirsPath = join(temp.dir, 'theirs.safetensors');

  beforeAll(() => {
    writeSafetensorsFile(oursPath, ours, { format: 'pt', writer: 'ouroboros' });
    report = JSON.parse(runPython(python!, script, [oursPath, theirsPath, JSON.stringify(delicate)])) as PythonReport;
  });

  it('Python reads every tensor our writer produced, with the right dtype, shape and values', () => {
    expect(report.ours.metadata).toEqual({ format: 'pt', writer: 'ouroboros' });
    expect(Object.keys(report.ours.tensors).sort()).toEqual(Object.keys(ours).sort());
    const written = readSafetensorsFile(oursPath).tensors;
    for (const [name, entry] of Object.entries(ours)) {
      const expected = { dtype: entry.dtype, shape: entry.shape, values: valuesOf(written.get(name)!) };
      expect({ name, ...report.ours.tensors[name] }).toEqual({ name, ...expected });
    }
    expect(report.ours.tensors.i64!.values).toEqual(['-4611686018427387904', '0', '4611686018427387905']);
  });

  it('our reader reads every tensor Python wrote, bit for bit', () => {
    const { tensors, metadata } = readSafetensorsFile(theirsPath);
    expect(metadata).toEqual({ format: 'pt', writer: 'python' });
    expect([...tensors.keys()].sort()).toEqual(Object.keys(report.theirs).sort());
    for (const [name, described] of Object.entries(report.theirs)) {
      const array = tensors.get(name)!;
      expect({ name, dtype: array.dtype, shape: array.shape, values: valuesOf(array) }).toEqual({ name, ...described });
    }
  });

  it("our float32 -> F16/BF16 rounding agrees with torch's .half() and .bfloat16() bit for bit", () => {
    const base = typedElements(readSafetensorsFile(theirsPath).tensors.get('x.f32')!) as Float32Array;
    const signed16 = (bits: number) => (bits << 16) >> 16;
    expect(Array.from(base, (x) => signed16(float32ToF16Bits(x)))).toEqual(report.f16_bits);
    expect(Array.from(base, (x) => signed16(float32ToBf16Bits(x)))).toEqual(report.bf16_bits);
  });

  it('loadTensors turns the PyTorch file into tfjs tensors: halves and doubles as float32, integers as int32', () => {
    // Its I64 tensor holds ±2^62, which int32 cannot: loading it is an error, so it is left out here.
    expect(() => loadTensors(theirsPath)).toThrow(`${theirsPath}: tensor 'i64' (I64) holds -4611686018427387904 at element 0, outside int32`);
    const { i64: _tooWide, ...rest } = report.theirs;
    const file = readSafetensorsFile(theirsPath);
    file.tensors.delete('i64');
    writeSafetensorsFile(join(temp.dir, 'no-i64.safetensors'), file.tensors);
    const loaded = loadTensors(join(temp.dir, 'no-i64.safetensors'));
    for (const [name, described] of Object.entries(rest)) {
      const tensor = loaded[name]!;
      const expectedDtype = described.dtype === 'BOOL' ? 'bool' : described.dtype.includes('F') ? 'float32' : 'int32';
      const values = described.values.map((v) => (typeof v === 'string' ? Number(v) : Math.fround(v)));
      expect({ name, dtype: tensor.dtype, shape: tensor.shape, values: [...tensor.dataSync()] }).toEqual({ name, dtype: expectedDtype, shape: described.shape, values });
    }
    tf.dispose(Object.values(loaded));
  });
});

import { describe, expect, it } from 'vitest';
import { findPython, runPython } from '@ouroboros/core/testing';
import { isNdArray, type NdArray } from './py-values.ts';
import { unpickle } from './unpickle.ts';

const python = findPython(['numpy']);

/** Writes one pickle per protocol of a CIFAR-like batch and prints them as hex. */
const script = `
import pickle, sys, json
import numpy as np
batch = {
  'data': np.arange(24, dtype=np.uint8).reshape(4, 6) * 10,
  'labels': [1, 2, 3, 9],
  'batch_label': 'training batch 1 of 5',
  'filenames': [b'cat_1.png', b'dog_2.png'],
  'f32': np.array([[1.5, -2.0], [0.25, 3.0]], dtype=np.float32),
  'i64': np.array([-1, 2**40], dtype=np.int64),
  'fortran': np.asfortranarray(np.arange(6, dtype=np.int32).reshape(2, 3)),
  'misc': (None, True, False, 1.5, -5, 2**70, -(2**63), {3}, ()),
}
print(json.dumps({str(p): pickle.dumps(batch, protocol=p).hex() for p in (0, 2, 3, 4, 5)}))
`;

function typed(array: NdArray): number[] {
  const b = array.data;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const size = Number(array.dtype.slice(2));
  const out: number[] = [];
  for (let i = 0; i < b.length; i += size) {
    if (array.dtype.endsWith('f4')) out.push(view.getFloat32(i, true));
    else if (array.dtype.endsWith('i8')) out.push(Number(view.getBigInt64(i, true)));
    else if (array.dtype.endsWith('i4')) out.push(view.getInt32(i, true));
    else out.push(b[i]!);
  }
  return out;
}

describe('unpickle', () => {
  it.skipIf(!python)('reads what Python pickles at protocols 0, 2, 3, 4 and 5: numpy arrays, bytes, text, ints, floats, sets (needs python3 with numpy)', () => {
    const pickles = JSON.parse(runPython(python!, script)) as Record<string, string>;
    for (const [protocol, hex] of Object.entries(pickles)) {
      const batch = unpickle(Uint8Array.from(Buffer.from(hex, 'hex')), { source: `protocol ${protocol}` }) as Map<string, unknown>;
      const data = batch.get('data') as NdArray;
      expect(isNdArray(data), protocol).toBe(true);
      expect([data.dtype, data.shape, data.fortranOrder]).toEqual(['|u1', [4, 6], false]);
      expect([...data.data]).toEqual(Array.from({ length: 24 }, (_, i) => (i * 10) % 256));
      expect(batch.get('labels')).toEqual([1, 2, 3, 9]);
      expect(batch.get('batch_label')).toBe('training batch 1 of 5');
      expect((batch.get('filenames') as Uint8Array[]).map((f) => Buffer.from(f).toString())).toEqual(['cat_1.png', 'dog_2.png']);
      expect(typed(batch.get('f32') as NdArray)).toEqual([1.5, -2, 0.25, 3]);
      expect(typed(batch.get('i64') as NdArray)).toEqual([-1, 2 ** 40]);
      const fortran = batch.get('fortran') as NdArray;
      expect([fortran.fortranOrder, typed(fortran)]).toEqual([true, [0, 3, 1, 4, 2, 5]]);
      expect(batch.get('misc')).toEqual([null, true, false, 1.5, -5, 2n ** 70n, -(2n ** 63n), new Set([3]), []]);
    }
  });

  it('reads a Python 2 cPickle protocol-2 dict whose keys and array data are 8-bit strings (the CIFAR-10 layout)', () => {
    const op = (...parts: Array<number | string>) => parts.flatMap((p) => (typeof p === 'number' ? [p] : [...Buffer.from(p, 'latin1')]));
    const shortString = (s: string) => op(0x55, s.length, s);
    const bytes = Uint8Array.from([
      ...op(0x80, 2, 0x7d, 0x71, 1, 0x28),
      ...shortString('labels'),
      ...op(0x5d, 0x71, 2, 0x28, 0x4b, 6, 0x4b, 9, 0x65),
      ...shortString('data'),
      ...op(0x63, 'numpy.core.multiarray\n_reconstruct\n', 0x71, 3, 0x63, 'numpy\nndarray\n', 0x4b, 0, 0x85),
      ...shortString('b'),
      ...op(0x87, 0x52, 0x28, 0x4b, 1, 0x4b, 2, 0x4b, 2, 0x86),
      ...op(0x63, 'numpy\ndtype\n'),
      ...shortString('u1'),
      ...op(0x4b, 0, 0x4b, 1, 0x87, 0x52, 0x28, 0x4b, 3),
      ...shortString('|'),
      ...op(0x4e, 0x4e, 0x4e, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x4b, 0, 0x74, 0x62, 0x89),
      ...op(0x54, 4, 0, 0, 0, '\xff\x00\x80\x07'),
      ...op(0x74, 0x62, 0x75, 0x2e),
    ]);
    const batch = unpickle(bytes, { source: 'data_batch_1' }) as Map<string, unknown>;
    expect(batch.get('labels')).toEqual([6, 9]);
    const data = batch.get('data') as NdArray;
    expect([data.dtype, data.shape, [...data.data]]).toEqual(['|u1', [2, 2], [255, 0, 128, 7]]);
  });

  it('refuses unknown classes, truncated input and unknown opcodes with the source named', () => {
    const global = Uint8Array.from([0x80, 2, ...Buffer.from('cos\nsystem\n'), 0x2e]);
    expect(() => unpickle(global, { source: 'evil.pkl' })).toThrow(/^evil\.pkl: refers to os\.system, which this reader does not know; expected a pickle file$/);
    expect(() => unpickle(Uint8Array.from([0x80, 2, 0x4a, 1]), { source: 'cut.pkl' })).toThrow(/^cut\.pkl: truncated at byte 3/);
    expect(() => unpickle(Uint8Array.from([0x80, 2, 0xfe]), { source: 'odd.pkl' })).toThrow(/unknown opcode 0xfe at byte 2/);
  });
});

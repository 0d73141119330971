import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@ouroboros/core/testing';
import { float32ToBf16Bits, float32ToF16Bits } from './half-float.ts';
import { readSafetensorsFile, writeSafetensorsFile } from './safetensors.ts';
import { loadTensors, saveTensors } from './tensor-file.ts';

const temp = tempDir('tensor-file-');
beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
});
afterAll(() => temp.cleanup());

describe('saveTensors / loadTensors', () => {
  it('round-trip float32, int32 and bool tensors, empty and 0-d ones included, bit for bit', async () => {
    const path = join(temp.dir, 'tensors.safetensors');
    const tensors = {
      'net.w': tf.tensor2d([[1.5, -0, 3.25e-41], [NaN, Infinity, 1 / 3]]),
      'net.steps': tf.tensor1d([-7, 0, 2147483647], 'int32'),
      mask: tf.tensor1d([true, false, true], 'bool'),
      empty: tf.zeros([0, 4]),
      scale: tf.scalar(0.1),
    };
    await saveTensors(path, tensors, { kind: 'test' });
    expect(readSafetensorsFile(path).metadata).toEqual({ kind: 'test' });
    const dtypes = Object.fromEntries([...readSafetensorsFile(path).tensors].map(([name, a]) => [name, a.dtype]));
    expect(dtypes).toEqual({ 'net.w': 'F32', 'net.steps': 'I32', mask: 'BOOL', empty: 'F32', scale: 'F32' });
    const loaded = loadTensors(path);
    for (const [name, tensor] of Object.entries(tensors)) {
      const back = loaded[name]!;
      expect({ name, dtype: back.dtype, shape: back.shape }).toEqual({ name, dtype: tensor.dtype, shape: tensor.shape });
      const [a, b] = [tensor.dataSync(), back.dataSync()];
      expect(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)).toEqual(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    }
    tf.dispose([...Object.values(tensors), ...Object.values(loaded)]);
  });

  it('load half and double precision as float32 and narrow integers as int32', () => {
    const path = join(temp.dir, 'mixed.safetensors');
    writeSafetensorsFile(path, {
      h: { dtype: 'F16', shape: [2], data: Uint16Array.from([0.5, -3], float32ToF16Bits) },
      b: { dtype: 'BF16', shape: [2], data: Uint16Array.from([0.5, -3], float32ToBf16Bits) },
      d: { dtype: 'F64', shape: [1], data: new Float64Array([0.1]) },
      l: { dtype: 'I64', shape: [2], data: new BigInt64Array([-5n, 2n ** 31n - 1n]) },
      u: { dtype: 'U8', shape: [2], data: new Uint8Array([0, 255]) },
    });
    const loaded = loadTensors(path);
    expect(Object.fromEntries(Object.entries(loaded).map(([n, t]) => [n, [t.dtype, [...t.dataSync()]]]))).toEqual({
      h: ['float32', [0.5, -3]],
      b: ['float32', [0.5, -3]],
      d: ['float32', [Math.fround(0.1)]],
      l: ['int32', [-5, 2147483647]],
      u: ['int32', [0, 255]],
    });
    tf.dispose(Object.values(loaded));
  });

  it('refuse 64-bit integers that int32 cannot hold, naming the file and the tensor', () => {
    const path = join(temp.dir, 'big.safetensors');
    writeSafetensorsFile(path, { idx: { dtype: 'I64', shape: [2], data: new BigInt64Array([1n, 2n ** 31n]) } });
    expect(() => loadTensors(path)).toThrow(`${path}: tensor 'idx' (I64) holds 2147483648 at element 1, outside int32`);
  });

  it('refuse tfjs dtypes the format cannot hold', async () => {
    const z = tf.complex([1], [2]);
    await expect(saveTensors(join(temp.dir, 'c.safetensors'), { z })).rejects.toThrow("c.safetensors: tensor 'z' has tfjs dtype complex64; only float32, int32 and bool can be saved");
    z.dispose();
  });
});

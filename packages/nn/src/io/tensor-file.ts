import * as tf from '@tensorflow/tfjs';
import { toFloat32Array, typedElements, type NamedArray } from './named-array.ts';
import { namedEntries, type Named } from './named.ts';
import { readSafetensorsFile, writeSafetensorsFile, type SafetensorsEntry } from './safetensors.ts';
import type { SafeDtype } from './safe-dtype.ts';

// The bridge between tfjs tensors and safetensors files. tfjs holds float32, int32 and bool, written as
// F32, I32 and BOOL; on reading, every float dtype becomes float32 and every integer dtype int32.

const fileDtypeOf: Partial<Record<tf.DataType, SafeDtype>> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

/** Writes `tensors` (left undisposed) to `path` atomically. */
export async function saveTensors(path: string, tensors: Named<tf.Tensor>, metadata: Readonly<Record<string, string>> = {}): Promise<void> {
  const entries: Array<[string, SafetensorsEntry]> = [];
  for (const [name, tensor] of namedEntries(tensors)) {
    const dtype = fileDtypeOf[tensor.dtype];
    if (dtype === undefined) throw new Error(`${path}: tensor '${name}' has tfjs dtype ${tensor.dtype}; only float32, int32 and bool can be saved`);
    const values = await tensor.data();
    const data = dtype === 'BOOL' ? Uint8Array.from(values as Uint8Array, (v) => (v ? 1 : 0)) : (values as Float32Array | Int32Array);
    entries.push([name, { dtype, shape: tensor.shape, data }]);
  }
  writeSafetensorsFile(path, new Map(entries), metadata);
}

/** Every tensor of the file at `path` as a tfjs tensor, which the caller disposes. */
export function loadTensors(path: string): Record<string, tf.Tensor> {
  return toTfTensors(readSafetensorsFile(path).tensors, path);
}

/** tfjs tensors (the caller disposes them) from decoded safetensors arrays; integers must fit int32. */
export function toTfTensors(arrays: Named<NamedArray>, source = '<buffer>'): Record<string, tf.Tensor> {
  const entries = namedEntries(arrays).map(([name, array]) => [name, toTfTensor(name, array, source)] as const);
  return Object.fromEntries(entries);
}

function toTfTensor(name: string, array: NamedArray, source: string): tf.Tensor {
  const shape = [...array.shape];
  switch (array.dtype) {
    case 'F64':
    case 'F32':
    case 'F16':
    case 'BF16':
      return tf.tensor(toFloat32Array(array), shape, 'float32');
    case 'BOOL':
      return tf.tensor(Uint8Array.from(typedElements(array) as Uint8Array, (b) => (b ? 1 : 0)), shape, 'bool');
    case 'I32':
      return tf.tensor(Int32Array.from(typedElements(array) as Int32Array), shape, 'int32');
    default:
      return tf.tensor(int32Values(name, array, source), shape, 'int32');
  }
}

function int32Values(name: string, array: NamedArray, source: string): Int32Array {
  const elements = typedElements(array);
  const out = new Int32Array(elements.length);
  for (let i = 0; i < elements.length; i++) {
    const value = elements[i]!;
    if (value < -2147483648 || value > 2147483647) throw new Error(`${source}: tensor '${name}' (${array.dtype}) holds ${value} at element ${i}, outside int32 (tfjs has no 64-bit integers)`);
    out[i] = Number(value);
  }
  return out;
}

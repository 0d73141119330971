import { isNdArray, unpickle, type NdArray } from '@ouroboros/nn';
import { CIFAR_IMAGE_BYTES, checkLabels, planesToHwc, type CifarBatch } from './cifar-batch.ts';

const EXPECTED = 'expected a CIFAR-10 python batch (a pickled dict with data: uint8 array N x 3072 and labels: N class numbers)';

/**
 * A batch of the python version (`data_batch_1`): a pickled dict whose `data` is a uint8 numpy
 * array N x 3072 (R, G, B planes per row) and `labels` N class numbers. Reads the Python 2 cPickle
 * files of the official archive and batches re-pickled by Python 3 alike.
 */
export function readCifarPythonBatch(bytes: Uint8Array, source: string): CifarBatch {
  const batch = unpickle(bytes, { source });
  if (!(batch instanceof Map)) throw new Error(`${source}: holds ${describe(batch)}, not a dict; ${EXPECTED}`);
  const data = batch.get('data');
  if (!isNdArray(data)) {
    const keys = [...batch.keys()].map(String).join(', ');
    throw new Error(`${source}: ${data === undefined ? `has no 'data' key (keys: ${keys})` : `'data' is ${describe(data)}`}; ${EXPECTED}`);
  }
  const count = checkData(data, source);
  const labels = labelList(batch.get('labels'), count, source, [...batch.keys()].map(String));
  checkLabels(labels, source);
  const images = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  for (let i = 0; i < count; i++) planesToHwc(data.data, i * CIFAR_IMAGE_BYTES, images, i * CIFAR_IMAGE_BYTES);
  return { images, labels };
}

/** The number of images in `data`, after checking its dtype, shape, order and size. */
function checkData(data: NdArray, source: string): number {
  if (data.dtype.replace(/^[|<>=]/, '') !== 'u1') throw new Error(`${source}: 'data' has dtype ${data.dtype}; ${EXPECTED}`);
  if (data.shape.length !== 2 || data.shape[1] !== CIFAR_IMAGE_BYTES) throw new Error(`${source}: 'data' has shape (${data.shape.join(', ')}); ${EXPECTED}`);
  if (data.fortranOrder && data.shape[0]! > 1) throw new Error(`${source}: 'data' is in Fortran order; ${EXPECTED} in C order`);
  const count = data.shape[0]!;
  if (data.data.length !== count * CIFAR_IMAGE_BYTES) throw new Error(`${source}: 'data' holds ${data.data.length} bytes for shape (${count}, ${CIFAR_IMAGE_BYTES}); ${EXPECTED}`);
  return count;
}

/** `labels` as int32: a list of ints, or a 1-D integer numpy array. */
function labelList(labels: unknown, count: number, source: string, keys: string[]): Int32Array {
  if (labels === undefined) {
    const hint = keys.includes('fine_labels') ? ' (fine_labels: a CIFAR-100 file?)' : '';
    throw new Error(`${source}: has no 'labels' key (keys: ${keys.join(', ')})${hint}; ${EXPECTED}`);
  }
  const values = Array.isArray(labels) ? labels : isNdArray(labels) ? integerArray(labels, source) : undefined;
  if (!values) throw new Error(`${source}: 'labels' is ${describe(labels)}; ${EXPECTED}`);
  if (values.length !== count) throw new Error(`${source}: ${values.length} labels for ${count} images; ${EXPECTED}`);
  const out = new Int32Array(count);
  values.forEach((label, i) => {
    if (typeof label !== 'number') throw new Error(`${source}: label ${i} is ${describe(label)}; ${EXPECTED}`);
    out[i] = Number.isInteger(label) ? label : -1;
  });
  return out;
}

function integerArray(array: NdArray, source: string): number[] {
  const dtype = array.dtype.replace(/^[|<=]/, '');
  const size = { u1: 1, i1: 1, i2: 2, i4: 4, i8: 8 }[dtype];
  if (size === undefined || array.dtype.startsWith('>') || array.shape.length !== 1) throw new Error(`${source}: 'labels' is a ${array.dtype} array of shape (${array.shape.join(', ')}); ${EXPECTED}`);
  const view = new DataView(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  return Array.from({ length: array.shape[0]! }, (_, i) =>
    size === 1 ? (dtype === 'u1' ? view.getUint8(i) : view.getInt8(i)) : size === 2 ? view.getInt16(i * 2, true) : size === 4 ? view.getInt32(i * 4, true) : Number(view.getBigInt64(i * 8, true)),
  );
}

function describe(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Map) return 'a dict';
  if (value instanceof Uint8Array) return 'bytes';
  if (isNdArray(value)) return `a ${value.dtype} array`;
  return `a ${typeof value}`;
}

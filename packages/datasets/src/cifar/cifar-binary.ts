import { CIFAR_IMAGE_BYTES, checkLabels, planesToHwc, type CifarBatch } from './cifar-batch.ts';

const RECORD_BYTES = 1 + CIFAR_IMAGE_BYTES;

/** A batch of the binary version (`data_batch_1.bin`): records of 1 label byte and 3072 pixel bytes (R, G, B planes). */
export function readCifarBinaryBatch(bytes: Uint8Array, source: string): CifarBatch {
  if (bytes.length === 0 || bytes.length % RECORD_BYTES !== 0) {
    throw new Error(
      `${source}: ${bytes.length} bytes is not a whole number of ${RECORD_BYTES}-byte records (1 label byte + ${CIFAR_IMAGE_BYTES} pixel bytes); expected a complete CIFAR-10 binary batch`,
    );
  }
  const count = bytes.length / RECORD_BYTES;
  const images = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = bytes[i * RECORD_BYTES]!;
    planesToHwc(bytes, i * RECORD_BYTES + 1, images, i * CIFAR_IMAGE_BYTES);
  }
  checkLabels(labels, source);
  return { images, labels };
}

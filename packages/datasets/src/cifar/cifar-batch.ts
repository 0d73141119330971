/** CIFAR-10's image side, channels and bytes per image. */
export const CIFAR_SIDE = 32;
export const CIFAR_IMAGE_BYTES = CIFAR_SIDE * CIFAR_SIDE * 3;
export const CIFAR_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

/** The images of one CIFAR batch, NHWC, and their labels. */
export interface CifarBatch {
  readonly images: Uint8Array;
  readonly labels: Int32Array;
}

/**
 * One image from CIFAR's planar layout (1024 red, then 1024 green, then 1024 blue bytes, each plane
 * row-major) into HWC: out[(y * 32 + x) * 3 + k] = planes[k * 1024 + y * 32 + x].
 */
export function planesToHwc(planes: Uint8Array, planesOffset: number, out: Uint8Array, outOffset: number): void {
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  for (let p = 0; p < plane; p++) {
    const o = outOffset + p * 3;
    out[o] = planes[planesOffset + p]!;
    out[o + 1] = planes[planesOffset + plane + p]!;
    out[o + 2] = planes[planesOffset + 2 * plane + p]!;
  }
}

/** Throws naming `source` unless every label is a CIFAR-10 class number. */
export function checkLabels(labels: ArrayLike<number>, source: string): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (!(Number.isInteger(label) && label >= 0 && label < CIFAR_CLASSES.length)) {
      throw new Error(`${source}: image ${i} has label ${label}; expected a CIFAR-10 class number 0-9`);
    }
  }
}

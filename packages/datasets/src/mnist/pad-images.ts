/** `count` square one-channel images of side `side` with `pad` black pixels added on every side. */
export function padImages(images: Uint8Array, count: number, side: number, pad: number): Uint8Array {
  if (pad === 0) return images;
  const out = side + 2 * pad;
  const padded = new Uint8Array(count * out * out);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < side; y++) padded.set(images.subarray((n * side + y) * side, (n * side + y + 1) * side), (n * out + y + pad) * out + pad);
  }
  return padded;
}

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { selectBackend } from '@ouroboros/nn';
import { MlpDenoiser } from './mlp-denoiser.ts';
import { UNet, upsampleNearest2x, type UNetOptions } from './unet.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

const tiny: UNetOptions = { channels: 8, channelMult: [1, 2], resBlocks: 1, attentionResolutions: [4], dropout: 0.1, groups: 4, heads: 2, layout: 'ddpm' };

/** Parameters of a U-Net counted layer by layer from the layout's description (not from the code). */
function unetParameters(o: UNetOptions, imageChannels: number, height: number, classes = 0): number {
  const conv = (cin: number, cout: number, k: number) => k * k * cin * cout + cout;
  const dense = (cin: number, cout: number) => cin * cout + cout;
  const norm = (c: number) => 2 * c;
  const emb = 4 * o.channels;
  const res = (cin: number, cout: number) => norm(cin) + conv(cin, cout, 3) + dense(emb, cout) + norm(cout) + conv(cout, cout, 3) + (cin === cout ? 0 : conv(cin, cout, 1));
  const attention = (c: number) => norm(c) + dense(c, 3 * c) + dense(c, c);
  const attends = (level: number) => o.attentionResolutions.includes(height >> level);
  const widths = o.channelMult.map((m) => m * o.channels);
  let total = dense(o.channels, emb) + dense(emb, emb) + (classes > 0 ? (classes + 1) * emb : 0) + conv(imageChannels, o.channels, 3);
  const skips: number[] = o.layout === 'ddpm' ? [o.channels] : [];
  let c = o.channels;
  widths.forEach((w, level) => {
    for (let i = 0; i < o.resBlocks; i++) {
      total += res(c, w) + (attends(level) ? attention(w) : 0);
      c = w;
      if (o.layout === 'ddpm') skips.push(c);
    }
    if (o.layout === 'compact') skips.push(c);
    if (level < widths.length - 1) {
      total += conv(c, c, 3);
      if (o.layout === 'ddpm') skips.push(c);
    }
  });
  total += o.layout === 'ddpm' ? 2 * res(c, c) + attention(c) : res(c, c);
  for (let level = widths.length - 1; level >= 0; level--) {
    const blocks = o.layout === 'ddpm' ? o.resBlocks + 1 : o.resBlocks;
    for (let i = 0; i < blocks; i++) {
      const skip = o.layout === 'ddpm' || i === 0 ? skips.pop()! : 0;
      total += res(c + skip, widths[level]!) + (attends(level) ? attention(widths[level]!) : 0);
      c = widths[level]!;
    }
    if (level > 0) total += conv(c, c, 3);
  }
  return total + norm(c) + conv(c, imageChannels, 3);
}

describe('UNet', () => {
  it('returns the input shape at 8, 16 and 32 px, 1 and 3 channels, both layouts, with and without classes', () => {
    const before = tf.memory().numTensors;
    for (const [size, channels, layout, classes] of [[8, 3, 'ddpm', 0], [16, 1, 'compact', 3], [32, 3, 'ddpm', 2]] as const) {
      const options: UNetOptions = { ...tiny, channelMult: [1, 2, 2], layout, attentionResolutions: [size / 2] };
      const net = new UNet([size, size, channels], classes, options, Rng.from(size));
      const x = tf.randomNormal([2, size, size, channels], 0, 1, 'float32', 1);
      const c = tf.tensor1d([3, 700]);
      const labels = classes > 0 ? tf.tensor1d([0, classes], 'int32') : null;
      const y = net.apply(x, c, labels, Rng.from(0));
      expect(y.shape).toEqual([2, size, size, channels]);
      expect(net.parameterCount()).toBe(unetParameters(options, channels, size, classes));
      tf.dispose([x, y, c, ...(labels ? [labels] : [])]);
      net.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it("has DDPM's CIFAR-10 size (35.7 M, Ho et al. 2020) and the benchmark network's exact PyTorch count (2,771,779)", () => {
    const cifar: UNetOptions = { channels: 128, channelMult: [1, 2, 2, 2], resBlocks: 2, attentionResolutions: [16], dropout: 0.1, groups: 32, heads: 1, layout: 'ddpm' };
    const ddpm = new UNet([32, 32, 3], 0, cifar, Rng.from(0));
    expect(ddpm.parameterCount()).toBe(unetParameters(cifar, 3, 32));
    expect(Math.round(ddpm.parameterCount() / 1e5) / 10).toBe(35.7);
    ddpm.dispose();
    const bench: UNetOptions = { channels: 64, channelMult: [1, 2, 2], resBlocks: 1, attentionResolutions: [], dropout: 0, groups: 8, heads: 1, layout: 'compact' };
    const small = new UNet([32, 32, 3], 0, bench, Rng.from(0));
    // sum(p.numel() for p in UNet().parameters()) of /work/shared/bench-ref/unet.py
    expect(small.parameterCount()).toBe(2_771_779);
    small.dispose();
  });

  it('starts as a function of its input only through the zero-initialised output conv: all zeros, and refuses bad shapes', () => {
    const net = new UNet([8, 8, 3], 0, tiny, Rng.from(1));
    const y = net.apply(tf.randomNormal([1, 8, 8, 3]), tf.tensor1d([1]), null, null);
    expect(Array.from(y.dataSync()).every((v) => v === 0)).toBe(true);
    net.dispose();
    expect(() => new UNet([6, 6, 3], 0, { ...tiny, channelMult: [1, 2, 2] }, Rng.from(0))).toThrow(/must be divisible by 4; got 6x6/);
    expect(() => new UNet([2], 0, tiny, Rng.from(0))).toThrow(/needs image samples/);
  });
});

describe('upsampleNearest2x', () => {
  it('equals resizeNearestNeighbor forwards, and its gradient sums each 2x2 block', () => {
    const x = tf.randomNormal([2, 3, 5, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
    const expected = tf.image.resizeNearestNeighbor(x, [6, 10]);
    expect(Array.from(upsampleNearest2x(x).dataSync())).toEqual(Array.from(expected.dataSync()));
    const dy = tf.randomNormal([2, 6, 10, 4], 0, 1, 'float32', 3);
    const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(upsampleNearest2x(input as tf.Tensor4D), dy)))(x);
    const pooled = tf.mul(tf.avgPool(dy as tf.Tensor4D, 2, 2, 'valid'), 4);
    const [got, want] = [dx.dataSync(), pooled.dataSync()];
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 5);
  });
});

describe('MlpDenoiser', () => {
  it('maps [b, ...shape] to the same shape, with a one-hot of classes + 1 entries in its input', () => {
    const net = new MlpDenoiser([2, 3], 4, { hidden: 16, layers: 2, timeEmbedding: 8 }, Rng.from(0));
    // (6 + 8 + 5)·16 + 16 + 16·16 + 16 + 16·6 + 6
    expect(net.parameterCount()).toBe(19 * 16 + 16 + 16 * 16 + 16 + 16 * 6 + 6);
    const y = net.apply(tf.zeros([3, 2, 3]), tf.tensor1d([0, 1, 2]), tf.tensor1d([0, 3, 4], 'int32'));
    expect(y.shape).toEqual([3, 2, 3]);
    net.dispose();
  });
});

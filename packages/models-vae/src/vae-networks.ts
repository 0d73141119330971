import * as tf from '@tensorflow/tfjs';
import { sampleSize, type DataInfo, type Rng } from '@ouroboros/core';
import { Conv2d, Dense, Mlp, Module, silu } from '@ouroboros/nn';

/** The two halves of a VAE: q(z|x) as a mean and log-variance, and the mean of p(x|z). */
export interface VaeNetwork extends Module {
  /** x [b, ...sampleShape] -> [mu, log sigma^2], each [b, latent]. */
  encode(x: tf.Tensor): [tf.Tensor2D, tf.Tensor2D];
  /** z [b, latent] -> the decoder's location, [b, ...sampleShape]. */
  decode(z: tf.Tensor2D): tf.Tensor;
  /** log s of the decoder's per-value scale, [D] (one learned scale per dimension or pixel value). */
  readonly logScale: tf.Variable;
}

/** MLP encoder D -> hidden^layers -> 2 latent and decoder latent -> hidden^layers -> D, SiLU between layers. */
export class MlpVaeNetwork extends Module implements VaeNetwork {
  private readonly encoder: Mlp;
  private readonly decoder: Mlp;
  readonly logScale: tf.Variable;

  constructor(
    private readonly data: DataInfo,
    latent: number,
    hidden: number,
    layers: number,
    rng: Rng,
  ) {
    super();
    const d = sampleSize(data);
    const widths = Array<number>(layers).fill(hidden);
    this.encoder = this.child('encoder', new Mlp([d, ...widths, 2 * latent], rng.fork('encoder'), { activation: 'silu' }));
    this.decoder = this.child('decoder', new Mlp([latent, ...widths, d], rng.fork('decoder'), { activation: 'silu' }));
    this.logScale = this.param('log_scale', tf.zeros([d]));
  }

  encode(x: tf.Tensor): [tf.Tensor2D, tf.Tensor2D] {
    return tf.split(this.encoder.apply(x.reshape([x.shape[0]!, -1])), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
  }

  decode(z: tf.Tensor2D): tf.Tensor {
    return this.decoder.apply(z).reshape([z.shape[0], ...this.data.sampleShape]);
  }
}

/**
 * Convolutional encoder and decoder for HWC images (DCGAN-like, as the VAEs of the model-collapse
 * papers): 3x3 conv, then `downsample` stride-2 4x4 convs with explicit padding 1, each doubling the
 * channels, and a dense head to 2 latent; the decoder mirrors it with nearest-neighbour upsampling
 * (reshape + tile) and 3x3 convs, its output squashed into [-1, 1] by tanh.
 */
export class ConvVaeNetwork extends Module implements VaeNetwork {
  private readonly stem: Conv2d;
  private readonly down: Conv2d[];
  private readonly head: Dense;
  private readonly project: Dense;
  private readonly up: Conv2d[];
  private readonly out: Conv2d;
  private readonly bottom: [number, number, number];
  readonly logScale: tf.Variable;

  constructor(
    data: DataInfo,
    latent: number,
    channels: number,
    downsample: number,
    rng: Rng,
  ) {
    super();
    const [height, width, colours] = data.sampleShape as [number, number, number];
    const factor = 2 ** downsample;
    if (height % factor !== 0 || width % factor !== 0) {
      throw new RangeError(`vae: images of ${height}x${width} cannot be halved ${downsample} times; set downsample so that 2^downsample divides both sides`);
    }
    const widths = Array.from({ length: downsample + 1 }, (_, i) => channels * 2 ** i);
    this.bottom = [height / factor, width / factor, widths[downsample]!];
    const bottomSize = this.bottom[0] * this.bottom[1] * this.bottom[2];
    this.stem = this.child('stem', new Conv2d(colours, channels, 3, rng.fork('stem'), { padding: 1 }));
    this.down = widths.slice(0, -1).map((c, i) => this.child(`down.${i}`, new Conv2d(c, widths[i + 1]!, 4, rng.fork('down', i), { stride: 2, padding: 1 })));
    this.head = this.child('head', new Dense(bottomSize, 2 * latent, rng.fork('head')));
    this.project = this.child('project', new Dense(latent, bottomSize, rng.fork('project')));
    this.up = widths
      .slice(1)
      .reverse()
      .map((c, i) => this.child(`up.${i}`, new Conv2d(c, widths[downsample - 1 - i]!, 3, rng.fork('up', i), { padding: 1 })));
    this.out = this.child('out', new Conv2d(channels, colours, 3, rng.fork('out'), { padding: 1 }));
    this.logScale = this.param('log_scale', tf.fill([height * width * colours], -2));
  }

  encode(x: tf.Tensor): [tf.Tensor2D, tf.Tensor2D] {
    return tf.tidy(() => {
      let h = silu(this.stem.apply(x));
      for (const conv of this.down) h = silu(conv.apply(h));
      return tf.split(this.head.apply(h.reshape([x.shape[0]!, -1])), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    });
  }

  decode(z: tf.Tensor2D): tf.Tensor {
    return tf.tidy(() => {
      let h = silu(this.project.apply(z)).reshape([z.shape[0], ...this.bottom]);
      for (const conv of this.up) h = silu(conv.apply(upsample2x(h as tf.Tensor4D)));
      return tf.tanh(this.out.apply(h));
    });
  }
}

/**
 * Nearest-neighbour 2x upsampling by reshape and tile, [b, h, w, c] -> [b, 2h, 2w, c]: rows, then
 * columns, each a rank-3 tile (tfjs has no rank-6 tile gradient; ResizeNearestNeighborGrad is buggy in 4.22).
 */
export function upsample2x(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf.tidy(() => {
    const rows = x.reshape([b * h, 1, w * c]).tile([1, 2, 1]);
    return rows.reshape([b * 2 * h * w, 1, c]).tile([1, 2, 1]).reshape([b, 2 * h, 2 * w, c]);
  });
}

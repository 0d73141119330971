import * as tf from '@tensorflow/tfjs';
import type { DataInfo, Rng, RunContext } from '@ouroboros/core';
import { TrainedModel, diagonalGaussianLogDensity, normalNoise, type Batch, type TrainingOptions } from '@ouroboros/nn';
import { gaussianKl, logisticLogDensity } from './elbo.ts';
import { ConvVaeNetwork, MlpVaeNetwork, type VaeNetwork } from './vae-networks.ts';

/** What builds the network (checked against model.json on load) and how the likelihood is estimated. */
export interface VaeSettings {
  readonly latent: number;
  readonly hidden: number;
  readonly layers: number;
  readonly channels: number;
  readonly downsample: number;
  readonly elboSamples: number;
  /** Samples decoded per batch (VAE_SAMPLE_BATCH when left out); each batch draws from its own fork. */
  readonly sampleBatch?: number;
}

/** Samples decoded per batch unless the options say otherwise. */
export const VAE_SAMPLE_BATCH = 512;
/** Bounds on the decoder's log-scale and the encoder's log-variance, keeping exp() finite early in training. */
const LOG_SCALE = [-7, 3] as const;
const LOG_VAR = [-16, 8] as const;

/**
 * A variational auto-encoder (Kingma and Welling 2014): q(z|x) = N(mu(x), diag sigma^2(x)), prior
 * N(0, I), and p(x|z) a Gaussian (vectors) or a continuous logistic (dequantized images) around the
 * decoder's output with one learned scale per value. Trained by maximising the ELBO
 * E_q[log p(x|z)] - KL(q(z|x) || p(z)) with reparametrised noise from the step's rng; the ELBO, in
 * nats in model space, is its likelihood (a lower bound). MLPs for vectors, convolutions for images.
 */
export class VaeModel extends TrainedModel {
  readonly family = 'vae';
  readonly likelihood = 'bound' as const;
  readonly architecture: Record<string, unknown>;
  private readonly network: VaeNetwork;
  private readonly latent: number;
  private readonly elboSamples: number;
  private readonly sampleBatch: number;
  private readonly images: boolean;

  constructor(data: DataInfo, settings: VaeSettings, training: TrainingOptions, rng: Rng) {
    const images = data.kind === 'image';
    const network = images
      ? new ConvVaeNetwork(data, settings.latent, settings.channels, settings.downsample, rng.fork('network'))
      : new MlpVaeNetwork(data, settings.latent, settings.hidden, settings.layers, rng.fork('network'));
    super(data, network, training, true);
    this.network = network;
    this.images = images;
    this.latent = settings.latent;
    this.elboSamples = settings.elboSamples;
    this.sampleBatch = settings.sampleBatch ?? VAE_SAMPLE_BATCH;
    this.architecture = images
      ? { network: 'conv', sampleShape: [...data.sampleShape], latent: settings.latent, channels: settings.channels, downsample: settings.downsample }
      : { network: 'mlp', sampleShape: [...data.sampleShape], latent: settings.latent, hidden: settings.hidden, layers: settings.layers };
  }

  /** Minus the mean one-draw ELBO of the batch, in nats per sample. */
  loss(batch: Batch, rng: Rng): tf.Scalar {
    return tf.tidy(() => this.elbo(batch.x, rng).mean().neg() as tf.Scalar);
  }

  /** z ~ N(0, I), then x ~ p(x|z), all noise from ctx.rng (forked per batch); sampling weights (EMA when enabled). */
  async *sample(n: number, ctx: RunContext): AsyncIterable<tf.Tensor> {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`vae.sample: n = ${n}; expected a non-negative integer`);
    for (let start = 0; start < n; start += this.sampleBatch) {
      const rows = Math.min(this.sampleBatch, n - start);
      const rng = ctx.rng.fork('batch', start);
      const z = normalNoise([rows, this.latent], rng.fork('z'));
      const noise = this.images ? logistics(rng.fork('x'), [rows, ...this.data.sampleShape]) : normalNoise([rows, ...this.data.sampleShape], rng.fork('x'));
      const x = this.withSamplingWeights(() =>
        tf.tidy(() => {
          const scale = this.network.logScale.clipByValue(...LOG_SCALE).exp().reshape([...this.data.sampleShape]);
          return this.network.decode(z as tf.Tensor2D).add(noise.mul(scale));
        }),
      );
      tf.dispose([z, noise]);
      ctx.progress((start + rows) / n, `${start + rows}/${n} samples`);
      yield x;
    }
  }

  /** The ELBO of each row of x in nats (model space), averaged over `elboSamples` reparametrised draws from ctx.rng; float64. */
  async logLikelihood(x: tf.Tensor, ctx: RunContext): Promise<Float64Array> {
    const total = new Float64Array(x.shape[0]!);
    for (let k = 0; k < this.elboSamples; k++) {
      const elbo = this.withSamplingWeights(() => tf.tidy(() => this.elbo(x, ctx.rng.fork('elbo', k))));
      const values = await elbo.data();
      elbo.dispose();
      for (let i = 0; i < total.length; i++) total[i] = total[i]! + values[i]! / this.elboSamples;
    }
    return total;
  }

  /** One-draw ELBO per row [b]: log p(x|z) - KL(q(z|x) || N(0, I)) with z = mu + sigma eps, eps ~ N(0, I) from `rng`. */
  private elbo(x: tf.Tensor, rng: Rng): tf.Tensor1D {
    const [mu, rawLogVar] = this.network.encode(x);
    const logVar = rawLogVar.clipByValue(...LOG_VAR) as tf.Tensor2D;
    const z = mu.add(logVar.mul(0.5).exp().mul(normalNoise([x.shape[0]!, this.latent], rng))) as tf.Tensor2D;
    const logScale = this.network.logScale.clipByValue(...LOG_SCALE);
    const rows = (t: tf.Tensor) => t.reshape([x.shape[0]!, -1]);
    const density = this.images ? logisticLogDensity : diagonalGaussianLogDensity;
    return density(rows(x), rows(this.network.decode(z)), logScale).sub(gaussianKl(mu, logVar));
  }
}

/** Standard logistic draws log u - log(1 - u), u ~ U(0, 1) from `rng`, as a float32 tensor. */
function logistics(rng: Rng, shape: readonly number[]): tf.Tensor {
  const u = rng.uniforms(shape.reduce((a, b) => a * b, 1), 1e-7, 1 - 1e-7);
  return tf.tensor(Float32Array.from(u, (v) => Math.log(v) - Math.log1p(-v)), [...shape], 'float32');
}

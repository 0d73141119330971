import * as tf from '@tensorflow/tfjs';
import { Mlp, sinusoidalEmbedding } from '@ouroboros/nn';
import type { Rng } from '@ouroboros/core';
import { DenoiserNetwork, labelsOrNull } from './denoiser-network.ts';

export interface MlpDenoiserOptions {
  hidden: number;          // width of every hidden layer
  layers: number;          // hidden layers
  timeEmbedding: number;   // sinusoidal embedding features of the conditioning c
}

/**
 * The denoiser of low-dimensional data (the 2-D DDPM/flow-matching MLPs of the diffusion tutorials
 * and of torchcfm's examples): [flatten(x) ++ sinusoidal(c) ++ onehot(y)] -> hidden ... -> D, SiLU
 * between layers (the one-hot of a class-conditional net has classes + 1 entries, the last the null
 * label). Works on any sample shape by flattening it. Parameters: `mlp.layers.<i>.{weight,bias}`.
 */
export class MlpDenoiser extends DenoiserNetwork {
  readonly architecture: Record<string, unknown>;
  private readonly mlp: Mlp;
  private readonly dims: number;

  constructor(
    sampleShape: readonly number[],
    readonly classes: number,
    readonly options: MlpDenoiserOptions,
    rng: Rng,
  ) {
    super();
    this.dims = sampleShape.reduce((a, b) => a * b, 1);
    const { hidden, layers, timeEmbedding } = options;
    const labelFeatures = classes > 0 ? classes + 1 : 0;
    const sizes = [this.dims + timeEmbedding + labelFeatures, ...Array.from({ length: layers }, () => hidden), this.dims];
    this.mlp = this.child('mlp', new Mlp(sizes, rng.fork('mlp'), { activation: 'silu' }));
    this.architecture = { network: 'mlp', hidden, layers, timeEmbedding, classes, sampleShape: [...sampleShape] };
  }

  // F(x, c, y) = MLP([x, emb(c), onehot(y)])
  apply(x: tf.Tensor, c: tf.Tensor1D, labels: tf.Tensor1D | null): tf.Tensor {
    return tf.tidy(() => {
      const rows = x.shape[0]!;
      const parts = [tf.reshape(x, [rows, this.dims]), sinusoidalEmbedding(c, this.options.timeEmbedding)];
      if (this.classes > 0) parts.push(tf.oneHot(labelsOrNull(labels, rows, this.classes), this.classes + 1));
      return tf.reshape(this.mlp.apply(tf.concat(parts, 1)), x.shape);
    });
  }
}

import * as tf from '@tensorflow/tfjs';
import { inceptionBlocks, type ConvSpec, type InceptionBlock } from './inception-architecture.ts';
import type { InceptionWeights } from './inception-weights.ts';

interface ConvUnit {
  readonly filter: tf.Tensor4D;
  readonly bias: tf.Tensor1D;
  readonly stride: number;
  readonly pad: 'valid' | [[number, number], [number, number], [number, number], [number, number]];
}

/**
 * pytorch-fid's FID Inception-V3 on NHWC tensors: images [n, 299, 299, 3] in [-1, 1] to pool3
 * features [n, 2048]. Each BasicConv2d is one fused conv + bias + ReLU (BatchNorm folded); the
 * FID blocks' pools are TensorFlow's: 3x3 average pooling that leaves the padding out of the
 * average (A, C, E_1), 3x3 max pooling in E_2.
 */
export class FidInceptionV3 {
  private readonly units = new Map<string, ConvUnit>();

  constructor(weights: InceptionWeights) {
    for (const [name, { spec, filter, bias }] of weights) {
      const [kh, kw] = spec.kernel;
      this.units.set(name, {
        filter: tf.tensor4d(filter, [kh, kw, spec.inChannels, spec.outChannels]),
        bias: tf.tensor1d(bias),
        stride: spec.stride,
        pad: padding(spec),
      });
    }
  }

  /** Pool3 features of a batch; call inside tf.tidy or dispose the result. */
  features(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      let x = images;
      for (const block of inceptionBlocks) x = this.block(block, x);
      return tf.mean(x, [1, 2]) as tf.Tensor2D;
    });
  }

  dispose(): void {
    for (const unit of this.units.values()) tf.dispose([unit.filter, unit.bias]);
    this.units.clear();
  }

  private block(block: InceptionBlock, x: tf.Tensor4D): tf.Tensor4D {
    if (block.kind === 'stem') {
      const [c1a, c2a, c2b, c3b, c4a] = block.convs.map((spec) => (y: tf.Tensor4D) => this.conv(spec, y));
      const pooled = tf.maxPool(c2b!(c2a!(c1a!(x))), 3, 2, 'valid');
      return tf.maxPool(c4a!(c3b!(pooled)), 3, 2, 'valid');
    }
    const c = block.convs;
    const run = (...names: string[]) => names.reduce((y, name) => this.conv(c[name]!, y), x);
    switch (block.kind) {
      case 'A':
        return concat([run('branch1x1'), run('branch5x5_1', 'branch5x5_2'), run('branch3x3dbl_1', 'branch3x3dbl_2', 'branch3x3dbl_3'), this.conv(c.branch_pool!, averageExcludingPadding(x))]);
      case 'B':
        return concat([run('branch3x3'), run('branch3x3dbl_1', 'branch3x3dbl_2', 'branch3x3dbl_3'), tf.maxPool(x, 3, 2, 'valid')]);
      case 'C':
        return concat([
          run('branch1x1'),
          run('branch7x7_1', 'branch7x7_2', 'branch7x7_3'),
          run('branch7x7dbl_1', 'branch7x7dbl_2', 'branch7x7dbl_3', 'branch7x7dbl_4', 'branch7x7dbl_5'),
          this.conv(c.branch_pool!, averageExcludingPadding(x)),
        ]);
      case 'D':
        return concat([run('branch3x3_1', 'branch3x3_2'), run('branch7x7x3_1', 'branch7x7x3_2', 'branch7x7x3_3', 'branch7x7x3_4'), tf.maxPool(x, 3, 2, 'valid')]);
      case 'E1':
      case 'E2': {
        const b3 = run('branch3x3_1');
        const b3dbl = run('branch3x3dbl_1', 'branch3x3dbl_2');
        const pooled = block.kind === 'E1' ? averageExcludingPadding(x) : tf.maxPool(x, 3, 1, 'same');
        return concat([
          run('branch1x1'),
          concat([this.conv(c.branch3x3_2a!, b3), this.conv(c.branch3x3_2b!, b3)]),
          concat([this.conv(c.branch3x3dbl_3a!, b3dbl), this.conv(c.branch3x3dbl_3b!, b3dbl)]),
          this.conv(c.branch_pool!, pooled),
        ]);
      }
    }
  }

  // y = relu(conv(x, W') + b'), W' and b' the BatchNorm-folded weights
  private conv(spec: ConvSpec, x: tf.Tensor4D): tf.Tensor4D {
    const unit = this.units.get(spec.name)!;
    return tf.fused.conv2d({ x, filter: unit.filter, strides: unit.stride, pad: unit.pad, bias: unit.bias, activation: 'relu' });
  }
}

function padding(spec: ConvSpec): ConvUnit['pad'] {
  const [ph, pw] = spec.padding;
  return ph === 0 && pw === 0 ? 'valid' : [[0, 0], [ph, ph], [pw, pw], [0, 0]];
}

function concat(parts: tf.Tensor4D[]): tf.Tensor4D {
  return tf.concat(parts, 3);
}

/** 3x3, stride 1, 'same' average pooling over the pixels inside the image only (avg_pool2d(count_include_pad=False), TensorFlow's SAME). */
function averageExcludingPadding(x: tf.Tensor4D): tf.Tensor4D {
  return tf.avgPool(x, 3, 1, 'same');
}

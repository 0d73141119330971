import * as tf from '@tensorflow/tfjs';
import { Conv2d, dropout, GroupNorm, groupNormSilu, Dense, Module, SelfAttention2d, silu, TimeEmbedding } from '@ouroboros/nn';
import type { Rng } from '@ouroboros/core';
import { ClassEmbedding, DenoiserNetwork } from './denoiser-network.ts';

/**
 * The U-Net denoiser of DDPM (Ho et al. 2020, diffusion_tf/models/unet.py), NHWC, readable top to
 * bottom: helpers, blocks, then the net.
 *
 * Layouts:
 * - `ddpm`: Ho et al.'s. Every res block's output and every downsample is a skip; each up level has
 *   resBlocks + 1 res blocks, each taking the next skip; the middle is ResBlock, attention, ResBlock.
 * - `compact`: one skip per level (its last block's output); each up level has resBlocks res blocks,
 *   the first taking the level's skip; the middle is one ResBlock. With resBlocks 1 and no attention it
 *   is the 2.77 M-parameter network of the benchmarks (bench-ref/unet.py).
 */
export interface UNetOptions {
  channels: number;                 // base channels ch; level i has ch · channelMult[i]
  channelMult: readonly number[];   // one per resolution level, the first at full resolution
  resBlocks: number;                // res blocks per level on the way down
  attentionResolutions: readonly number[]; // feature-map heights with self-attention after each res block
  dropout: number;                  // before the second conv of every res block, while training
  groups: number;                   // GroupNorm groups (32 in DDPM)
  heads: number;                    // attention heads
  layout: 'ddpm' | 'compact';
}

/** GroupNorm's epsilon in DDPM's TensorFlow code (tf.contrib.layers.group_norm). */
const NORM_EPS = 1e-6;

// ---- helpers ----

// nearest-neighbour ×2: y[b, 2i + di, 2j + dj, c] = x[b, i, j, c], a broadcast add of zeros [1, 2, 1, 2, 1] to
// x as [b·h, 1, w, 1, c] (its gradient is a sum; ResizeNearestNeighborGrad is wrong in tfjs 4.22, and
// Tile on wasm is 25-40x slower than this broadcast)
export function upsampleNearest2x(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf.tidy(() => tf.reshape(tf.add(tf.reshape(x, [b * h, 1, w, 1, c]), tf.zeros([1, 2, 1, 2, 1])), [b, 2 * h, 2 * w, c]));
}

// ---- blocks ----

/**
 * h = conv₁(silu(GN(x))) + Dense(silu(emb)); h = conv₂(dropout(silu(GN(h)))); y = skip(x) + h, skip a
 * 1×1 conv when the channels change. conv₂ starts at zero, so the block starts as its skip. silu(GN(·))
 * is nn's fused groupNormSilu, which keeps far fewer tensors for the backward pass.
 */
class ResBlock extends Module {
  private readonly norm1: GroupNorm;
  private readonly conv1: Conv2d;
  private readonly emb: Dense;
  private readonly norm2: GroupNorm;
  private readonly conv2: Conv2d;
  private readonly skip: Conv2d | null;

  constructor(
    inChannels: number,
    outChannels: number,
    embFeatures: number,
    private readonly dropoutRate: number,
    groups: number,
    rng: Rng,
  ) {
    super();
    this.norm1 = this.child('norm1', new GroupNorm(groups, inChannels, { eps: NORM_EPS }));
    this.conv1 = this.child('conv1', new Conv2d(inChannels, outChannels, 3, rng.fork('conv1'), { padding: 1 }));
    this.emb = this.child('emb', new Dense(embFeatures, outChannels, rng.fork('emb')));
    this.norm2 = this.child('norm2', new GroupNorm(groups, outChannels, { eps: NORM_EPS }));
    this.conv2 = this.child('conv2', new Conv2d(outChannels, outChannels, 3, rng.fork('conv2'), { padding: 1, init: 'zero' }));
    this.skip = inChannels === outChannels ? null : this.child('skip', new Conv2d(inChannels, outChannels, 1, rng.fork('skip'), { padding: 0 }));
  }

  apply(x: tf.Tensor4D, emb: tf.Tensor2D, drop: Rng | null): tf.Tensor4D {
    return tf.tidy(() => {
      const [b] = x.shape;
      let h = this.conv1.apply(groupNormSilu(this.norm1, x));
      h = tf.add(h, tf.reshape(this.emb.apply(silu(emb)), [b, 1, 1, -1]));
      const activated = groupNormSilu(this.norm2, h);
      h = this.conv2.apply(drop ? dropout(activated, this.dropoutRate, drop, true) : activated);
      return tf.add(this.skip ? this.skip.apply(x) : x, h) as tf.Tensor4D;
    });
  }
}

/** ×2 nearest upsampling followed by a 3×3 conv. */
class Upsample extends Module {
  private readonly conv: Conv2d;
  constructor(channels: number, rng: Rng) {
    super();
    this.conv = this.child('conv', new Conv2d(channels, channels, 3, rng, { padding: 1 }));
  }
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.conv.apply(upsampleNearest2x(x)));
  }
}

/** A block of a level: a res block, then self-attention when the level has it. */
interface LevelBlock {
  res: ResBlock;
  attention: SelfAttention2d | null;
}

// ---- the net ----

/**
 * Parameters: `time.*` (sinusoidal(c, ch) -> Dense 4ch -> SiLU -> Dense 4ch), `label.*` (class
 * embedding added to the time embedding, class-conditional nets only), `in.*`, `down.<level>.<block>.*`,
 * `downsample.<level>.*`, `mid.*`, `up.<level>.<block>.*`, `upsample.<level>.*`, `outNorm.*`, `out.*`.
 */
export class UNet extends DenoiserNetwork {
  readonly architecture: Record<string, unknown>;
  private readonly time: TimeEmbedding;
  private readonly label: ClassEmbedding | null;
  private readonly input: Conv2d;
  private readonly down: LevelBlock[][] = [];
  private readonly downsample: Conv2d[] = [];
  private readonly mid: LevelBlock[] = [];
  private readonly up: LevelBlock[][] = [];
  private readonly upsample: Upsample[] = [];
  private readonly outNorm: GroupNorm;
  private readonly output: Conv2d;

  constructor(
    readonly sampleShape: readonly number[],
    readonly classes: number,
    readonly options: UNetOptions,
    rng: Rng,
  ) {
    super();
    const [height, width, imageChannels] = checkImageShape(sampleShape, options.channelMult.length);
    const { channels: ch, channelMult, resBlocks, attentionResolutions, groups, heads, layout } = options;
    const emb = 4 * ch;
    const levels = channelMult.length;
    const res = (name: string, cin: number, cout: number) => this.child(name, new ResBlock(cin, cout, emb, options.dropout, groups, rng.fork(name)));
    const attention = (name: string, channels: number, size: number) =>
      attentionResolutions.includes(size) ? this.child(name, new SelfAttention2d(channels, heads, rng.fork(name), { groups, eps: NORM_EPS, zeroInitOutput: true })) : null;
    const block = (name: string, cin: number, cout: number, size: number): LevelBlock => ({ res: res(`${name}.res`, cin, cout), attention: attention(`${name}.attention`, cout, size) });

    this.time = this.child('time', new TimeEmbedding(ch, emb, rng.fork('time'), { hiddenFeatures: emb }));
    this.label = classes > 0 ? this.child('label', new ClassEmbedding(classes, emb, rng.fork('label'))) : null;
    this.input = this.child('in', new Conv2d(imageChannels, ch, 3, rng.fork('in'), { padding: 1 }));

    // Down: the channels of every skip, in push order.
    const skipChannels: number[] = layout === 'ddpm' ? [ch] : [];
    let cin = ch;
    for (let level = 0; level < levels; level++) {
      const cout = ch * channelMult[level]!;
      const size = height >> level;
      const blocks: LevelBlock[] = [];
      for (let i = 0; i < resBlocks; i++) {
        blocks.push(block(`down.${level}.${i}`, cin, cout, size));
        cin = cout;
        if (layout === 'ddpm') skipChannels.push(cout);
      }
      if (layout === 'compact') skipChannels.push(cout);
      this.down.push(blocks);
      if (level < levels - 1) {
        this.downsample.push(this.child(`downsample.${level}`, new Conv2d(cin, cin, 3, rng.fork('downsample', level), { stride: 2, padding: 1 })));
        if (layout === 'ddpm') skipChannels.push(cin);
      }
    }

    this.mid.push(block('mid.0', cin, cin, -1));
    if (layout === 'ddpm') {
      this.mid[0]!.attention = this.child('mid.attention', new SelfAttention2d(cin, heads, rng.fork('mid.attention'), { groups, eps: NORM_EPS, zeroInitOutput: true }));
      this.mid.push(block('mid.1', cin, cin, -1));
    }

    // Up: levels from the lowest resolution back to the highest, popping skips.
    for (let level = levels - 1; level >= 0; level--) {
      const cout = ch * channelMult[level]!;
      const size = height >> level;
      const blocks: LevelBlock[] = [];
      const count = layout === 'ddpm' ? resBlocks + 1 : resBlocks;
      for (let i = 0; i < count; i++) {
        const takesSkip = layout === 'ddpm' || i === 0;
        const skip = takesSkip ? skipChannels.pop()! : 0;
        blocks.push(block(`up.${level}.${i}`, cin + skip, cout, size));
        cin = cout;
      }
      this.up.push(blocks);
      if (level > 0) this.upsample.push(this.child(`upsample.${level}`, new Upsample(cin, rng.fork('upsample', level))));
    }
    this.outNorm = this.child('outNorm', new GroupNorm(groups, cin, { eps: NORM_EPS }));
    this.output = this.child('out', new Conv2d(cin, imageChannels, 3, rng.fork('out'), { padding: 1, init: 'zero' }));
    this.architecture = { network: 'unet', ...options, classes, sampleShape: [height, width, imageChannels] };
  }

  apply(x: tf.Tensor, c: tf.Tensor1D, labels: tf.Tensor1D | null, drop: Rng | null): tf.Tensor {
    const { layout } = this.options;
    return tf.tidy(() => {
      const rows = x.shape[0]!;
      let emb = this.time.apply(c);
      if (this.label) emb = tf.add(emb, this.label.apply(labels, rows));
      let blockIndex = 0;
      const run = (b: LevelBlock, h: tf.Tensor4D) => {
        const out = b.res.apply(h, emb, drop ? drop.fork('block', blockIndex) : null);
        blockIndex++;
        return b.attention ? b.attention.apply(out) : out;
      };

      let h = this.input.apply(x);
      const skips: tf.Tensor4D[] = layout === 'ddpm' ? [h] : [];
      this.down.forEach((blocks, level) => {
        for (const b of blocks) {
          h = run(b, h);
          if (layout === 'ddpm') skips.push(h);
        }
        if (layout === 'compact') skips.push(h);
        if (level < this.downsample.length) {
          h = this.downsample[level]!.apply(h);
          if (layout === 'ddpm') skips.push(h);
        }
      });
      for (const b of this.mid) h = run(b, h);
      this.up.forEach((blocks, i) => {
        blocks.forEach((b, j) => {
          const takesSkip = layout === 'ddpm' || j === 0;
          h = run(b, takesSkip ? (tf.concat([h, skips.pop()!], 3) as tf.Tensor4D) : h);
        });
        if (i < this.upsample.length) h = this.upsample[i]!.apply(h);
      });
      return this.output.apply(groupNormSilu(this.outNorm, h));
    });
  }
}

/** [height, width, channels] of an NHWC sample whose sides halve cleanly `levels − 1` times. */
function checkImageShape(sampleShape: readonly number[], levels: number): [number, number, number] {
  if (sampleShape.length !== 3) throw new RangeError(`unet: needs image samples [height, width, channels], got shape [${sampleShape.join(', ')}]; use network: mlp for vectors`);
  const [height, width, channels] = sampleShape as [number, number, number];
  const factor = 2 ** (levels - 1);
  if (height % factor !== 0 || width % factor !== 0) {
    throw new RangeError(`unet: ${levels} levels (channelMult) halve the image ${levels - 1} times, so height and width must be divisible by ${factor}; got ${height}x${width}`);
  }
  return [height, width, channels];
}

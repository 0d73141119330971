import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { readSafetensorsFile, toFloat32Array, type NamedArray } from '@ouroboros/nn';
import { readTorchCheckpoint } from '../../io/torch-checkpoint.ts';
import { BN_EPS, inceptionConvs, type ConvSpec } from './inception-architecture.ts';

/** A BasicConv2d with its BatchNorm folded in: filter [kh, kw, in, out] (tfjs layout) and bias [out]. */
export interface FoldedConv {
  readonly spec: ConvSpec;
  readonly filter: Float32Array;
  readonly bias: Float32Array;
}

export type InceptionWeights = ReadonlyMap<string, FoldedConv>;

const BN_PARTS = ['weight', 'bias', 'running_mean', 'running_var'] as const;

/**
 * The network's weights from a PyTorch state dict, given as tensors by name (pytorch-fid's .pth,
 * or a safetensors file with the same names). Each convolution is folded with its BatchNorm
 * (eval mode): W'[o] = W[o] g_o / sqrt(v_o + eps), b'[o] = beta_o - m_o g_o / sqrt(v_o + eps), in
 * float64 then rounded to float32. Other tensors (fc, AuxLogits, num_batches_tracked) are ignored.
 */
export function foldInceptionWeights(tensors: ReadonlyMap<string, NamedArray>, source: string): InceptionWeights {
  const missing: string[] = [];
  const take = (name: string, shape: readonly number[]): Float32Array | null => {
    const tensor = tensors.get(name);
    if (!tensor) {
      missing.push(name);
      return null;
    }
    if (tensor.shape.length !== shape.length || tensor.shape.some((n, i) => n !== shape[i])) {
      throw new Error(`${source}: tensor '${name}' has shape [${tensor.shape.join(', ')}]; expected [${shape.join(', ')}] (pytorch-fid's FID Inception-V3)`);
    }
    return toFloat32Array(tensor);
  };
  const out = new Map<string, FoldedConv>();
  for (const spec of inceptionConvs()) {
    const [kh, kw] = spec.kernel;
    const weight = take(`${spec.name}.conv.weight`, [spec.outChannels, spec.inChannels, kh, kw]);
    const [gamma, beta, mean, variance] = BN_PARTS.map((part) => take(`${spec.name}.bn.${part}`, [spec.outChannels]));
    if (weight && gamma && beta && mean && variance) out.set(spec.name, fold(spec, weight, gamma, beta, mean, variance));
  }
  if (missing.length > 0) {
    const shown = missing.slice(0, 3).map((n) => `'${n}'`).join(', ');
    throw new Error(`${source}: missing ${missing.length} tensors of pytorch-fid's Inception-V3, e.g. ${shown}; expected pt_inception-2015-12-05-6726825d.pth or a file with its tensor names`);
  }
  return out;
}

function fold(spec: ConvSpec, weight: Float32Array, gamma: Float32Array, beta: Float32Array, mean: Float32Array, variance: Float32Array): FoldedConv {
  const { inChannels: cin, outChannels: cout } = spec;
  const [kh, kw] = spec.kernel;
  const filter = new Float32Array(kh * kw * cin * cout);
  const bias = new Float32Array(cout);
  for (let o = 0; o < cout; o++) {
    const scale = gamma[o]! / Math.sqrt(variance[o]! + BN_EPS);
    bias[o] = beta[o]! - mean[o]! * scale;
    for (let i = 0; i < cin; i++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) filter[((y * kw + x) * cin + i) * cout + o] = weight[((o * cin + i) * kh + y) * kw + x]! * scale;
      }
    }
  }
  return { spec, filter, bias };
}

/** A PyTorch checkpoint (zip archive, or a pickle for the legacy format) rather than safetensors, from its first bytes. */
function isTorchCheckpoint(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    readSync(fd, head, 0, 2, 0);
    return (head[0] === 0x50 && head[1] === 0x4b) || head[0] === 0x80;
  } finally {
    closeSync(fd);
  }
}

/** Reads and folds a weights file: a PyTorch checkpoint of any torch.save format, or safetensors. */
export function readInceptionWeights(path: string): InceptionWeights {
  if (!existsSync(path)) {
    throw new Error(`inception-v3: weights file ${path} does not exist; download pytorch-fid's pt_inception-2015-12-05-6726825d.pth (see the README) and give its path as 'weights'`);
  }
  const tensors = isTorchCheckpoint(path) ? readTorchCheckpoint(path) : readSafetensorsFile(path).tensors;
  return foldInceptionWeights(tensors, path);
}

const loaded = new Map<string, InceptionWeights>();

/** The folded weights of `path`, read once per process (the file is about 100 MB). */
export function inceptionWeights(path: string): InceptionWeights {
  const key = resolve(path);
  let weights = loaded.get(key);
  if (!weights) loaded.set(key, (weights = readInceptionWeights(key)));
  return weights;
}

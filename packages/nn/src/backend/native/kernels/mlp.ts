import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { allocate, heapMemory, heapView, release } from '../../wasm-heap.ts';
import { simdRelu } from '../../wasm-kernels/simd-relu.ts';
import type { EltwisePrimitives } from '../onednn/eltwise-primitives.ts';
import type { EltwiseKind } from '../onednn/onednn-constants.ts';
import { addBiasRows } from './fused-activation.ts';
import { onesOf } from './ones.ts';
import type { Sgemm } from './sgemm.ts';

/** The MLP activations the fused kernels compute, as oneDNN's eltwise kinds (SiLU is swish at α = 1). */
export const MLP_ACTIVATIONS: Record<string, EltwiseKind> = { relu: 'relu', tanh: 'tanh', silu: 'swish' };

export interface MlpAttrs {
  activation: string;
  /** Dense layers L: inputs are x then w0, b0, …, w_{L−1}, b_{L−1}. */
  layers: number;
}

/** An activation's pass forward, h = act(z), and back, dz = act'(z) ⊙ dh, on heap views. */
interface ActivationPasses {
  forward(z: Float32Array, h: Float32Array): void;
  backward(z: Float32Array, dh: Float32Array, dz: Float32Array): void;
}

/**
 * relu as one SIMD pass on the calling thread (a max: waking oneDNN's OpenMP threads for it costs
 * more than it saves, and they compete with the BLAS's threads for the cores); the others through
 * oneDNN's vectorised exp.
 */
function activationPasses(backend: BackendWasm, eltwise: EltwisePrimitives, activation: string): ActivationPasses {
  if (activation === 'relu') {
    const relu = simdRelu(heapMemory(backend));
    return {
      forward: (z, h) => relu.forward(z.byteOffset, h.byteOffset, z.length),
      backward: (z, dh, dz) => relu.backward(z.byteOffset, dh.byteOffset, dz.byteOffset, z.length),
    };
  }
  const kind = MLP_ACTIVATIONS[activation]!;
  return { forward: (z, h) => eltwise.forward(kind, z, h), backward: (z, dh, dz) => eltwise.backward(kind, z, dh, dz) };
}

const widthsOf = (weights: TensorInfo[]) => [weights[0]!.shape[0]!, ...weights.map((w) => w.shape[1]!)];

/**
 * A whole MLP forward pass as one kernel: per layer z_i = h_i W_i + b_i (GEMM, bias rows),
 * h_{i+1} = act(z_i) (activationPasses) but for the last. Inputs x [n, in], w_i, b_i; outputs
 * [y, z_0, h_1, …, z_{L−2}, h_{L−1}], the pre- and post-activations the backward kernel reads.
 */
export function createMlpForward(sgemm: Sgemm, eltwise: EltwisePrimitives): KernelFunc {
  return (args) => {
    const { activation, layers } = args.attrs as unknown as MlpAttrs;
    const inputs = args.inputs as Record<string, TensorInfo>;
    const x = inputs.x!;
    const weights = Array.from({ length: layers }, (_, i) => inputs[`w${i}`]!);
    const biases = Array.from({ length: layers }, (_, i) => inputs[`b${i}`]!);
    const widths = widthsOf(weights);
    const n = x.shape[0]!;
    const backend = args.backend as BackendWasm;
    // every output first: an allocation may grow the heap and detach earlier views
    const y = allocate(backend, [n, widths[layers]!]);
    const hidden = widths.slice(1, -1).flatMap((width) => [allocate(backend, [n, width]), allocate(backend, [n, width])]);
    const act = activationPasses(backend, eltwise, activation);
    let h = heapView(backend, x);
    for (let i = 0; i < layers; i++) {
      const z = heapView(backend, i < layers - 1 ? hidden[2 * i]! : y);
      sgemm(false, false, n, widths[i + 1]!, widths[i]!, 1, h, widths[i]!, heapView(backend, weights[i]!), widths[i + 1]!, 0, z, widths[i + 1]!);
      addBiasRows(sgemm, z, heapView(backend, biases[i]!), widths[i + 1]!);
      if (i < layers - 1) {
        h = heapView(backend, hidden[2 * i + 1]!);
        act.forward(z, h);
      }
    }
    return [y, ...hidden];
  };
}

/**
 * The MLP's backward pass as one kernel, from dy and what the forward kernel saved:
 *   ∂W_i = h_iᵀ g_i,  ∂b_i = 1ᵀ g_i,  g_{i−1} = act'(z_{i−1}) ⊙ (g_i W_iᵀ),  ∂x = g_0 W_0ᵀ.
 * Inputs dy, x, w_i, z_i, h_{i+1}; outputs [∂x, ∂w0, ∂b0, …].
 */
export function createMlpBackward(sgemm: Sgemm, eltwise: EltwisePrimitives): KernelFunc {
  return (args) => {
    const { activation, layers } = args.attrs as unknown as MlpAttrs;
    const inputs = args.inputs as Record<string, TensorInfo>;
    const weights = Array.from({ length: layers }, (_, i) => inputs[`w${i}`]!);
    const widths = widthsOf(weights);
    const layerInputs = [inputs.x!, ...Array.from({ length: layers - 1 }, (_, i) => inputs[`h${i + 1}`]!)];
    const n = inputs.dy!.shape[0]!;
    const backend = args.backend as BackendWasm;
    const dx = allocate(backend, [n, widths[0]!]);
    const grads = weights.flatMap((w, i) => [allocate(backend, [...w.shape]), allocate(backend, [widths[i + 1]!])]);
    const scratch = Array.from({ length: layers - 1 }, (_, i) => [allocate(backend, [n, widths[i + 1]!]), allocate(backend, [n, widths[i + 1]!])]);
    const ones = onesOf(n);
    const act = activationPasses(backend, eltwise, activation);
    let g = heapView(backend, inputs.dy!);
    for (let i = layers - 1; i >= 0; i--) {
      const [inW, outW] = [widths[i]!, widths[i + 1]!];
      sgemm(true, false, inW, outW, n, 1, heapView(backend, layerInputs[i]!), inW, g, outW, 0, heapView(backend, grads[2 * i]!), outW);
      sgemm(false, false, 1, outW, n, 1, ones, n, g, outW, 0, heapView(backend, grads[2 * i + 1]!), outW);
      const back = heapView(backend, i > 0 ? scratch[i - 1]![0]! : dx);
      sgemm(false, true, n, inW, outW, 1, g, outW, heapView(backend, weights[i]!), outW, 0, back, inW);
      if (i > 0) {
        g = heapView(backend, scratch[i - 1]![1]!);
        act.backward(heapView(backend, inputs[`z${i - 1}`]!), back, g);
      }
    }
    release(backend, ...scratch.flat());
    return [dx, ...grads];
  };
}

import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';

/**
 * Marks on kernel configs registered by a layer: the layer, and the config it sits on (undefined
 * where the backend had none). Global symbols: tfjs's kernel registry is global too, so a second
 * copy of this module sees the marks of the first.
 */
const LAYER = Symbol.for('@ouroboros/nn/kernel-layer/layer');
const BELOW = Symbol.for('@ouroboros/nn/kernel-layer/below');

interface LayerMark {
  readonly name: string;
  readonly rank: number;
}

type LayeredConfig = KernelConfig & { [LAYER]?: LayerMark; [BELOW]?: KernelConfig | undefined };

function markOf(config: KernelConfig | undefined): LayerMark | undefined {
  return (config as LayeredConfig | undefined)?.[LAYER];
}

/** The registered config and everything under it, top first. */
function chainOf(kernelName: string, backendName: string): KernelConfig[] {
  const chain: KernelConfig[] = [];
  for (let config: KernelConfig | undefined = tf.getKernel(kernelName, backendName); config; config = (config as LayeredConfig)[BELOW]) {
    chain.push(config);
    if (!markOf(config)) break;
  }
  return chain;
}

/** Registers `chain` (top first) as the kernel's stack, rebuilding the marks that link it. */
function registerChain(kernelName: string, backendName: string, chain: KernelConfig[]): void {
  if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
  if (chain.length === 0) return;
  const stock = markOf(chain.at(-1)) ? undefined : chain.at(-1);
  let below: KernelConfig | undefined = stock;
  for (let i = chain.length - (stock ? 2 : 1); i >= 0; i--) {
    const layered = chain[i] as LayeredConfig;
    const config: LayeredConfig = {
      kernelName,
      backendName,
      kernelFunc: layered.kernelFunc,
      // the stock setup (binding the C++ function) must still run when the backend initialises
      setupFunc: stock?.setupFunc,
      disposeFunc: stock?.disposeFunc,
      [LAYER]: layered[LAYER],
      [BELOW]: below,
    };
    below = config;
  }
  tf.registerKernel(below!);
}

/**
 * A set of kernels laid over a backend's own: each remembers the one it replaced, so removing the
 * layer restores exactly what was there. Layers stack by rank (higher on top) whatever order they
 * are installed in, and a kernel can hand a call it does not serve to whatever lies below it.
 */
export class KernelLayer {
  private readonly mark: LayerMark;
  private readonly kernelNames = new Set<string>();

  constructor(name: string, rank: number, readonly backendName: string) {
    this.mark = { name, rank };
  }

  /** Lays `kernelFunc` over `kernelName` (below any layer of higher rank); a no-op when already there. */
  install(kernelName: string, kernelFunc: KernelFunc): void {
    this.kernelNames.add(kernelName);
    const chain = chainOf(kernelName, this.backendName);
    if (chain.some((config) => markOf(config)?.name === this.mark.name)) return;
    const at = chain.findIndex((config) => (markOf(config)?.rank ?? -Infinity) < this.mark.rank);
    const ours = { kernelName, backendName: this.backendName, kernelFunc, [LAYER]: this.mark } as LayeredConfig;
    chain.splice(at === -1 ? chain.length : at, 0, ours);
    registerChain(kernelName, this.backendName, chain);
  }

  /** Takes this layer's kernels out, leaving the rest of each stack as it was. */
  remove(): void {
    for (const kernelName of this.kernelNames) {
      const chain = chainOf(kernelName, this.backendName);
      const rest = chain.filter((config) => markOf(config)?.name !== this.mark.name);
      if (rest.length !== chain.length) registerChain(kernelName, this.backendName, rest);
    }
  }

  /** Whether every kernel this layer installed is in place. */
  installed(): boolean {
    return (
      this.kernelNames.size > 0 &&
      [...this.kernelNames].every((kernelName) => chainOf(kernelName, this.backendName).some((c) => markOf(c)?.name === this.mark.name))
    );
  }

  /**
   * The kernel under this layer's `kernelName`: the top one of lower rank, whether or not this
   * layer is installed (looked up when called, so a layer inserted below later is seen).
   */
  under(kernelName: string): KernelFunc | undefined {
    return chainOf(kernelName, this.backendName).find((config) => (markOf(config)?.rank ?? -Infinity) < this.mark.rank)?.kernelFunc;
  }
}

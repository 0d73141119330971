import { DNNL, ELTWISE_ALGORITHMS, type EltwiseKind } from './onednn-constants.ts';
import type { DnnlCalls } from './onednn.ts';

/** alpha of each kind: swish(x) = x·σ(αx) is SiLU at α = 1; the others take none. */
const ALPHA: Record<EltwiseKind, number> = { relu: 0, tanh: 0, logistic: 0, exp: 0, swish: 1 };

interface EltwiseEntry {
  readonly primitive: unknown;
  readonly memories: Array<{ arg: number; memory: unknown }>;
  readonly release: () => void;
}

/**
 * oneDNN's elementwise functions (JIT-compiled vector code, on the library's threads) over a flat
 * float32 array of n values, forward y = f(x) and backward dx = f'(x) ⊙ dy, cached by kind and n.
 */
export class EltwisePrimitives {
  private readonly entries = new Map<string, EltwiseEntry>();
  private readonly algorithms: Record<EltwiseKind, number>;

  constructor(private readonly dnnl: DnnlCalls, major: number) {
    this.algorithms = ELTWISE_ALGORITHMS[major >= 3 ? 3 : 2];
  }

  // y = f(x)
  forward(kind: EltwiseKind, x: Float32Array, y: Float32Array): void {
    this.run(this.entry(kind, x.length, false), [x, y]);
  }

  // dx = f'(x) ⊙ dy
  backward(kind: EltwiseKind, x: Float32Array, dy: Float32Array, dx: Float32Array): void {
    this.run(this.entry(kind, x.length, true), [x, dy, dx]);
  }

  clear(): void {
    for (const entry of this.entries.values()) entry.release();
    this.entries.clear();
  }

  private run(entry: EltwiseEntry, buffers: Float32Array[]): void {
    entry.memories.forEach(({ memory }, i) => this.dnnl.setHandle(memory, buffers[i]!));
    this.dnnl.execute(entry.primitive, entry.memories);
  }

  private entry(kind: EltwiseKind, n: number, backward: boolean): EltwiseEntry {
    const key = `${kind}|${n}|${backward}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = this.build(kind, n, backward);
      this.entries.set(key, entry);
    }
    return entry;
  }

  private build(kind: EltwiseKind, n: number, backward: boolean): EltwiseEntry {
    const { dnnl } = this;
    const d = dnnl.descriptors;
    const md = d.strided([n], [1]);
    const forward = d.eltwiseForward(this.algorithms[kind], md, ALPHA[kind], 0);
    const main = backward ? d.eltwiseBackward(this.algorithms[kind], md, ALPHA[kind], 0, forward) : forward;
    const args = backward ? [DNNL.arg.src, DNNL.arg.diffDst, DNNL.arg.diffSrc] : [DNNL.arg.src, DNNL.arg.dst];
    const memories = args.map((arg) => ({ arg, memory: dnnl.createMemory(md, null) }));
    const primitive = dnnl.createPrimitive(main);
    if (main !== forward) dnnl.destroyPrimitiveDesc(main);
    dnnl.destroyPrimitiveDesc(forward);
    d.release(md);
    return {
      primitive,
      memories,
      release: () => {
        dnnl.destroyPrimitive(primitive);
        for (const { memory } of memories) dnnl.destroyMemory(memory);
      },
    };
  }
}

import { activationLayout, convSpatial, filterLayout, geometryKey, type ConvGeometry } from './conv-geometry.ts';
import type { MemoryDesc, PrimitiveDesc } from './descriptors.ts';
import { DNNL } from './onednn-constants.ts';
import type { DnnlCalls } from './onednn.ts';

export type ConvDirection = 'forward' | 'backward-data' | 'backward-weights';

/** A memory object bound to a caller's array for each call, or to a buffer of our own. */
interface Binding {
  readonly arg: number;
  readonly memory: unknown;
}

/** A reorder between the caller's filter layout and the one the convolution chose. */
interface Reorder {
  readonly primitive: unknown;
  /** The caller's filter, bound per call. */
  readonly user: unknown;
  readonly own: unknown;
  readonly toOwn: boolean;
}

/** A ready convolution: its primitive, the memories the caller binds, and a filter reorder if any. */
interface ConvEntry {
  readonly primitive: unknown;
  readonly implementation: string;
  readonly bindings: Map<number, unknown>;
  readonly own: Binding | null;
  readonly reorder: Reorder | null;
  readonly release: () => void;
}

/** Buffers of the caller's, by oneDNN argument (DNNL_ARG_SRC, ...). */
export type ConvBuffers = Partial<Record<number, Float32Array>>;

/**
 * oneDNN convolution primitives by shape and direction, built once and reused. Activations are
 * described with their real strides (NHWC or NCHW) so they are read and written in place; the
 * filter gets the layout the implementation prefers (`any`) and is reordered from or to tfjs's
 * [kh, kw, in, out] in a buffer of ours.
 */
export class ConvPrimitives {
  private readonly entries = new Map<string, ConvEntry>();

  constructor(private readonly dnnl: DnnlCalls) {}

  /** y = conv(x, w) (+ bias): DNNL_ARG_SRC, _WEIGHTS, _BIAS (optional), _DST. */
  forward(g: ConvGeometry, x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array): void {
    const args: ConvBuffers = { [DNNL.arg.src]: x, [DNNL.arg.weights]: w, [DNNL.arg.dst]: y };
    if (bias) args[DNNL.arg.bias] = bias;
    this.run(this.entry('forward', g, bias !== null), args, DNNL.arg.weights);
  }

  /** dx from dy and w. */
  backwardData(g: ConvGeometry, dy: Float32Array, w: Float32Array, dx: Float32Array): void {
    this.run(this.entry('backward-data', g, false), { [DNNL.arg.diffDst]: dy, [DNNL.arg.weights]: w, [DNNL.arg.diffSrc]: dx }, DNNL.arg.weights);
  }

  /** dw from x and dy. */
  backwardWeights(g: ConvGeometry, x: Float32Array, dy: Float32Array, dw: Float32Array): void {
    this.run(this.entry('backward-weights', g, false), { [DNNL.arg.src]: x, [DNNL.arg.diffDst]: dy, [DNNL.arg.diffWeights]: dw }, DNNL.arg.diffWeights);
  }

  /** The implementation oneDNN chose for this convolution (`brgconv:avx512_core`, `jit:avx2`, `ref:any`). */
  implementation(direction: ConvDirection, g: ConvGeometry): string {
    return this.entry(direction, g, false).implementation;
  }

  /** Destroys every primitive (after a thread-count change). */
  clear(): void {
    for (const entry of this.entries.values()) entry.release();
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private run(entry: ConvEntry, buffers: ConvBuffers, filterArg: number): void {
    const { dnnl } = this;
    const args: Binding[] = [];
    for (const [arg, memory] of entry.bindings) {
      dnnl.setHandle(memory, buffers[arg]!);
      args.push({ arg, memory });
    }
    if (entry.own) args.push(entry.own);
    const reorder = entry.reorder;
    if (reorder) dnnl.setHandle(reorder.user, buffers[filterArg]!);
    const reorderArgs = (): Binding[] =>
      reorder!.toOwn
        ? [{ arg: DNNL.arg.from, memory: reorder!.user }, { arg: DNNL.arg.to, memory: reorder!.own }]
        : [{ arg: DNNL.arg.from, memory: reorder!.own }, { arg: DNNL.arg.to, memory: reorder!.user }];
    if (reorder?.toOwn) dnnl.execute(reorder.primitive, reorderArgs());
    dnnl.execute(entry.primitive, args);
    if (reorder && !reorder.toOwn) dnnl.execute(reorder.primitive, reorderArgs());
  }

  private entry(direction: ConvDirection, g: ConvGeometry, withBias: boolean): ConvEntry {
    const key = `${direction}|${withBias}|${geometryKey(g)}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = this.build(direction, g, withBias);
      this.entries.set(key, entry);
    }
    return entry;
  }

  private build(direction: ConvDirection, g: ConvGeometry, withBias: boolean): ConvEntry {
    const { dnnl } = this;
    const d = dnnl.descriptors;
    const input = activationLayout(g.layout, g.batch, g.inChannels, g.inHeight, g.inWidth);
    const output = activationLayout(g.layout, g.batch, g.outChannels, g.outHeight, g.outWidth);
    const filter = filterLayout(g);
    const mds: MemoryDesc[] = [];
    const md = (m: MemoryDesc): MemoryDesc => (mds.push(m), m);
    const src = md(d.strided(input.dims, input.strides));
    const dst = md(d.strided(output.dims, output.strides));
    const userFilter = md(d.strided(filter.dims, filter.strides));
    const anyFilter = md(d.anyLayout(filter.dims));
    const bias = withBias ? md(d.strided([g.outChannels], [1])) : null;
    const spatial = convSpatial(g);
    const pds: PrimitiveDesc[] = [];
    const pd = (p: PrimitiveDesc): PrimitiveDesc => (pds.push(p), p);
    const owned: Array<() => void> = [];
    try {
      const forward = pd(d.convForward(src, anyFilter, bias, dst, spatial));
      let main: PrimitiveDesc;
      let filterArg: number;
      let filterQuery: number;
      let roles: Array<[number, number]>;
      if (direction === 'forward') {
        main = forward;
        filterArg = DNNL.arg.weights;
        filterQuery = DNNL.query.weightsMd;
        roles = [[DNNL.arg.src, DNNL.query.srcMd], [DNNL.arg.dst, DNNL.query.dstMd]];
      } else if (direction === 'backward-data') {
        main = pd(d.convBackwardData(src, anyFilter, dst, spatial, forward));
        filterArg = DNNL.arg.weights;
        filterQuery = DNNL.query.weightsMd;
        roles = [[DNNL.arg.diffSrc, DNNL.query.diffSrcMd], [DNNL.arg.diffDst, DNNL.query.diffDstMd]];
      } else {
        main = pd(d.convBackwardWeights(src, anyFilter, null, dst, spatial, forward));
        filterArg = DNNL.arg.diffWeights;
        filterQuery = DNNL.query.diffWeightsMd;
        roles = [[DNNL.arg.src, DNNL.query.srcMd], [DNNL.arg.diffDst, DNNL.query.diffDstMd]];
      }
      const bindings = new Map<number, unknown>();
      const bind = (arg: number, query: number, index = 0): void => {
        const memory = dnnl.createMemory(dnnl.queryMd(main, query, index), null);
        owned.push(() => dnnl.destroyMemory(memory));
        bindings.set(arg, memory);
      };
      for (const [arg, query] of roles) bind(arg, query);
      if (bias) bind(DNNL.arg.bias, DNNL.query.weightsMd, 1);

      const chosenFilter = dnnl.queryMd(main, filterQuery, 0);
      let own: Binding | null = null;
      let reorder: Reorder | null = null;
      if (dnnl.mdEqual(chosenFilter, userFilter)) {
        bind(filterArg, filterQuery);
      } else {
        const buffer = dnnl.koffi.alloc('uint8', dnnl.mdBytes(chosenFilter));
        owned.push(() => dnnl.koffi.free(buffer));
        const ownMemory = dnnl.createMemory(chosenFilter, buffer);
        const userMemory = dnnl.createMemory(userFilter, null);
        owned.push(() => dnnl.destroyMemory(ownMemory), () => dnnl.destroyMemory(userMemory));
        own = { arg: filterArg, memory: ownMemory };
        const toOwn = direction !== 'backward-weights';
        const reorderPd = pd(toOwn ? dnnl.reorderDesc(userFilter, chosenFilter) : dnnl.reorderDesc(chosenFilter, userFilter));
        const reorderPrimitive = dnnl.createPrimitive(reorderPd);
        owned.push(() => dnnl.destroyPrimitive(reorderPrimitive));
        reorder = { primitive: reorderPrimitive, user: userMemory, own: ownMemory, toOwn };
      }
      const primitive = dnnl.createPrimitive(main);
      owned.push(() => dnnl.destroyPrimitive(primitive));
      const implementation = dnnl.implementation(main);
      // the primitives keep what they need; descriptors can go now
      for (const p of pds) dnnl.destroyPrimitiveDesc(p);
      for (const m of mds) d.release(m);
      return { primitive, implementation, bindings, own, reorder, release: () => releaseAll(owned) };
    } catch (error) {
      releaseAll(owned);
      for (const p of pds) dnnl.destroyPrimitiveDesc(p);
      for (const m of mds) d.release(m);
      throw error;
    }
  }
}

function releaseAll(owned: Array<() => void>): void {
  for (const release of owned.reverse()) release();
  owned.length = 0;
}

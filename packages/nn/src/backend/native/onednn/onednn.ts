import type { KoffiLibrary, KoffiModule } from '../koffi-module.ts';
import { loadedLibrary, openLibrary } from '../shared-library.ts';
import { guarded, signalsBlocked } from '../signal-mask.ts';
import { ConvPrimitives } from './conv-primitives.ts';
import { EltwisePrimitives } from './eltwise-primitives.ts';
import { descriptorsV2, descriptorsV3, type Descriptors } from './descriptors.ts';
import { DNNL, STATUS_NAMES } from './onednn-constants.ts';

export interface OneDnnVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** The CPU threading runtime it was built with (OpenMP, TBB, ...). */
  readonly runtime: string;
}

/** The OpenMP runtimes a oneDNN build may use; the one already loaded with it is the one to set. */
const OPENMP_RUNTIMES = ['libgomp.so.1', 'libiomp5.so', 'libomp.so', 'libomp.so.5', 'libomp.dylib', 'libiomp5.dylib', 'vcomp140.dll', 'libiomp5md.dll'];

type Sgemm = (transA: number, transB: number, m: number, n: number, k: number, alpha: number, a: Float32Array, lda: number, b: Float32Array, ldb: number, beta: number, c: Float32Array, ldc: number) => number;

/** dnnl_sgemm's transpose characters: 'N', 'T'. */
const CHAR_N = 78;
const CHAR_T = 84;

/** The calls of oneDNN's C API used by the native kernels, the same in 2.x and 3.x. */
export interface DnnlCalls {
  readonly koffi: KoffiModule;
  readonly lib: KoffiLibrary;
  readonly engine: unknown;
  readonly stream: unknown;
  readonly descriptors: Descriptors;
  check(status: number, what: string): void;
  queryMd(pd: unknown, query: number, index: number): unknown;
  implementation(pd: unknown): string;
  mdEqual(a: unknown, b: unknown): boolean;
  mdBytes(md: unknown): number;
  createPrimitive(pd: unknown): unknown;
  destroyPrimitive(primitive: unknown): void;
  destroyPrimitiveDesc(pd: unknown): void;
  reorderDesc(from: unknown, to: unknown): unknown;
  createMemory(md: unknown, handle: unknown): unknown;
  destroyMemory(memory: unknown): void;
  setHandle(memory: unknown, handle: unknown): void;
  execute(primitive: unknown, args: Array<{ arg: number; memory: unknown }>): void;
}

/**
 * oneDNN (2.x or 3.x) through koffi: its sgemm, convolution primitives (forward, backward
 * data, backward weights) on NHWC or NCHW activations and tfjs-layout filters, and elementwise
 * functions with their derivatives, cached by shape.
 */
export class OneDnn {
  readonly conv: ConvPrimitives;
  readonly eltwise: EltwisePrimitives;
  private readonly sgemmFn: Sgemm;
  private readonly setOmpThreads: ((n: number) => void) | null;
  private threadCount: number | null = null;

  private constructor(
    readonly path: string,
    readonly version: OneDnnVersion,
    calls: DnnlCalls,
    setOmpThreads: ((n: number) => void) | null,
  ) {
    this.sgemmFn = guarded(calls.koffi, calls.lib.func(
      'int dnnl_sgemm(char transa, char transb, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc)',
    ) as Sgemm);
    this.setOmpThreads = setOmpThreads;
    this.conv = new ConvPrimitives(calls);
    this.eltwise = new EltwisePrimitives(calls, version.major);
  }

  /** Opens `path` as oneDNN 2.x or 3.x; throws for other versions or a library that is not oneDNN. */
  static open(koffi: KoffiModule, path: string): OneDnn {
    const opened = openLibrary(koffi, path);
    if (!opened.has('dnnl_version')) throw new Error(`${path}: exports no dnnl_version (not oneDNN)`);
    const { lib } = opened;
    const versionStruct = koffi.struct({ major: 'int', minor: 'int', patch: 'int', hash: 'const char *', cpu_runtime: 'unsigned int', gpu_runtime: 'unsigned int' });
    const raw = koffi.decode(lib.func('void *dnnl_version()')(), versionStruct) as { major: number; minor: number; patch: number; cpu_runtime: number };
    const version: OneDnnVersion = { major: raw.major, minor: raw.minor, patch: raw.patch, runtime: DNNL.runtime[raw.cpu_runtime] ?? `runtime ${raw.cpu_runtime}` };
    if (version.major !== 2 && version.major !== 3) {
      throw new Error(`${path}: oneDNN ${version.major}.${version.minor} is not supported (2.x and 3.x are)`);
    }
    const calls = dnnlCalls(koffi, lib, version.major);
    return new OneDnn(path, version, calls, version.runtime === 'OpenMP' ? ompThreadSetter(koffi) : null);
  }

  get versionString(): string {
    return `${this.version.major}.${this.version.minor}.${this.version.patch}`;
  }

  /** Sets the OpenMP thread count its primitives run on; false where its runtime is not OpenMP. */
  setThreads(n: number): boolean {
    if (!this.setOmpThreads) return false;
    if (this.threadCount !== n) {
      this.setOmpThreads(n);
      // primitives are built for the thread count in force when they were created
      this.conv.clear();
      this.eltwise.clear();
    }
    this.threadCount = n;
    return true;
  }

  get threads(): number | null {
    return this.threadCount;
  }

  // C = alpha·op(A)·op(B) + beta·C, row-major
  sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, a: Float32Array, lda: number, b: Float32Array, ldb: number, beta: number, c: Float32Array, ldc: number): void {
    const status = this.sgemmFn(transA ? CHAR_T : CHAR_N, transB ? CHAR_T : CHAR_N, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    if (status !== DNNL.success) throw new Error(`oneDNN sgemm ${m}x${n}x${k}: ${STATUS_NAMES[status] ?? status}`);
  }
}

function ompThreadSetter(koffi: KoffiModule): ((n: number) => void) | null {
  const runtime = loadedLibrary(koffi, OPENMP_RUNTIMES);
  if (!runtime) return null;
  const set = runtime.func('void omp_set_num_threads(int n)');
  return (n) => set(n);
}

function dnnlCalls(koffi: KoffiModule, lib: KoffiLibrary, major: number): DnnlCalls {
  const check = (status: number, what: string): void => {
    if (status !== DNNL.success) throw new Error(`oneDNN ${what}: ${STATUS_NAMES[status] ?? `status ${status}`}`);
  };
  const slot = (): unknown[] => [null];
  const engineSlot = slot();
  check(lib.func('int dnnl_engine_create(_Out_ void **engine, int kind, size_t index)')(engineSlot, DNNL.cpuEngine, 0), 'engine');
  const engine = engineSlot[0];
  const streamSlot = slot();
  check(lib.func('int dnnl_stream_create(_Out_ void **stream, void *engine, unsigned int flags)')(streamSlot, engine, DNNL.streamDefaultFlags), 'stream');
  const stream = streamSlot[0];

  const queryString = lib.func('int dnnl_primitive_desc_query(void *pd, int what, int index, _Out_ const char **result)');
  const queryMd = lib.func('void *dnnl_primitive_desc_query_md(void *pd, int what, int index)');
  const mdEqual = lib.func('int dnnl_memory_desc_equal(void *a, void *b)');
  const mdBytes = lib.func('size_t dnnl_memory_desc_get_size(void *md)');
  const primitiveCreate = lib.func('int dnnl_primitive_create(_Out_ void **primitive, void *pd)');
  const primitiveDestroy = lib.func('int dnnl_primitive_destroy(void *primitive)');
  const pdDestroy = lib.func('int dnnl_primitive_desc_destroy(void *pd)');
  const reorderCreate = lib.func('int dnnl_reorder_primitive_desc_create(_Out_ void **pd, void *fromMd, void *fromEngine, void *toMd, void *toEngine, void *attr)');
  const memoryCreate = lib.func('int dnnl_memory_create(_Out_ void **memory, void *md, void *engine, void *handle)');
  const memoryDestroy = lib.func('int dnnl_memory_destroy(void *memory)');
  const setHandle = lib.func('int dnnl_memory_set_data_handle(void *memory, void *handle)');
  const execArg = koffi.struct({ arg: 'int', memory: 'void *' });
  const execute = lib.func('dnnl_primitive_execute', 'int', ['void *', 'void *', 'int', koffi.pointer(execArg)]);
  const wait = lib.func('int dnnl_stream_wait(void *stream)');
  const block = signalsBlocked(koffi);

  return {
    koffi,
    lib,
    engine,
    stream,
    descriptors: major >= 3 ? descriptorsV3(lib, engine, check) : descriptorsV2(lib, engine, check),
    check,
    queryMd: (pd, query, index) => queryMd(pd, query, index),
    implementation(pd) {
      const out = slot();
      check(queryString(pd, DNNL.query.implInfoStr, 0, out), 'implementation query');
      return String(out[0]);
    },
    mdEqual: (a, b) => mdEqual(a, b) !== 0,
    mdBytes: (md) => Number(mdBytes(md)),
    createPrimitive(pd) {
      const out = slot();
      check(primitiveCreate(out, pd), 'primitive');
      return out[0];
    },
    destroyPrimitive: (primitive) => void primitiveDestroy(primitive),
    destroyPrimitiveDesc: (pd) => void pdDestroy(pd),
    reorderDesc(from, to) {
      const out = slot();
      check(reorderCreate(out, from, engine, to, engine, null), 'reorder');
      return out[0];
    },
    createMemory(md, handle) {
      const out = slot();
      check(memoryCreate(out, md, engine, handle), 'memory');
      return out[0];
    },
    destroyMemory: (memory) => void memoryDestroy(memory),
    setHandle: (memory, handle) => check(setHandle(memory, handle), 'set data handle'),
    execute(primitive, args) {
      block(() => {
        check(execute(primitive, stream, args.length, args), 'execute');
        check(wait(stream), 'stream wait');
      });
    },
  };
}

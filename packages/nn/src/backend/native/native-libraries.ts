import { Cblas } from './cblas.ts';
import { cpuFlags, openBlasCoretypeFor } from './cpu-features.ts';
import { firstLine, koffiModule, type KoffiModule } from './koffi-module.ts';
import { CBLAS, ONEDNN, searchOrder, type LibraryKind } from './library-search.ts';
import { OneDnn } from './onednn/onednn.ts';
import { signalsBlocked } from './signal-mask.ts';

/** How OpenBLAS's kernel family was set: by the user's OPENBLAS_CORETYPE, or by ouroboros from the CPU flags. */
export interface CoretypeChoice {
  readonly value: string;
  readonly by: 'environment' | 'ouroboros';
}

/** The native libraries found, or why each kind is missing. */
export interface NativeLibraries {
  readonly blas: Cblas | null;
  readonly dnnl: OneDnn | null;
  /** Per kind that was not found: what was tried and why each failed (`none` when switched off). */
  readonly missing: Partial<Record<'blas' | 'dnnl', string>>;
  readonly coretype?: CoretypeChoice;
}

/** Opens the first of `kind`'s search order that works; the reasons of the others when none does. */
function openFirst<T>(kind: LibraryKind, env: NodeJS.ProcessEnv, open: (path: string) => T): { library: T | null; why?: string } {
  const order = searchOrder(kind, env);
  if (order.length === 0) return { library: null, why: `${kind.envVar}=none` };
  const failures: string[] = [];
  for (const path of order) {
    try {
      return { library: open(path) };
    } catch (error) {
      failures.push(firstLine(error));
    }
  }
  const tried = failures.length === 1 ? failures[0]! : `tried ${order.join(', ')}`;
  return { library: null, why: `no ${kind.label} found (${tried})` };
}

/** `load()` with the environment variable `name` set to `value` while it runs (libraries read such settings when loaded). */
function withEnvWhileLoading<T>(name: string, value: string, load: () => T): T {
  process.env[name] = value;
  try {
    return load();
  } finally {
    delete process.env[name];
  }
}

/**
 * OpenBLAS reads OPENBLAS_CORETYPE once, when it is loaded. Left unset, OpenBLAS 0.3.21 runs its
 * slowest (Prescott, SSE3) kernels on CPUs newer than itself (16 against 130 GFLOP/s measured on a
 * Xeon with AVX-512), so it is set for the load to the family the CPU's flags support, unless the
 * user set it.
 */
function withCoretype<T>(env: NodeJS.ProcessEnv, load: () => T): { result: T; coretype?: CoretypeChoice } {
  const set = env.OPENBLAS_CORETYPE?.trim();
  if (set) return { result: load(), coretype: { value: set, by: 'environment' } };
  const chosen = process.arch === 'x64' ? openBlasCoretypeFor(cpuFlags()) : undefined;
  if (!chosen) return { result: load() };
  return { result: withEnvWhileLoading('OPENBLAS_CORETYPE', chosen, load), coretype: { value: chosen, by: 'ouroboros' } };
}

/**
 * OpenMP's worker threads (oneDNN's) spin for a while after each parallel region by default, on the
 * cores OpenBLAS's own threads need for the next product: on 2 cores with one busy elsewhere a
 * RealNVP step at 2 threads ran 8x slower (3.9 against 29.9 steps/s with them sleeping at once).
 * The OpenMP runtime reads OMP_WAIT_POLICY when it is loaded, with oneDNN; a user's setting stands.
 */
function withPassiveOpenMp<T>(env: NodeJS.ProcessEnv, load: () => T): T {
  return env.OMP_WAIT_POLICY?.trim() ? load() : withEnvWhileLoading('OMP_WAIT_POLICY', 'PASSIVE', load);
}

/** Looks for a CBLAS and for oneDNN (see library-search.ts for where and how to override). */
export function findNativeLibraries(env: NodeJS.ProcessEnv = process.env): NativeLibraries {
  const loaded = koffiModule();
  if ('reason' in loaded) return { blas: null, dnnl: null, missing: { blas: loaded.reason, dnnl: loaded.reason } };
  const koffi: KoffiModule = loaded.koffi;
  // threads a library starts when loaded (OpenBLAS's) keep the blocked mask: see signal-mask.ts
  const { blas, coretype, dnnl } = signalsBlocked(koffi)(() => {
    const found = withCoretype(env, () => openFirst(CBLAS, env, (path) => Cblas.open(koffi, path)));
    return { blas: found.result, coretype: found.coretype, dnnl: withPassiveOpenMp(env, () => openFirst(ONEDNN, env, (path) => OneDnn.open(koffi, path))) };
  });
  const missing: NativeLibraries['missing'] = {};
  if (blas.why) missing.blas = blas.why;
  if (dnnl.why) missing.dnnl = dnnl.why;
  const openblas = blas.library?.name === 'OpenBLAS';
  return { blas: blas.library, dnnl: dnnl.library, missing, ...(openblas && coretype ? { coretype } : {}) };
}

let found: NativeLibraries | undefined;

/** The native libraries of this process, looked for once. */
export function nativeLibraries(): NativeLibraries {
  found ??= findNativeLibraries();
  return found;
}

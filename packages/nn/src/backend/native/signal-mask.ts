import type { KoffiModule } from './koffi-module.ts';

/** The C library, and pthread_sigmask's SIG_BLOCK and SIG_SETMASK. */
const PLATFORM: Partial<Record<NodeJS.Platform, { libc: string; block: number; setMask: number }>> = {
  linux: { libc: 'libc.so.6', block: 0, setMask: 2 },
  darwin: { libc: '/usr/lib/libSystem.B.dylib', block: 1, setMask: 3 },
};

/** sizeof(sigset_t): 128 bytes in glibc, 4 on macOS. */
const SIGSET_BYTES = 128;

type Mask = (how: number, set: Uint8Array | null, old: Uint8Array | null) => number;

let blockAll: (<T>(fn: () => T) => T) | undefined;

/**
 * Runs `fn` with every signal blocked on the calling thread, then restores the mask (signals that
 * arrived meanwhile are delivered then). oneDNN's JIT kernels (2.6 and 3.7, measured) corrupt the C
 * heap when a signal lands on a thread inside them, e.g. a profiler's SIGPROF or a Ctrl-C's
 * SIGINT; threads the libraries start inside `fn` (OpenMP's, OpenBLAS's) inherit the blocked mask,
 * so signals only ever reach threads that run JavaScript. A no-op where there is no pthread_sigmask.
 */
export function signalsBlocked(koffi: KoffiModule): <T>(fn: () => T) => T {
  if (blockAll) return blockAll;
  const platform = PLATFORM[process.platform];
  if (!platform) {
    blockAll = (fn) => fn();
    return blockAll;
  }
  const libc = koffi.load(platform.libc);
  const sigmask = libc.func('int pthread_sigmask(int how, const void *set, void *old)') as Mask;
  const all = new Uint8Array(SIGSET_BYTES);
  libc.func('int sigfillset(void *set)')(all);
  const saved: Uint8Array[] = [];
  let depth = 0;
  blockAll = <T>(fn: () => T): T => {
    if (depth > 0) return fn();
    const old = (saved[0] ??= new Uint8Array(SIGSET_BYTES));
    sigmask(platform.block, all, old);
    depth++;
    try {
      return fn();
    } finally {
      depth--;
      sigmask(platform.setMask, old, null);
    }
  };
  return blockAll;
}

/** `fn` with signals blocked around every call (see signalsBlocked). */
export function guarded<F extends (...args: never[]) => unknown>(koffi: KoffiModule, fn: F): F {
  const block = signalsBlocked(koffi);
  return ((...args: Parameters<F>) => block(() => fn(...args))) as F;
}

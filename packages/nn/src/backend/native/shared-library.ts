import type { KoffiLibrary, KoffiModule } from './koffi-module.ts';

/** The C library, and dlopen's RTLD_NOW | RTLD_NODELETE and RTLD_NOW | RTLD_NOLOAD flags. */
const DLOPEN: Partial<Record<NodeJS.Platform, { libc: string; pin: number; ifLoaded: number }>> = {
  linux: { libc: 'libc.so.6', pin: 0x2 | 0x1000, ifLoaded: 0x2 | 0x4 },
  darwin: { libc: '/usr/lib/libSystem.B.dylib', pin: 0x2 | 0x80, ifLoaded: 0x2 | 0x10 },
};

function dlopenOf(koffi: KoffiModule): { dlopen: (path: string, flags: number) => unknown; dlerror: () => string | null } | null {
  const loader = DLOPEN[process.platform];
  if (!loader) return null;
  const libc = koffi.load(loader.libc);
  return { dlopen: libc.func('void *dlopen(const char *path, int flags)'), dlerror: libc.func('const char *dlerror()') };
}

export interface OpenedLibrary {
  /** The name or path it was opened by. */
  readonly path: string;
  readonly lib: KoffiLibrary;
  /** Whether the library exports `symbol` (without binding it). */
  has(symbol: string): boolean;
}

/**
 * Opens a shared library for good: it is pinned with RTLD_NODELETE first, so it is never unmapped
 * while its worker threads (OpenMP's, OpenBLAS's) still run at process exit, which crashes Node
 * otherwise. Throws an Error whose message is the loader's own reason (`cannot open shared object`).
 */
export function openLibrary(koffi: KoffiModule, path: string): OpenedLibrary {
  const libc = dlopenOf(koffi);
  if (libc && libc.dlopen(path, DLOPEN[process.platform]!.pin) === null) {
    throw new Error(libc.dlerror() ?? `${path}: cannot be opened`);
  }
  const lib = koffi.load(path);
  const has = (symbol: string): boolean => {
    try {
      lib.symbol(symbol);
      return true;
    } catch {
      return false;
    }
  };
  return { path, lib, has };
}

/** The first of `names` already loaded into the process (by another library's dependency), or null. */
export function loadedLibrary(koffi: KoffiModule, names: readonly string[]): KoffiLibrary | null {
  const libc = dlopenOf(koffi);
  for (const name of names) {
    if (libc ? libc.dlopen(name, DLOPEN[process.platform]!.ifLoaded) !== null : true) {
      try {
        return koffi.load(name);
      } catch {
        continue;
      }
    }
  }
  return null;
}

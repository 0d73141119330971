import { readdirSync } from 'node:fs';
import { delimiter } from 'node:path';

/** A kind of native library ouroboros can use, and where it is looked for. */
export interface LibraryKind {
  /** What it is, for messages: `CBLAS`, `oneDNN`. */
  readonly label: string;
  /**
   * Environment variable that overrides the search: a path or library name to use instead, or
   * `none` to use no library of this kind (the wasm kernels serve its ops).
   */
  readonly envVar: string;
  /** Names and paths tried in order, per platform (the dynamic loader resolves bare names). */
  readonly candidates: Partial<Record<NodeJS.Platform, readonly string[]>>;
  /** File names looked for in the library directories and tried before the candidates, highest version first. */
  readonly versioned?: RegExp;
}

export const CBLAS: LibraryKind = {
  label: 'CBLAS',
  envVar: 'OURO_BLAS',
  candidates: {
    // libopenblasp: Fedora's threaded build
    linux: ['libopenblas.so.0', 'libopenblas.so', 'libopenblasp.so.0', 'libmkl_rt.so.2', 'libmkl_rt.so', 'libblis.so.4', 'libblis.so', 'libcblas.so.3', 'libblas.so.3'],
    darwin: [
      '/opt/homebrew/opt/openblas/lib/libopenblas.dylib',
      '/usr/local/opt/openblas/lib/libopenblas.dylib',
      '/System/Library/Frameworks/Accelerate.framework/Accelerate',
    ],
    win32: ['libopenblas.dll', 'openblas.dll', 'mkl_rt.2.dll'],
  },
};

export const ONEDNN: LibraryKind = {
  label: 'oneDNN',
  envVar: 'OURO_DNNL',
  candidates: {
    linux: ['libdnnl.so.3', 'libdnnl.so.2'],
    darwin: [
      '/opt/homebrew/opt/onednn/lib/libdnnl.3.dylib',
      '/usr/local/opt/onednn/lib/libdnnl.3.dylib',
      'libdnnl.3.dylib',
      'libdnnl.2.dylib',
    ],
    win32: ['dnnl.dll'],
  },
  // Debian names the 3.x soname by minor version (libdnnl.so.3.6)
  versioned: /^libdnnl\.so\.(\d+)(?:\.(\d+))?$/,
};

/** Directories the dynamic loader searches by default on Linux, plus LD_LIBRARY_PATH. */
function libraryDirectories(env: NodeJS.ProcessEnv): string[] {
  const fromEnv = (env.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean);
  const arch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  return [...fromEnv, `/usr/lib/${arch}`, `/lib/${arch}`, '/usr/lib64', '/usr/lib', '/usr/local/lib'];
}

function versionedMatches(pattern: RegExp, env: NodeJS.ProcessEnv): string[] {
  const found: Array<{ name: string; version: number }> = [];
  for (const dir of libraryDirectories(env)) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const match = pattern.exec(name);
      if (match) found.push({ name: `${dir}/${name}`, version: Number(match[1]) * 1000 + Number(match[2] ?? 0) });
    }
  }
  return found.sort((a, b) => b.version - a.version).map((f) => f.name);
}

/**
 * What to try for `kind`, in order: the environment variable's value alone when set (`none`
 * gives nothing), else the versioned files found (newest first), then the platform's candidates.
 */
export function searchOrder(kind: LibraryKind, env: NodeJS.ProcessEnv = process.env, platform = process.platform): string[] {
  const override = env[kind.envVar]?.trim();
  if (override) return override.toLowerCase() === 'none' ? [] : [override];
  const found = kind.versioned && platform === 'linux' ? versionedMatches(kind.versioned, env) : [];
  return [...found, ...(kind.candidates[platform] ?? [])];
}

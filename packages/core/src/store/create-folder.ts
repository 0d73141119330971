import { existsSync, mkdirSync, statfsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** statfs magic numbers of kernel filesystems that hold no user folders (mkdir there is refused, means something else, or never returns). */
const VIRTUAL_FILESYSTEMS: Record<number, string> = {
  0x9fa0: 'proc',
  0x62656572: 'sysfs',
  0x27e0eb: 'cgroup',
  0x63677270: 'cgroup2',
  0x64626720: 'debugfs',
  0x74726163: 'tracefs',
  0x73636673: 'securityfs',
  0x62656570: 'configfs',
  0xcafe4a11: 'bpf',
  0x1cd1: 'devpts',
  0x6165676c: 'pstore',
  0xde5e81e4: 'efivarfs',
};

/** Why a folder cannot be created where asked; `code` is the system's error code when there is one. */
export class FolderError extends Error {
  override readonly name = 'FolderError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * Creates `dir` and its missing parents, one level at a time from the nearest folder that exists:
 * Node's recursive mkdir loops forever where a filesystem answers ENOENT under an existing folder
 * (/proc). A kernel filesystem (proc, sysfs, cgroup, ...) is refused before anything is created.
 */
export function createFolder(dir: string): void {
  const missing: string[] = [];
  let existing = resolve(dir);
  while (!existsSync(existing)) {
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  if (missing.length === 0) return;
  if (!statSync(existing).isDirectory()) throw new FolderError(`${existing} is a file, not a folder`, 'ENOTDIR');
  const kind = virtualFilesystem(existing);
  if (kind) throw new FolderError(`${existing} is on ${kind}, a kernel filesystem that holds no user folders; expected a folder on a disk`);
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(path).isDirectory()) continue;
      if (code === 'ENOENT') throw new FolderError(`${dirname(path)} refuses new folders (ENOENT although it exists); expected a folder on a disk`, code);
      throw error;
    }
  }
}

/** The name of the kernel filesystem `path` is on, or null for an ordinary one (or where statfs is unavailable). */
export function virtualFilesystem(path: string): string | null {
  try {
    return VIRTUAL_FILESYSTEMS[statfsSync(path).type] ?? null;
  } catch {
    return null;
  }
}

/** Why creating a folder failed, in words a user acts on. */
export function whyNoFolder(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only filesystem',
    ENOTDIR: 'a part of the path is a file, not a folder',
    ENOSPC: 'no space left on the device',
    EEXIST: 'a file is in the way',
  };
  return code && words[code] ? `${words[code]} (${code})` : String(error instanceof Error ? error.message : error).split('\n')[0]!;
}

import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** A failed write, naming the file and the system's reason (ENOSPC, EIO, EACCES, ...). */
export class WriteError extends Error {
  override readonly name = 'WriteError';
  constructor(
    readonly path: string,
    override readonly cause: unknown,
  ) {
    const code = (cause as NodeJS.ErrnoException)?.code;
    const reason = String(cause instanceof Error ? cause.message : cause).split('\n')[0];
    super(`${path}: cannot write${code ? ` (${code})` : ''}: ${reason}`);
  }
}

/** Runs `write`, turning any failure into a WriteError that names `path`. */
export function writingTo<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    throw error instanceof WriteError ? error : new WriteError(path, error);
  }
}

/**
 * Writes a file so that readers see the old content or the new, never a torn one: tmp, fsync,
 * rename. A failure (a full disk, say) leaves the old file and no temporary file, and names the file.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writingTo(path, () => {
    try {
      const fd = openSync(tmp, 'w');
      try {
        writeAll(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
    } catch (error) {
      rmSync(tmp, { force: true });
      throw error;
    }
  });
  fsyncDir(dirname(path));
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Appends text to a file (history rows, step logs); a failure names the file. */
export function appendText(path: string, text: string): void {
  writingTo(path, () => appendFileSync(path, text));
}

/** Writes every byte of `bytes` at the file's position. */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** Makes a rename inside `dir` durable. */
export function fsyncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Renames a fully written folder into place: the commit point of a generation. */
export function commitDir(tmpDir: string, finalDir: string): void {
  if (existsSync(finalDir)) throw new Error(`${finalDir}: already committed; refusing to overwrite it`);
  writingTo(finalDir, () => renameSync(tmpDir, finalDir));
  fsyncDir(dirname(finalDir));
}

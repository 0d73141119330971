import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../store/atomic-write.ts';
import { checksumProblems, fileChecksums, type FileChecksums } from '../store/file-checksums.ts';

export const CHECKSUMS_FILE = 'checksums.json';

/** `checksums.json` of a folder (a generation, a shared cache entry): size and sha256 of every file in it, written just before it is published. */
export function writeChecksums(dir: string): void {
  writeJsonAtomic(join(dir, CHECKSUMS_FILE), { format: 'ouroboros.checksums', version: 1, files: fileChecksums(dir, [CHECKSUMS_FILE]) });
}

/** Every file of `dir` that is missing, resized, changed or not listed in its checksums.json, one line each. */
export function verifyChecksums(dir: string): string[] {
  const path = join(dir, CHECKSUMS_FILE);
  if (!existsSync(path)) return [`${path}: missing; the folder's files cannot be checked`];
  let files: FileChecksums;
  try {
    files = (JSON.parse(readFileSync(path, 'utf8')) as { files: FileChecksums }).files;
  } catch (error) {
    return [`${path}: not valid JSON (${(error as Error).message.split('\n')[0]})`];
  }
  return checksumProblems(dir, files, CHECKSUMS_FILE, [CHECKSUMS_FILE]);
}

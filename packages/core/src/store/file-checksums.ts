import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Size and sha256 of each file of a folder, by path relative to it. */
export type FileChecksums = Record<string, { size: number; sha256: string }>;

export function sha256Of(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Size and sha256 of every file below `dir` but those named in `except` (at its top). */
export function fileChecksums(dir: string, except: readonly string[] = []): FileChecksums {
  const files: FileChecksums = {};
  for (const path of filesUnder(dir, except)) {
    const bytes = readFileSync(path);
    files[relative(dir, path)] = { size: bytes.length, sha256: sha256Of(bytes) };
  }
  return files;
}

/** Every file of `dir` that is missing, resized, changed or not in `files` (as listed in `listedIn`), one line each. */
export function checksumProblems(dir: string, files: FileChecksums, listedIn: string, except: readonly string[] = []): string[] {
  const problems: string[] = [];
  for (const [name, expected] of Object.entries(files)) {
    const file = join(dir, name);
    if (!existsSync(file)) problems.push(`${file}: missing`);
    else if (statSync(file).size !== expected.size) problems.push(`${file}: ${statSync(file).size} bytes; ${listedIn} says ${expected.size}`);
    else if (sha256Of(readFileSync(file)) !== expected.sha256) problems.push(`${file}: sha256 differs from ${listedIn}; the file is damaged`);
  }
  for (const file of filesUnder(dir, except)) if (!(relative(dir, file) in files)) problems.push(`${file}: not in ${listedIn} (added after it was written)`);
  return problems;
}

/** Every file below `dir` but those named in `except` (at its top), in name order; links are listed, never followed. */
function filesUnder(dir: string, except: readonly string[], root = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (lstatSync(path).isDirectory()) out.push(...filesUnder(path, except, root));
    else if (dir !== root || !except.includes(name)) out.push(path);
  }
  return out;
}

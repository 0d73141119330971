import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeJsonAtomic } from '../store/atomic-write.ts';

export const CHECKSUMS_FILE = 'checksums.json';

/** `checksums.json` of a generation folder: size and sha256 of every file in it, written just before it commits. */
export function writeChecksums(dir: string): void {
  const files: Record<string, { size: number; sha256: string }> = {};
  for (const path of filesUnder(dir)) {
    const bytes = readFileSync(path);
    files[relative(dir, path)] = { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  writeJsonAtomic(join(dir, CHECKSUMS_FILE), { format: 'ouroboros.checksums', version: 1, files });
}

/** Every file of `dir` that is missing, resized, changed or not listed in its checksums.json, one line each. */
export function verifyChecksums(dir: string): string[] {
  const path = join(dir, CHECKSUMS_FILE);
  if (!existsSync(path)) return [`${path}: missing; the generation's files cannot be checked`];
  let files: Record<string, { size: number; sha256: string }>;
  try {
    files = (JSON.parse(readFileSync(path, 'utf8')) as { files: typeof files }).files;
  } catch (error) {
    return [`${path}: not valid JSON (${(error as Error).message.split('\n')[0]})`];
  }
  const problems: string[] = [];
  for (const [name, expected] of Object.entries(files)) {
    const file = join(dir, name);
    if (!existsSync(file)) problems.push(`${file}: missing`);
    else if (statSync(file).size !== expected.size) problems.push(`${file}: ${statSync(file).size} bytes; ${CHECKSUMS_FILE} says ${expected.size}`);
    else if (createHash('sha256').update(readFileSync(file)).digest('hex') !== expected.sha256) problems.push(`${file}: sha256 differs from ${CHECKSUMS_FILE}; the file is damaged`);
  }
  for (const file of filesUnder(dir)) if (!(relative(dir, file) in files)) problems.push(`${file}: not in ${CHECKSUMS_FILE} (added after the generation committed)`);
  return problems;
}

/** Every file below `dir` except its own checksums.json, in name order. */
function filesUnder(dir: string, root = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, root));
    else if (path !== join(root, CHECKSUMS_FILE)) out.push(path);
  }
  return out;
}

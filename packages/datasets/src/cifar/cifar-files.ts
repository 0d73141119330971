import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readTarArchive } from '../archives/tar-archive.ts';
import { statSource } from '../source-path.ts';

/** The two official layouts: `cifar-10-batches-bin` (binary records) and `cifar-10-batches-py` (pickles). */
export type CifarLayout = 'binary' | 'python';

/** One batch file's bytes and where it came from, for errors. */
export interface CifarFile {
  readonly source: string;
  readonly bytes: Uint8Array;
}

export interface CifarFiles {
  readonly layout: CifarLayout;
  readonly train: readonly CifarFile[];
  readonly test: readonly CifarFile[];
}

const TRAIN_BATCHES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}`);
const TEST_BATCH = 'test_batch';
const FOLDERS: Record<CifarLayout, string> = { binary: 'cifar-10-batches-bin', python: 'cifar-10-batches-py' };
const SUFFIX: Record<CifarLayout, string> = { binary: '.bin', python: '' };

export const CIFAR_EXPECTED =
  'a cifar-10-batches-bin or cifar-10-batches-py folder (data_batch_1..5[.bin] and test_batch[.bin]), a folder holding one, or the cifar-10-binary.tar.gz / cifar-10-python.tar.gz archive';

/**
 * The six batch files of CIFAR-10 at `path`: a batches folder of either version, a folder that
 * holds one (torchvision's `root`), or the official archive (.tar.gz, read in memory without
 * unpacking). The binary version wins when both are there.
 */
export function readCifarFiles(path: string): CifarFiles {
  const stats = statSource(path, 'cifar10', CIFAR_EXPECTED);
  return stats.isDirectory() ? folderFiles(path) : archiveFiles(path);
}

function batchNames(layout: CifarLayout): string[] {
  return [...TRAIN_BATCHES, TEST_BATCH].map((name) => `${name}${SUFFIX[layout]}`);
}

function folderFiles(path: string): CifarFiles {
  const candidates = [path, join(path, FOLDERS.binary), join(path, FOLDERS.python)];
  for (const layout of ['binary', 'python'] as const) {
    for (const folder of candidates) {
      const names = batchNames(layout);
      if (!names.some((name) => existsSync(join(folder, name)))) continue;
      const files = names.map((name) => {
        const file = join(folder, name);
        if (!existsSync(file)) throw new Error(`${file}: missing; expected ${names.join(', ')} in ${folder} (the CIFAR-10 ${layout} version)`);
        return { source: file, bytes: readFileSync(file) };
      });
      return { layout, train: files.slice(0, 5), test: files.slice(5) };
    }
  }
  throw new Error(`cifar10: ${path} holds no CIFAR-10 batches; expected ${CIFAR_EXPECTED}`);
}

function archiveFiles(path: string): CifarFiles {
  const members = readTarArchive(readFileSync(path), path);
  const byName = new Map([...members].map(([name, bytes]) => [basename(name), { name, bytes }]));
  for (const layout of ['binary', 'python'] as const) {
    const names = batchNames(layout);
    if (!names.some((name) => byName.has(name))) continue;
    const files = names.map((name) => {
      const member = byName.get(name);
      if (!member) throw new Error(`${path}: ${FOLDERS[layout]}/${name} is missing from the archive; expected ${names.join(', ')} (the CIFAR-10 ${layout} version)`);
      return { source: `${path}: ${member.name}`, bytes: member.bytes };
    });
    return { layout, train: files.slice(0, 5), test: files.slice(5) };
  }
  throw new Error(`${path}: holds no CIFAR-10 batches; expected ${CIFAR_EXPECTED}`);
}

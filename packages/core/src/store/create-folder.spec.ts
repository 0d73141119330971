import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../testing/index.ts';
import { createFolder, virtualFilesystem, whyNoFolder } from './create-folder.ts';

const root = tempDir();
afterAll(() => root.cleanup());

const failureOf = (dir: string): string => {
  try {
    createFolder(dir);
    return 'created';
  } catch (error) {
    return whyNoFolder(error);
  }
};

describe('createFolder', () => {
  it('creates every missing parent and accepts a folder that exists', () => {
    const dir = join(root.dir, 'a', 'b', 'c');
    createFolder(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    createFolder(dir);
  });

  it('names a file in the way', () => {
    const file = join(root.dir, 'file');
    writeFileSync(file, 'x');
    expect(failureOf(join(file, 'run'))).toBe('a part of the path is a file, not a folder (ENOTDIR)');
  });

  it.skipIf(virtualFilesystem('/proc') !== 'proc')('refuses kernel filesystems at once, creating nothing', () => {
    expect(failureOf('/proc/x/y')).toBe('/proc is on proc, a kernel filesystem that holds no user folders; expected a folder on a disk');
    expect(failureOf('/proc/sys/x')).toBe('/proc/sys is on proc, a kernel filesystem that holds no user folders; expected a folder on a disk');
    expect(existsSync('/proc/x')).toBe(false);
    expect(virtualFilesystem(root.dir)).toBeNull();
  });
});

import { tempDir } from '@ouroboros/core/testing';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFile } from '../testing/file-fixtures.ts';
import { readTarArchive } from './tar-archive.ts';

const tmp = tempDir('ouroboros-tar-');
afterAll(() => tmp.cleanup());

const longName = `${'deep/'.repeat(25)}file-with-a-name-past-100-characters.bin`;
writeFile(join(tmp.dir, 'src', 'short.txt'), 'short');
writeFile(join(tmp.dir, 'src', longName), Uint8Array.from({ length: 1500 }, (_, i) => i % 251));

function tar(format: string, gzip: boolean): Uint8Array {
  const archive = join(tmp.dir, `${format}.tar${gzip ? '.gz' : ''}`);
  const result = spawnSync('tar', [gzip ? '-czf' : '-cf', archive, `--format=${format}`, '-C', join(tmp.dir, 'src'), 'short.txt', longName]);
  if (result.status !== 0) throw new Error(String(result.stderr));
  return readFileSync(archive);
}

describe('readTarArchive (archives written by GNU tar)', () => {
  it.each([
    ['gnu', false],
    ['gnu', true],
    ['pax', false],
    ['ustar', true],
  ] as const)('reads the members of a %s archive (gzipped: %s), long names included', (format, gzip) => {
    const files = readTarArchive(tar(format, gzip), 'x.tar');
    expect([...files.keys()]).toEqual(['short.txt', longName]);
    expect(Buffer.from(files.get('short.txt')!).toString()).toBe('short');
    expect([...files.get(longName)!]).toEqual(Array.from({ length: 1500 }, (_, i) => i % 251));
  });

  it('refuses a damaged header and a truncated member, naming the archive', () => {
    const bytes = tar('gnu', false);
    const damaged = Uint8Array.from(bytes);
    damaged[10] ^= 0xff;
    expect(() => readTarArchive(damaged, 'damaged.tar')).toThrow('damaged.tar: bad tar header checksum at byte 0; expected a tar or .tar.gz archive');
    expect(() => readTarArchive(bytes.subarray(0, 512 + 3), 'cut.tar')).toThrow('cut.tar: truncated inside member "short.txt" (needs 5 bytes at byte 512 of 515); expected a complete archive');
    expect(() => readTarArchive(bytes.subarray(0, 1024), 'cut.tar')).toThrow('cut.tar: ends after 1 members without the end-of-archive block; expected a complete tar or .tar.gz archive');
    expect(() => readTarArchive(new TextEncoder().encode('short text'), 'text.tar')).toThrow('text.tar: ends after 0 members without the end-of-archive block');
  });
});

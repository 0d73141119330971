import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPython, runPython, tempDir } from '@ouroboros/core/testing';
import { ZipArchive } from './zip-archive.ts';

const python = findPython([]);
const temp = tempDir('zip-archive-');
afterAll(() => temp.cleanup());

/** A zip with a stored entry, a deflated one, an empty one and a folder, as Python's zipfile writes them; and a zip64 one. */
const script = `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.writestr('stored.txt', 'plain bytes', compress_type=zipfile.ZIP_STORED)
    z.writestr('images/deflated.bin', bytes(range(256)) * 40, compress_type=zipfile.ZIP_DEFLATED)
    z.writestr('empty', b'')
with zipfile.ZipFile(sys.argv[2], 'w', allowZip64=True) as z:
    with z.open('big.bin', 'w', force_zip64=True) as f:
        f.write(b'zip64 entry')
`;

describe.skipIf(!python)('ZipArchive (needs python3)', () => {
  const plain = join(temp.dir, 'a.zip');
  const zip64 = join(temp.dir, 'b.zip');
  if (python) runPython(python, script, [plain, zip64]);

  it('lists the entries and reads stored, deflated and empty ones', () => {
    const zip = ZipArchive.open(plain);
    expect([...zip.entries.keys()]).toEqual(['stored.txt', 'images/deflated.bin', 'empty']);
    expect(Buffer.from(zip.read('stored.txt')).toString()).toBe('plain bytes');
    const deflated = zip.read('images/deflated.bin');
    expect(deflated.length).toBe(10240);
    expect(deflated[257]).toBe(1);
    expect(zip.entries.get('images/deflated.bin')!.method).toBe(8);
    expect(zip.read('empty').length).toBe(0);
    expect(() => zip.read('missing')).toThrow("no entry 'missing' in the zip archive");
    zip.close();
  });

  it('reads zip64 entries', () => {
    const zip = ZipArchive.open(zip64);
    expect(Buffer.from(zip.read('big.bin')).toString()).toBe('zip64 entry');
    zip.close();
  });

  it('names a file that is not a zip', () => {
    const junk = join(temp.dir, 'junk.zip');
    writeFileSync(junk, 'no zip here');
    expect(() => ZipArchive.open(junk)).toThrow(`${junk}: no end-of-central-directory record; expected a zip file`);
  });
});

import { findPython, runPython, tempDir } from '@ouroboros/core/testing';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZipArchive } from './zip-archive.ts';

const python = findPython([]);
const tmp = tempDir('ouroboros-zip-');
afterAll(() => tmp.cleanup());

/** Writes zips with Python's zipfile, the module EDM's dataset_tool uses. */
const writeZips = `
import sys, zipfile, os
out = sys.argv[1]
with zipfile.ZipFile(os.path.join(out, 'stored.zip'), 'w', compression=zipfile.ZIP_STORED) as z:
    z.writestr('00000/img00000000.png', bytes(range(256)) * 3)
    z.writestr('dataset.json', '{"labels": null}')
    z.writestr('empty/', '')
with zipfile.ZipFile(os.path.join(out, 'deflated.zip'), 'w', compression=zipfile.ZIP_DEFLATED) as z:
    z.writestr('a/b.txt', 'hello ' * 1000)
    z.writestr('ünïcode.txt', 'x')
# More members than the 16-bit count of the classic end record holds: the zip64 end records
# (EDM's FFHQ zip has 70,000 images and dataset.json).
with zipfile.ZipFile(os.path.join(out, 'many.zip'), 'w', compression=zipfile.ZIP_STORED) as z:
    for i in range(70001):
        z.writestr('%05d/%08d.txt' % (i // 1000, i), str(i))
`;

describe.skipIf(!python)('ZipArchive (zips written by python zipfile)', () => {
  if (python) runPython(python, writeZips, [tmp.dir]);

  it('lists the members and reads stored and deflated ones, with utf-8 names', () => {
    const stored = ZipArchive.open(join(tmp.dir, 'stored.zip'));
    expect(stored.entries.map((e) => e.name)).toEqual(['00000/img00000000.png', 'dataset.json', 'empty/']);
    expect([...stored.read(stored.entries[0]!)]).toEqual([...Array(768).keys()].map((i) => i % 256));
    expect(Buffer.from(stored.read(stored.entries[1]!)).toString()).toBe('{"labels": null}');
    stored.close();
    const deflated = ZipArchive.open(join(tmp.dir, 'deflated.zip'));
    expect(deflated.entries.map((e) => [e.name, e.method])).toEqual([['a/b.txt', 8], ['ünïcode.txt', 8]]);
    expect(Buffer.from(deflated.read(deflated.entries[0]!)).toString()).toBe('hello '.repeat(1000));
    deflated.close();
  });

  it('reads the zip64 end records of a zip with more than 65535 members', () => {
    const zip = ZipArchive.open(join(tmp.dir, 'many.zip'));
    expect(zip.entries).toHaveLength(70001);
    expect(Buffer.from(zip.read(zip.entries[70000]!)).toString()).toBe('70000');
    expect(zip.entries[69999]!.name).toBe('00069/00069999.txt');
    zip.close();
  });

  it('refuses a damaged member or a file that is not a zip, naming the file', () => {
    const bytes = readFileSync(join(tmp.dir, 'stored.zip'));
    const at = bytes.indexOf(Buffer.from(bytes.subarray(30 + '00000/img00000000.png'.length, 30 + '00000/img00000000.png'.length + 16)));
    bytes[at + 100] ^= 0xff;
    const damaged = join(tmp.dir, 'damaged.zip');
    writeFileSync(damaged, bytes);
    const zip = ZipArchive.open(damaged);
    expect(() => zip.read(zip.entries[0]!)).toThrow(`${damaged}: 00000/img00000000.png: CRC or size mismatch; expected an intact zip file`);
    zip.close();
    const notZip = join(tmp.dir, 'not.zip');
    writeFileSync(notZip, 'just text, long enough to have no end record'.repeat(10));
    expect(() => ZipArchive.open(notZip)).toThrow(`${notZip}: no end-of-central-directory record; expected a zip file`);
  });
});

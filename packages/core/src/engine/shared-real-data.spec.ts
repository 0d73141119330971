import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SampleStore } from '../store/sample-store.ts';
import { tempDir } from '../testing/index.ts';
import { storeDigest, storeOnce, writeSharedSplit } from './shared-real-data.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function store(dir: string, values: number[]): void {
  const writer = SampleStore.create(dir, { dtype: 'float32', sampleShape: [2], labelled: false });
  writer.append(Float32Array.from(values));
  writer.close();
}
const layout = { dtype: 'float32' as const, sampleShape: [2], labelled: false };
async function* chunksOf(values: number[]) {
  yield { values: Float32Array.from(values) };
}

describe('storeOnce: the shared real-data cache under concurrent cells', () => {
  it('keeps the copy another process stored first (never deletes a copy a run may be linking)', () => {
    const scratch = join(tmp.dir, 'first', '.incoming');
    store(scratch, [1, 2, 3, 4]);
    const cached = join(tmp.dir, 'first', storeDigest(scratch));
    store(cached, [1, 2, 3, 4]);
    const inode = statSync(join(cached, 'chunk-00000.bin')).ino;
    expect(storeOnce(scratch, cached)).toBe(false);
    expect(statSync(join(cached, 'chunk-00000.bin')).ino).toBe(inode);
  });

  it('moves its copy into place, or replaces a damaged folder (no header) that is in the way', async () => {
    const fresh = join(tmp.dir, 'fresh');
    mkdirSync(fresh);
    store(join(fresh, '.incoming'), [5, 6]);
    storeOnce(join(fresh, '.incoming'), join(fresh, 'digest'));
    expect(SampleStore.exists(join(fresh, 'digest'))).toBe(true);
    expect(existsSync(join(fresh, '.incoming'))).toBe(false);

    const damaged = join(tmp.dir, 'damaged');
    mkdirSync(join(damaged, 'digest'), { recursive: true });
    writeFileSync(join(damaged, 'digest', 'chunk-00000.bin'), 'torn');
    store(join(damaged, '.incoming'), [7, 8]);
    expect(storeOnce(join(damaged, '.incoming'), join(damaged, 'digest'))).toBe(true);
    expect(Array.from(await SampleStore.open(join(damaged, 'digest')).readAll())).toEqual([7, 8]);
    expect(readdirSync(damaged)).toEqual(['digest']);
  });
});

describe('writeSharedSplit', () => {
  it('replaces a cached split with a flipped byte, with a note, and links the intact one into the run', async () => {
    const cache = join(tmp.dir, 'flipped', 'splits');
    await writeSharedSplit(join(tmp.dir, 'flipped', 'run-a', 'train'), cache, layout, chunksOf([1, 2, 3, 4]));
    const [entry] = readdirSync(cache);
    const chunk = join(cache, entry!, 'chunk-00000.bin');
    const bytes = readFileSync(chunk);
    bytes[0]! ^= 1;
    writeFileSync(chunk, bytes);
    const notes: string[] = [];
    const store = await writeSharedSplit(join(tmp.dir, 'flipped', 'run-b', 'train'), cache, layout, chunksOf([1, 2, 3, 4]), (line) => notes.push(line));
    expect(Array.from(await store.readAll())).toEqual([1, 2, 3, 4]);
    expect(store.verify()).toEqual([]);
    expect(notes).toEqual([`${join(cache, entry!)}: the shared copy of this split no longer matches its checksum (damaged on disk); replaced by the split just written`]);
    expect(readdirSync(cache)).toEqual([entry]);
  });

  it('removes the half-written splits of writers that died on this host, and keeps those of live ones', async () => {
    const cache = join(tmp.dir, 'abandoned', 'splits');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const names = [`split.incoming-${hostname()}-${dead}-0badf00d.partial`, `.incoming-${dead}-00c0ffee`, `split.incoming-${hostname()}-${process.pid}-00000001`, `split.incoming-other-host-${dead}-00000002`];
    for (const name of names) {
      mkdirSync(join(cache, name), { recursive: true });
      writeFileSync(join(cache, name, 'chunk-00000.bin'), 'x'.repeat(100));
    }
    const old = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(join(cache, names[1]!), old, old);
    const notes: string[] = [];
    await writeSharedSplit(join(tmp.dir, 'abandoned', 'run', 'train'), cache, layout, chunksOf([1, 2]), (line) => notes.push(line));
    const left = readdirSync(cache);
    expect(left).toContain(names[2]);
    expect(left).toContain(names[3]);
    expect(left).not.toContain(names[0]);
    expect(left).not.toContain(names[1]);
    expect(notes).toEqual([expect.stringMatching(/removed 2 half-written split\(s\) left by processes that died while writing/)]);
  });
});

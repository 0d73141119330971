import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SampleStore } from '../store/sample-store.ts';
import { tempDir } from '../testing/index.ts';
import { storeOnce } from './shared-real-data.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function store(dir: string, values: number[]): void {
  const writer = SampleStore.create(dir, { dtype: 'float32', sampleShape: [2], labelled: false });
  writer.append(Float32Array.from(values));
  writer.close();
}

describe('storeOnce: the shared real-data cache under concurrent cells', () => {
  it('keeps the copy another process stored first (never deletes a copy a run may be linking)', () => {
    const cached = join(tmp.dir, 'first', 'digest');
    store(cached, [1, 2, 3, 4]);
    const inode = statSync(join(cached, 'chunk-00000.bin')).ino;
    const scratch = join(tmp.dir, 'first', '.incoming');
    store(scratch, [1, 2, 3, 4]);
    storeOnce(scratch, cached);
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
    storeOnce(join(damaged, '.incoming'), join(damaged, 'digest'));
    expect(Array.from(await SampleStore.open(join(damaged, 'digest')).readAll())).toEqual([7, 8]);
    expect(readdirSync(damaged)).toEqual(['digest']);
  });
});

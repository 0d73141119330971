import { afterAll, describe, expect, it } from 'vitest';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../testing/index.ts';
import { SampleJournal } from './sample-journal.ts';

const root = tempDir();
afterAll(() => root.cleanup());

const layout = { dtype: 'float32' as const, sampleShape: [2], labelled: true };
/** Batch b: 5000 samples (10000 values) and labels, distinct per batch; three batches cross the 8192-sample chunk boundary. */
const batch = (b: number) => ({ values: Float32Array.from({ length: 10_000 }, (_, i) => b * 10_000 + i), labels: Int32Array.from({ length: 5000 }, (_, i) => (b + i) % 7) });

describe('SampleJournal', () => {
  it('keeps every batch written before a stop (a torn write after it cut) and goes on to the store an uninterrupted writer gives', async () => {
    const whole = SampleJournal.open(join(root.dir, 'whole'), join(root.dir, 'whole.json'), layout);
    for (let b = 0; b < 5; b++) whole.append(batch(b).values, batch(b).labels);
    const expected = whole.close();

    const dir = join(root.dir, 'stopped');
    const first = SampleJournal.open(dir, join(root.dir, 'stopped.json'), layout);
    for (let b = 0; b < 3; b++) first.append(batch(b).values, batch(b).labels);
    appendFileSync(join(dir, 'chunk-00001.bin'), new Uint8Array(4000));
    const again = SampleJournal.open(dir, join(root.dir, 'stopped.json'), layout);
    expect(again.written).toBe(15_000);
    for (let b = 3; b < 5; b++) again.append(batch(b).values, batch(b).labels);
    const resumed = again.close();
    expect(readFileSync(join(dir, 'samples.json'), 'utf8')).toBe(readFileSync(join(root.dir, 'whole', 'samples.json'), 'utf8'));
    expect(await resumed.readAll()).toEqual(await expected.readAll());
    expect(await resumed.readLabels(0, resumed.count)).toEqual(await expected.readLabels(0, expected.count));
  });

  it('draws again from the first batch whose bytes differ from the journal, saying so', () => {
    const dir = join(root.dir, 'damaged');
    const journal = SampleJournal.open(dir, join(root.dir, 'damaged.json'), layout);
    for (let b = 0; b < 3; b++) journal.append(batch(b).values, batch(b).labels);
    const chunk = join(dir, 'chunk-00000.bin');
    const bytes = readFileSync(chunk);
    bytes[5000 * 8 + 3]! ^= 0xff;
    writeFileSync(chunk, bytes);
    const notes: string[] = [];
    const again = SampleJournal.open(dir, join(root.dir, 'damaged.json'), layout, (line) => notes.push(line));
    expect(again.written).toBe(5000);
    expect(notes).toEqual([`${dir}: samples 5000..9999 do not match their journal; they and the ones after are drawn again (the same numbers, more time)`]);
    for (let b = 1; b < 5; b++) again.append(batch(b).values, batch(b).labels);
    expect(again.close().verify()).toEqual([]);
  });
});

import { rmSync } from 'node:fs';
import type { SampleLayout, SampleArray } from '../store/sample-store.ts';
import { SampleStore } from '../store/sample-store.ts';
import { commitDir } from '../store/atomic-write.ts';

/** Streams chunks of samples into a new store at `dir`, visible only once complete. */
export async function writeSplit(dir: string, layout: SampleLayout, chunks: AsyncIterable<SampleArray>): Promise<SampleStore> {
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  const writer = SampleStore.create(partial, { dtype: layout.dtype, sampleShape: layout.sampleShape });
  for await (const chunk of chunks) writer.append(chunk);
  writer.close();
  commitDir(partial, dir);
  return SampleStore.open(dir);
}

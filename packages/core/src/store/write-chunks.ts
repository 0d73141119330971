import { rmSync } from 'node:fs';
import type { SampleChunk } from '../contracts/dataset.ts';
import { commitDir } from './atomic-write.ts';
import { SampleStore, type SampleLayout } from './sample-store.ts';

/** Streams chunks of samples into a new store at `dir`, visible only once complete. */
export async function writeChunks(dir: string, layout: SampleLayout & { labelled: boolean }, chunks: AsyncIterable<SampleChunk>): Promise<SampleStore> {
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  const writer = SampleStore.create(partial, layout);
  for await (const chunk of chunks) writer.append(chunk.values, chunk.labels);
  writer.close();
  commitDir(partial, dir);
  return SampleStore.open(dir);
}

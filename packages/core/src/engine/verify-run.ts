import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SampleStore } from '../store/sample-store.ts';
import { MOMENTS_FILE, momentsProblem } from './feature-cache.ts';
import { verifyChecksums } from './generation-checksums.ts';
import { damagedCheckpoints } from './run-checkpoints.ts';
import { RunFiles } from './run-files.ts';
import { RunFolder } from './run-folder.ts';

/**
 * Every problem with a run folder's data, one line each naming the file: run.json against its
 * sha256, each committed generation's files against its checksums.json, every sample store (real
 * splits, samples, features) against the checksums in its samples.json, the reference moments
 * (moments.f64) against the sha256 beside them, and (unless `checkpoints: false`) every mid-fit
 * checkpoint against the checksums in its latest.json. Empty when the run is intact.
 */
export function verifyRun(dir: string, options: { checkpoints?: boolean } = {}): string[] {
  const folder = new RunFolder(dir);
  const problems: string[] = [];
  let committed: number[] = [];
  try {
    committed = folder.committedGenerations();
  } catch (error) {
    problems.push((error as Error).message);
  }
  const files = new RunFiles(folder);
  try {
    const marker = files.readMarker();
    const edited = marker && files.markerProblem(marker);
    if (edited) problems.push(edited);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const stores: string[] = [folder.realDir('train'), folder.realDir('test')];
  for (const t of committed) {
    problems.push(...verifyChecksums(folder.generationDir(t)));
    stores.push(join(folder.generationDir(t), 'samples'));
  }
  const features = join(dir, 'features');
  if (existsSync(features)) for (const key of readdirSync(features)) for (const split of readdirSync(join(features, key))) stores.push(join(features, key, split));
  for (const store of stores) {
    const moments = join(store, MOMENTS_FILE);
    const damagedMoments = existsSync(moments) ? momentsProblem(moments) : null;
    if (damagedMoments) problems.push(damagedMoments);
    if (!SampleStore.exists(store)) continue;
    try {
      problems.push(...SampleStore.open(store).verify());
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const checkpoints = join(dir, 'checkpoints');
  if (options.checkpoints !== false && existsSync(checkpoints)) {
    for (const name of readdirSync(checkpoints).sort()) for (const { problems: found } of damagedCheckpoints(join(checkpoints, name))) problems.push(...found);
  }
  return problems;
}

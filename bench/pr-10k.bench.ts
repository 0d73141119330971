/**
 * precision-recall (k = 3) on 10,000 real and 10,000 generated 2048-d features against pr_10k.py
 * (blocked numpy), one thread each, alternating, on the same float32 features.
 * Run by hand: `npx tsx bench/pr-10k.bench.ts > bench/results/pr-10k.md` (about 5 minutes on 2 idle cores).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { improvedPrecisionRecall, pointSet } from '@ouroboros/metrics';
import { selectBackend } from '@ouroboros/nn';
import { loadNow, machineLines, median, readFloat32, runTwin } from './twins/bench-support.ts';

const repeats = Number(process.env.REPEATS ?? 2);
await selectBackend('wasm');
const dir = mkdtempSync(join(os.tmpdir(), 'pr-bench-'));
const base = join(dir, 'features');
runTwin('pr-10k-twin.py', ['features', base]);
const real = pointSet(readFloat32(`${base}.real.f32`), 2048);
const fake = pointSet(readFloat32(`${base}.fake.f32`), 2048);
const loadAtStart = loadNow();

const ours: Array<{ seconds: number; precision: number; recall: number }> = [];
const numpy: Array<{ seconds: number; precision: number; recall: number }> = [];
for (let r = 0; r < repeats; r++) {
  process.stderr.write(`repeat ${r + 1}/${repeats}: ours...\n`);
  const t0 = performance.now();
  const result = await improvedPrecisionRecall(real, fake, 3);
  ours.push({ seconds: (performance.now() - t0) / 1000, ...result });
  process.stderr.write('  numpy...\n');
  numpy.push(runTwin('pr-10k-twin.py', ['time', base]));
}
rmSync(dir, { recursive: true, force: true });

const theirs = median(numpy.map((x) => x.seconds));
const mine = median(ours.map((x) => x.seconds));
console.log('# precision-recall, k = 3, 10,000 vs 10,000 x 2048: ouroboros against numpy (pr_10k.py)\n');
for (const line of machineLines()) console.log(line);
console.log(`- 1-min load average ${loadAtStart} at start, ${loadNow()} at the end (2 cores)`);
console.log(`- ${repeats} alternating repeats; medians. Ours: a k-NN pass over the upper block triangle of each set (half the distances) and one generated-to-real pass; numpy: three full passes, blocks of 1000 rows`);
console.log('- ratio = numpy seconds / ours: above 1 means ouroboros is faster\n');
console.log('| path | seconds | ratio | precision | recall |');
console.log('|---|---|---|---|---|');
console.log(`| numpy (twin) | ${theirs.toFixed(2)} | 1.00 | ${numpy[0]!.precision} | ${numpy[0]!.recall} |`);
console.log(`| ours, wasm | ${mine.toFixed(2)} | ${(theirs / mine).toFixed(2)} | ${ours[0]!.precision} | ${ours[0]!.recall} |`);

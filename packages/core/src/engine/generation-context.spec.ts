import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../testing/index.ts';
import { StepLog, throttleProgress } from './generation-context.ts';

const t = tempDir();
afterAll(() => t.cleanup());

describe('StepLog', () => {
  it('reads as one uninterrupted fit after a resume logs steps again from its checkpoint', () => {
    const path = join(t.dir, 'steps.jsonl');
    const first = new StepLog(path);
    for (let step = 0; step < 5; step++) first.append(step, { loss: 10 - step });
    // A crash after step 4, a checkpoint at step 3: the resumed fit logs 3, 4, 5 again.
    const resumed = new StepLog(path);
    for (let step = 3; step < 6; step++) resumed.append(step, { loss: 100 + step });
    const rows = readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(rows).toEqual([
      { step: 0, loss: 10 },
      { step: 1, loss: 9 },
      { step: 2, loss: 8 },
      { step: 3, loss: 103 },
      { step: 4, loss: 104 },
      { step: 5, loss: 105 },
    ]);
  });
});

describe('throttleProgress', () => {
  it('passes at most one report per interval, and always the completion', () => {
    const seen: number[] = [];
    let clock = 0;
    const report = throttleProgress((fraction) => seen.push(fraction), 100, () => clock);
    for (const [time, fraction] of [[0, 0.1], [50, 0.2], [99, 0.3], [100, 0.4], [150, 0.5], [160, 1]] as const) {
      clock = time;
      report(fraction, '');
    }
    expect(seen).toEqual([0.1, 0.4, 1]);
  });
});

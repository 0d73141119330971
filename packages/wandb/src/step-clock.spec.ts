import { describe, expect, it } from 'vitest';
import { StepClock } from './step-clock.ts';

describe('StepClock', () => {
  it('counts optimizer steps over the run, each generation row right after its last step', () => {
    const clock = new StepClock();
    const written: Array<[string, number]> = [];
    for (let g = 0; g < 3; g++) {
      for (let s = 0; s < 4; s++) {
        const step = clock.trainStep(g, s)!;
        if (s % 2 === 0) {
          clock.take(step);
          written.push([`g${g}s${s}`, step]);
        }
      }
      written.push([`g${g}`, clock.generationRow(g)]);
    }
    // Generation g: steps at 5g + s, its row at 5g + 4 (after step 3, which was not sent).
    expect(written).toEqual([
      ['g0s0', 0], ['g0s2', 2], ['g0', 4],
      ['g1s0', 5], ['g1s2', 7], ['g1', 9],
      ['g2s0', 10], ['g2s2', 12], ['g2', 14],
    ]);
  });

  it('gives a model without steps one _step per generation, and images without their row a _step of their own', () => {
    const clock = new StepClock();
    expect([clock.generationRow(0), clock.extraRow(), clock.generationRow(1)]).toEqual([0, 1, 2]);
  });

  it('never goes back: steps a resumed fit reports again are left out, and the clock restores from the journal', () => {
    const clock = new StepClock();
    for (let s = 0; s < 8; s++) clock.take(clock.trainStep(0, s)!);
    // A fit resumed from its checkpoint at step 5 reports 5..9 again.
    const again = [5, 6, 7, 8, 9].map((s) => clock.trainStep(0, s));
    expect(again.slice(0, 3)).toEqual([null, null, null]);
    expect(again.slice(3)).toEqual([8, 9]);

    const restored = new StepClock();
    restored.restore({ kind: 'history', role: 'train', generation: 0, step: 4, row: { 'train/step': 4 } });
    restored.restore({ kind: 'history', role: 'train', generation: 0, step: 6, row: { 'train/step': 6 } });
    expect(restored.trainStep(0, 5)).toBeNull();
    expect(restored.trainStep(0, 7)).toBe(7);
    expect(restored.generationRow(0)).toBe(8);
    expect(restored.lastGeneration).toBe(0);
  });
});

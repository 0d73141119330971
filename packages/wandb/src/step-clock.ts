import type { SpoolRecord } from './spool.ts';

/**
 * W&B's `_step` for an ouroboros run: one run-wide counter of optimizer steps, with one extra
 * step for each generation's row. Training step k of generation g is `_step = start(g) + k`, and
 * the generation's row comes right after its last step: `start(g) + steps(g)`; generation g + 1
 * starts one later. A model without steps (a closed form) gives one `_step` per generation.
 * `_step` never goes back: steps a resumed fit reports again (from its checkpoint up to where the
 * crash was) map to `_step`s already written and are left out.
 */
export class StepClock {
  /** The lowest `_step` not yet written. */
  private next = 0;
  /** generation -> `_step` of its training step 0. */
  private readonly starts = new Map<number, number>();
  /** generation -> the largest training step it reported (sent or not). */
  private readonly lastSteps = new Map<number, number>();
  /** Highest generation whose row is written; -1 before any. */
  lastGeneration = -1;

  /** Replays a journal record (when reopening the spool of a resumed run). */
  restore(record: SpoolRecord): void {
    if (record.kind !== 'history') return;
    this.next = Math.max(this.next, record.step + 1);
    if (record.role === 'train') {
      const step = Number(record.row['train/step']);
      this.starts.set(record.generation, record.step - step);
      this.lastSteps.set(record.generation, Math.max(this.lastSteps.get(record.generation) ?? -1, step));
    } else if (record.role === 'generation') {
      this.lastGeneration = Math.max(this.lastGeneration, record.generation);
    }
  }

  /** The `_step` of training step `step` of generation `generation`, or null when that `_step` is already behind. */
  trainStep(generation: number, step: number): number | null {
    const start = this.starts.get(generation) ?? this.next;
    this.starts.set(generation, start);
    this.lastSteps.set(generation, Math.max(this.lastSteps.get(generation) ?? -1, step));
    return start + step >= this.next ? start + step : null;
  }

  /** Marks `_step` as written. */
  take(step: number): void {
    this.next = step + 1;
  }

  /** The `_step` of generation `generation`'s row: after its last training step, never before one written; marks it written. */
  generationRow(generation: number): number {
    const start = this.starts.get(generation);
    const afterSteps = start === undefined ? 0 : start + (this.lastSteps.get(generation) ?? -1) + 1;
    const step = Math.max(this.next, afterSteps);
    this.next = step + 1;
    this.lastGeneration = Math.max(this.lastGeneration, generation);
    return step;
  }

  /** A `_step` of its own (an image without its generation's row). */
  extraRow(): number {
    return this.next++;
  }
}

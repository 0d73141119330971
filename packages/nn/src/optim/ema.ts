import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { checkSameNames, namedEntries, uniqueNames, type Named } from '../io/named.ts';
import { parseOptions } from './parse-options.ts';
import { ownedVariable } from './owned-variable.ts';

export const emaOptions = z.strictObject({
  decay: z.number().min(0).max(1).default(0.999).describe('β: shadow ← β·shadow + (1 − β)·param per update; the half-life is ln ½ / ln β updates (0.999: 693).'),
  rampupRatio: z.number().positive().nullable().default(null).describe("EDM's ema_rampup_ratio (Karras et al. 2022; 0.05 there): when set, the half-life after k updates is capped at ratio·k, so the average forgets its random start quickly. Null: the constant β throughout."),
});
export type EmaOptions = z.output<typeof emaOptions>;

/**
 * β for the update that follows `updatesDone` ones: the constant β, or with a ramp-up (EDM, training_loop.py
 * with its image counts turned into updates) β_k = min(β, ½^(1 / (ratio·k))), which is 0 for k = 0: the
 * first update copies the parameters.
 */
export function emaDecay(updatesDone: number, options: EmaOptions): number {
  if (options.rampupRatio === null) return options.decay;
  return Math.min(options.decay, 0.5 ** (1 / (options.rampupRatio * updatesDone)));
}

/**
 * An exponential moving average of named variables (the weights that EDM and ADM sample with), held in
 * shadow tf.Variables that start as copies of the variables.
 */
export class Ema {
  readonly options: EmaOptions;
  private readonly tracked: ReadonlyMap<string, tf.Variable>;
  private readonly shadow = new Map<string, tf.Variable>();
  private updates = 0;
  private swapped = false;

  constructor(params: Iterable<readonly [string, tf.Variable]>, options: z.input<typeof emaOptions> = {}) {
    this.options = parseOptions(emaOptions, options, 'ema');
    this.tracked = uniqueNames(params, 'ema');
    for (const [name, param] of this.tracked) this.shadow.set(name, ownedVariable(param.clone()));
  }

  get updateCount(): number {
    return this.updates;
  }

  /** shadow ← β·shadow + (1 − β)·param, with β = emaDecay(updateCount); returns that β. */
  update(): number {
    if (this.swapped) throw new Error('ema.update: called inside withEmaWeights, while the variables hold the average');
    const beta = emaDecay(this.updates, this.options);
    tf.tidy(() => {
      for (const [name, param] of this.tracked) {
        const shadow = this.shadow.get(name)!;
        shadow.assign(shadow.mul(beta).add(param.mul(1 - beta)));
      }
    });
    this.updates += 1;
    return beta;
  }

  /** shadow ← param: the average restarts from the current weights (after a data-dependent initialisation). */
  reset(): void {
    if (this.swapped) throw new Error('ema.reset: called inside withEmaWeights, while the variables hold the average');
    for (const [name, param] of this.tracked) this.shadow.get(name)!.assign(param);
  }

  /** Copies of the averaged weights under the parameters' names (for a sampling snapshot); the caller disposes them. */
  weights(): Record<string, tf.Tensor> {
    return Object.fromEntries([...this.shadow].map(([name, shadow]) => [name, shadow.clone()]));
  }

  /**
   * Runs `fn` with the tracked variables holding the averaged weights, then puts the training weights back,
   * also when `fn` throws; an async `fn` keeps the average in place until its promise settles.
   */
  withEmaWeights<T>(fn: () => T): T {
    if (this.swapped) throw new Error('ema.withEmaWeights: already inside withEmaWeights');
    const training = new Map([...this.tracked].map(([name, param]) => [name, param.clone()]));
    const restore = () => {
      for (const [name, param] of this.tracked) param.assign(training.get(name)!);
      tf.dispose([...training.values()]);
      this.swapped = false;
    };
    for (const [name, param] of this.tracked) param.assign(this.shadow.get(name)!);
    this.swapped = true;
    let result: T;
    try {
      result = fn();
    } catch (error) {
      restore();
      throw error;
    }
    if (result instanceof Promise) return result.finally(restore) as T;
    restore();
    return result;
  }

  /** Copies of the shadow weights (`shadow.<param>`) and the update count (`updates`, int32); the caller disposes them. */
  state(): Record<string, tf.Tensor> {
    const shadows = [...this.shadow].map(([name, shadow]) => [`shadow.${name}`, shadow.clone()] as const);
    return Object.fromEntries([['updates', tf.scalar(this.updates, 'int32')], ...shadows]);
  }

  /** Restores what `state()` returned; everything is checked before anything is assigned. */
  loadState(state: Named<tf.Tensor>, source = '<state>'): void {
    if (this.swapped) throw new Error('ema.loadState: called inside withEmaWeights');
    const given = new Map(namedEntries(state));
    checkSameNames(given, ['updates', ...[...this.tracked.keys()].map((n) => `shadow.${n}`)], `${source}: ema state`);
    const updates = given.get('updates')!;
    const count = updates.size === 1 ? updates.dataSync()[0]! : NaN;
    if (!Number.isSafeInteger(count) || count < 0) throw new Error(`${source}: ema state 'updates' = ${count}: expected a non-negative integer scalar`);
    for (const [name, param] of this.tracked) {
      const tensor = given.get(`shadow.${name}`)!;
      if (!tf.util.arraysEqual(tensor.shape, param.shape) || tensor.dtype !== param.dtype) {
        throw new Error(`${source}: ema state 'shadow.${name}' is ${tensor.dtype} [${tensor.shape.join(', ')}]; expected ${param.dtype} [${param.shape.join(', ')}] like the parameter`);
      }
    }
    for (const [name, shadow] of this.shadow) shadow.assign(given.get(`shadow.${name}`)!);
    this.updates = count;
  }

  dispose(): void {
    tf.dispose([...this.shadow.values()]);
    this.shadow.clear();
  }
}

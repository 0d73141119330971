import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { checkSameNames, namedEntries, uniqueNames, type Named } from '../io/named.ts';
import { parseOptions } from './parse-options.ts';
import { ownedVariable } from './owned-variable.ts';
import { ADAM_UPDATE, adamInputNames } from '../backend/fused-ops.ts';
import type { AdamUpdateAttrs } from '../backend/wasm-kernels/optimizer-kernels.ts';

export const adamOptions = z.strictObject({
  lr: z.number().min(0).default(1e-3).describe('Default learning rate; `step` can override it per update (for a schedule).'),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.999]).describe('Decay rates of the first and second moment estimates.'),
  eps: z.number().min(0).default(1e-8).describe('Added to the root of the second moment, for numerical stability.'),
  weightDecay: z.number().min(0).default(0).describe('Decoupled weight decay (AdamW, Loshchilov & Hutter 2019): param *= 1 - lr·weightDecay before each update.'),
});
export type AdamOptions = z.output<typeof adamOptions>;

/**
 * Adam (Kingma & Ba 2015) with torch.optim.AdamW's semantics (torch.optim.Adam's when weightDecay = 0),
 * over named variables. Per update t, for each parameter p with gradient g:
 *   p ← p·(1 − lr·λ);  m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²
 *   p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
 * The moments live in tf.Variables; `state()`/`loadState()` checkpoint them with the step count for an exact resume.
 */
export class Adam {
  readonly options: AdamOptions;
  private readonly params: ReadonlyMap<string, tf.Variable>;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private steps = 0;

  constructor(params: Iterable<readonly [string, tf.Variable]>, options: z.input<typeof adamOptions> = {}) {
    this.options = parseOptions(adamOptions, options, 'adam');
    this.params = uniqueNames(params, 'adam');
    for (const [name, param] of this.params) {
      this.m.set(name, ownedVariable(tf.zerosLike(param)));
      this.v.set(name, ownedVariable(tf.zerosLike(param)));
    }
  }

  /** The number of updates applied so far. */
  get stepCount(): number {
    return this.steps;
  }

  /** One update from `grads` (left undisposed), which must hold exactly one gradient per parameter. */
  step(grads: Named<tf.Tensor>, lr = this.options.lr): void {
    const byName = this.checkedGrads(grads);
    const { betas: [beta1, beta2], eps, weightDecay } = this.options;
    const t = this.steps + 1;
    const stepSize = lr / (1 - beta1 ** t);
    const rootCorrection2 = Math.sqrt(1 - beta2 ** t);
    const attrs = { beta1, beta2, eps, stepSize, rootCorrection2, decay: 1 - lr * weightDecay };
    tf.tidy(() => {
      const updates = this.updates(byName, attrs);
      [...this.params].forEach(([name, param], i) => {
        const [pNext, mNext, vNext] = updates.slice(3 * i, 3 * i + 3) as [tf.Tensor, tf.Tensor, tf.Tensor];
        this.m.get(name)!.assign(mNext);
        this.v.get(name)!.assign(vNext);
        param.assign(pNext);
      });
    });
    this.steps = t;
  }

  /** Copies of the moments (`m.<param>`, `v.<param>`) and the step count (`step`, int32); the caller disposes them. */
  state(): Record<string, tf.Tensor> {
    const entries: Array<[string, tf.Tensor]> = [['step', tf.scalar(this.steps, 'int32')]];
    for (const name of this.params.keys()) entries.push([`m.${name}`, this.m.get(name)!.clone()], [`v.${name}`, this.v.get(name)!.clone()]);
    return Object.fromEntries(entries);
  }

  /** Restores what `state()` returned (from any source, e.g. a safetensors file); everything is checked first. */
  loadState(state: Named<tf.Tensor>, source = '<state>'): void {
    const given = new Map(namedEntries(state));
    checkSameNames(given, ['step', ...[...this.params.keys()].flatMap((n) => [`m.${n}`, `v.${n}`])], `${source}: adam state`);
    const step = given.get('step')!;
    const stepValue = step.size === 1 ? step.dataSync()[0]! : NaN;
    if (!Number.isSafeInteger(stepValue) || stepValue < 0) throw new Error(`${source}: adam state 'step' = ${step.size === 1 ? stepValue : `shape [${step.shape}]`}: expected a non-negative integer scalar`);
    const assignments: Array<[tf.Variable, tf.Tensor]> = [];
    for (const [name, param] of this.params) {
      for (const [prefix, moments] of [['m', this.m], ['v', this.v]] as const) {
        const tensor = given.get(`${prefix}.${name}`)!;
        if (!tf.util.arraysEqual(tensor.shape, param.shape) || tensor.dtype !== 'float32') {
          throw new Error(`${source}: adam state '${prefix}.${name}' is ${tensor.dtype} [${tensor.shape.join(', ')}]; expected float32 [${param.shape.join(', ')}] like the parameter`);
        }
        assignments.push([moments.get(name)!, tensor]);
      }
    }
    for (const [variable, tensor] of assignments) variable.assign(tensor);
    this.steps = stepValue;
  }

  dispose(): void {
    tf.dispose([...this.m.values(), ...this.v.values()]);
    this.m.clear();
    this.v.clear();
  }

  /** [p', m', v'] of every parameter in order: one call of the fused kernel where the backend has it, else composed ops. */
  private updates(byName: Map<string, tf.Tensor>, attrs: AdamUpdateAttrs): tf.Tensor[] {
    const names = [...this.params.keys()];
    const groups = names.map((name) => [this.params.get(name)!, byName.get(name)!, this.m.get(name)!, this.v.get(name)!] as const);
    if (!tf.getKernel(ADAM_UPDATE, tf.getBackend())) return groups.flatMap(([p, g, m, v]) => composedUpdate(p, g, m, v, attrs));
    const inputs = Object.fromEntries(groups.flatMap((group, i) => adamInputNames(i).map((key, j) => [key, group[j]!])));
    return tf.engine().runKernel(ADAM_UPDATE, inputs, { ...attrs, count: groups.length }) as unknown as tf.Tensor[];
  }

  private checkedGrads(grads: Named<tf.Tensor>): Map<string, tf.Tensor> {
    const byName = new Map(namedEntries(grads));
    checkSameNames(byName, [...this.params.keys()], 'adam.step: gradients');
    for (const [name, param] of this.params) {
      const g = byName.get(name)!;
      if (!tf.util.arraysEqual(g.shape, param.shape)) throw new Error(`adam.step: gradient '${name}' has shape [${g.shape.join(', ')}]; parameter is [${param.shape.join(', ')}]`);
    }
    return byName;
  }
}

// the update of Adam.step in tfjs ops, for backends without the fused kernel: [p', m', v']
function composedUpdate(param: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, c: AdamUpdateAttrs): tf.Tensor[] {
  const decayed = c.decay !== 1 ? param.mul(c.decay) : param;
  const mNext = m.mul(c.beta1).add(g.mul(1 - c.beta1));
  const vNext = v.mul(c.beta2).add(g.mul(1 - c.beta2).mul(g));
  const denominator = vNext.sqrt().div(c.rootCorrection2).add(c.eps);
  return [decayed.sub(mNext.div(denominator).mul(c.stepSize)), mNext, vNext];
}

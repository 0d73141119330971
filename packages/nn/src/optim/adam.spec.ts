import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPython, runPython, tempDir } from '@ouroboros/core/testing';
import { loadTensors, saveTensors } from '../io/tensor-file.ts';
import { Adam } from './adam.ts';

const python = findPython(['torch']);
const temp = tempDir('adam-');
beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
});
afterAll(() => temp.cleanup());

const valuesOf = (variables: ReadonlyMap<string, tf.Variable>) => Object.fromEntries([...variables].map(([n, v]) => [n, [...v.dataSync()]]));
const bitsOf = (t: tf.Tensor) => [...new Uint32Array((t.dataSync() as Float32Array).slice().buffer)];

// A small quadratic: L = ½ Σ a ⊙ (w − c)² + Σ (b − d)², so ∂L/∂w = a ⊙ (w − c) and ∂L/∂b = 2 (b − d).
const quadratic = { w: [[0.5, -1, 2], [1.5, 0.25, -0.75]], b: [0.3, -0.2, 0.1], a: [[1, 2, 3], [0.5, 4, 0.1]], c: [[1, 0, -1], [2, -2, 0.5]], d: [-1, 1, 0] };
const lrs = [0.1, 0.05, 0.1, 0.02, 0.1, 0.07];

function quadraticParams(): Map<string, tf.Variable> {
  return new Map<string, tf.Variable>([['w', tf.variable(tf.tensor2d(quadratic.w))], ['b', tf.variable(tf.tensor1d(quadratic.b))]]);
}

function quadraticGrads(params: ReadonlyMap<string, tf.Variable>): Record<string, tf.Tensor> {
  return tf.tidy(() => ({
    w: tf.tensor2d(quadratic.a).mul(params.get('w')!.sub(tf.tensor2d(quadratic.c))),
    b: params.get('b')!.sub(tf.tensor1d(quadratic.d)).mul(2),
  }));
}

function runSteps(adam: Adam, params: ReadonlyMap<string, tf.Variable>, stepLrs: readonly number[]): void {
  for (const lr of stepLrs) {
    const grads = quadraticGrads(params);
    adam.step(grads, lr);
    tf.dispose(Object.values(grads));
  }
}

describe('Adam', () => {
  it('matches a two-step update computed by hand', () => {
    const p = tf.variable(tf.tensor1d([1, -2]));
    const adam = new Adam([['p', p]], { lr: 0.1 });
    const g1 = tf.tensor1d([0.5, -1]);
    const g2 = tf.tensor1d([0.1, 0.3]);
    // t = 1: m̂ = g, v̂ = g², so p −= lr · g / (|g| + ε) = [0.1, −0.1] (to 1e-8).
    adam.step({ p: g1 });
    expect(adam.stepCount).toBe(1);
    expectClose([...p.dataSync()], [0.900000002, -1.900000001]);
    // t = 2: m = 0.9·0.1·g1 + 0.1·g2 = [0.055, −0.06], v = 0.999·0.001·g1² + 0.001·g2² = [2.5975e-4, 1.089e-3];
    // p −= 0.1 · (m / 0.19) / (√(v / 0.001999) + ε).
    adam.step(new Map([['p', g2]]));
    expectClose([...p.dataSync()], [0.8196959063846517, -1.8572151424292265]);
    const state = adam.state();
    expectClose([...state['m.p']!.dataSync()], [0.055, -0.06]);
    expectClose([...state['v.p']!.dataSync()], [2.5975e-4, 1.089e-3]);
    expect([...state.step!.dataSync()]).toEqual([2]);
    tf.dispose([p, g1, g2, ...Object.values(state)]);
    adam.dispose();
  });

  it('decays weights decoupled, AdamW style: p ← p·(1 − lr·λ) before the Adam step', () => {
    const p = tf.variable(tf.tensor1d([1, -2]));
    const adam = new Adam([['p', p]], { lr: 0.1, weightDecay: 0.5 });
    const [g1, g2] = [tf.tensor1d([0.5, -1]), tf.tensor1d([0.1, 0.3])];
    adam.step({ p: g1 });
    // t = 1: p = 0.95·[1, −2] − [0.1, −0.1]
    expectClose([...p.dataSync()], [0.8500000019999999, -1.800000001]);
    adam.step({ p: g2 });
    // t = 2: p = 0.95·p1 − the same Adam step as without decay (the moments do not see λ)
    expectClose([...p.dataSync()], [0.7271959062846517, -1.6672151423792263]);
    tf.dispose([p, g1, g2]);
    adam.dispose();
  });

  it('matches torch.optim.AdamW\'s algorithm written out in float64 over 6 steps with a changing learning rate (no Python)', () => {
    for (const weightDecay of [0, 0.1]) {
      const params = quadraticParams();
      const adam = new Adam(params, { weightDecay });
      runSteps(adam, params, lrs);
      const ours = valuesOf(params);
      adam.dispose();
      tf.dispose([...params.values()]);
      // torch: p ← p (1 − lr λ); m ← β1 m + (1 − β1) g; v ← β2 v + (1 − β2) g²; p ← p − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)
      const w = quadratic.w.flat();
      const b = [...quadratic.b];
      const [a, c] = [quadratic.a.flat(), quadratic.c.flat()];
      const moments = { w: [w.map(() => 0), w.map(() => 0)], b: [b.map(() => 0), b.map(() => 0)] };
      lrs.forEach((lr, step) => {
        const t = step + 1;
        const grads = { w: w.map((x, i) => a[i]! * (x - c[i]!)), b: b.map((x, i) => 2 * (x - quadratic.d[i]!)) };
        for (const [name, p] of [['w', w], ['b', b]] as const) {
          const [m, v] = moments[name];
          p.forEach((x, i) => {
            const g = grads[name][i]!;
            m![i] = 0.9 * m![i]! + 0.1 * g;
            v![i] = 0.999 * v![i]! + 0.001 * g * g;
            p[i] = x * (1 - lr * weightDecay) - (lr / (1 - 0.9 ** t)) * (m![i]! / (Math.sqrt(v![i]!) / Math.sqrt(1 - 0.999 ** t) + 1e-8));
          });
        }
      });
      expectClose(ours.w!, w, 2e-6);
      expectClose(ours.b!, b, 2e-6);
    }
  });

  it.skipIf(!python)('matches torch.optim.Adam and torch.optim.AdamW over 6 steps with a changing learning rate (needs python3 with torch)', () => {
    const ours: Record<string, Record<string, number[]>> = {};
    for (const [label, weightDecay] of [['adam', 0], ['adamw', 0.1]] as const) {
      const params = quadraticParams();
      const adam = new Adam(params, { weightDecay });
      runSteps(adam, params, lrs);
      ours[label] = valuesOf(params);
      adam.dispose();
      tf.dispose([...params.values()]);
    }
    const script = `
import json, sys, torch
q = json.loads(sys.argv[1]); lrs = json.loads(sys.argv[2])
out = {}
for label, opt_class, wd in (('adam', torch.optim.Adam, 0.0), ('adamw', torch.optim.AdamW, 0.1)):
    w = torch.tensor(q['w'], requires_grad=True); b = torch.tensor(q['b'], requires_grad=True)
    a, c, d = torch.tensor(q['a']), torch.tensor(q['c']), torch.tensor(q['d'])
    opt = opt_class([w, b], lr=lrs[0], betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)
    for lr in lrs:
        opt.param_groups[0]['lr'] = lr
        with torch.no_grad():
            w.grad = a * (w - c); b.grad = (b - d) * 2
        opt.step()
    out[label] = {'w': w.detach().flatten().tolist(), 'b': b.detach().tolist()}
print(json.dumps(out))
`;
    const torch = JSON.parse(runPython(python!, script, [JSON.stringify(quadratic), JSON.stringify(lrs)])) as typeof ours;
    for (const label of ['adam', 'adamw']) {
      for (const name of ['w', 'b']) expectClose(ours[label]![name]!, torch[label]![name]!, 1e-7);
    }
    // Within 1e-7: the two libraries' float32 results differ by an ulp here and there.
    // The parameters moved, and the decay made a difference, so the comparison is not vacuous.
    expect(Math.abs(ours.adam!.b![0]! - quadratic.b[0]!)).toBeGreaterThan(0.1);
    expect(Math.abs(ours.adamw!.w![2]! - ours.adam!.w![2]!)).toBeGreaterThan(1e-3);
  });

  it('resumes bit-identically from a state saved to a safetensors file after 3 of 6 steps', async () => {
    const straight = quadraticParams();
    const adamStraight = new Adam(straight);
    runSteps(adamStraight, straight, lrs);

    const first = quadraticParams();
    const adamFirst = new Adam(first);
    runSteps(adamFirst, first, lrs.slice(0, 3));
    const path = join(temp.dir, 'training-state.safetensors');
    const state = adamFirst.state();
    await saveTensors(path, { ...Object.fromEntries([...first].map(([n, v]) => [`model.${n}`, v])), ...prefixed('adam.', state) });
    tf.dispose([...Object.values(state), ...first.values()]);
    adamFirst.dispose();

    const loaded = loadTensors(path);
    const resumed = new Map([...first.keys()].map((n) => [n, tf.variable(loaded[`model.${n}`]!)]));
    const adamResumed = new Adam(resumed);
    adamResumed.loadState(unprefixed('adam.', loaded), path);
    tf.dispose(Object.values(loaded));
    expect(adamResumed.stepCount).toBe(3);
    runSteps(adamResumed, resumed, lrs.slice(3));

    for (const name of straight.keys()) expect(bitsOf(resumed.get(name)!)).toEqual(bitsOf(straight.get(name)!));
    const [a, b] = [adamStraight.state(), adamResumed.state()];
    for (const key of Object.keys(a)) expect(bitsOf(b[key]!)).toEqual(bitsOf(a[key]!));
    tf.dispose([...Object.values(a), ...Object.values(b), ...straight.values(), ...resumed.values()]);
    adamStraight.dispose();
    adamResumed.dispose();
  });

  it('leaks no tensors across steps, and dispose frees all it made', () => {
    const params = quadraticParams();
    const atStart = tf.memory().numTensors;
    const adam = new Adam(params);
    expect(tf.memory().numTensors).toBe(atStart + 4);
    runSteps(adam, params, [0.1, 0.1, 0.1, 0.1]);
    expect(tf.memory().numTensors).toBe(atStart + 4);
    adam.dispose();
    expect(tf.memory().numTensors).toBe(atStart);
    tf.dispose([...params.values()]);
  });

  it('rejects bad options, gradients and states with one-line errors', () => {
    const params = quadraticParams();
    expect(() => new Adam(params, { betas: [0.9, 1] })).toThrow('adam: betas.1 = 1: expected number to be <1');
    expect(() => new Adam(params, { lr: 1, momentum: 0.9 } as never)).toThrow('adam: momentum: unknown field; remove or rename it');
    expect(() => new Adam([...params, ['w', params.get('w')!]])).toThrow("adam: parameter 'w' is listed twice");
    const adam = new Adam(params);
    const grads = quadraticGrads(params);
    expect(() => adam.step({ w: grads.w! })).toThrow("adam.step: gradients: missing 'b'");
    expect(() => adam.step({ ...grads, extra: grads.b! })).toThrow("adam.step: gradients: unexpected 'extra'");
    expect(() => adam.step({ w: grads.w!, b: grads.w! })).toThrow("adam.step: gradient 'b' has shape [2, 3]; parameter is [3]");
    expect(adam.stepCount).toBe(0);
    const state = adam.state();
    expect(() => adam.loadState({ ...state, 'm.b': grads.w! }, 'ckpt.safetensors')).toThrow(
      "ckpt.safetensors: adam state 'm.b' is float32 [2, 3]; expected float32 [3] like the parameter",
    );
    const { step: _step, ...noStep } = state;
    expect(() => adam.loadState(noStep, 'ckpt.safetensors')).toThrow("ckpt.safetensors: adam state: missing 'step'");
    const badSteps: Array<[tf.Tensor, string]> = [[tf.scalar(-1, 'int32'), '-1'], [tf.scalar(2.5), '2.5'], [tf.tensor1d([1, 2], 'int32'), 'shape [2]']];
    for (const [step, shown] of badSteps) expect(() => adam.loadState({ ...state, step }, 'ckpt.safetensors')).toThrow(`ckpt.safetensors: adam state 'step' = ${shown}: expected a non-negative integer scalar`);
    const halfPrecision = tf.cast(state['m.b']!, 'int32');
    expect(() => adam.loadState({ ...state, 'm.b': halfPrecision }, 'ckpt.safetensors')).toThrow("ckpt.safetensors: adam state 'm.b' is int32 [3]; expected float32 [3] like the parameter");
    tf.dispose([halfPrecision, ...badSteps.map(([t]) => t)]);
    adam.loadState({ ...state, step: tf.scalar(4, 'int32') });
    expect(adam.stepCount).toBe(4);
    tf.dispose([...Object.values(grads), ...Object.values(state), ...params.values()]);
    adam.dispose();
  });
});

function prefixed(prefix: string, tensors: Record<string, tf.Tensor>): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(tensors).map(([n, t]) => [`${prefix}${n}`, t]));
}

function unprefixed(prefix: string, tensors: Record<string, tf.Tensor>): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(tensors).filter(([n]) => n.startsWith(prefix)).map(([n, t]) => [n.slice(prefix.length), t]));
}

function expectClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-6): void {
  expect(actual).toHaveLength(expected.length);
  const worst = Math.max(0, ...actual.map((x, i) => Math.abs(x - expected[i]!) / Math.max(1, Math.abs(expected[i]!))));
  expect(worst, `[${actual}] vs [${expected}]`).toBeLessThanOrEqual(tolerance);
}

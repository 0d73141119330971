import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@ouroboros/core/testing';
import { loadTensors, saveTensors } from '../io/tensor-file.ts';
import { Module } from '../layers/module.ts';
import { Ema, emaDecay, emaOptions } from './ema.ts';

class Tiny extends Module {
  readonly w = this.param('w', tf.tensor1d([1, -1]));
  readonly b = this.param('b', tf.scalar(0));
}

const temp = tempDir('ema-');
beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
});
afterAll(() => temp.cleanup());

/** The parameter values before update i (i = 1..k): w_i = [i, −2i + 0.5], b_i = i². */
const paramsAt = (i: number) => ({ w: [i, -2 * i + 0.5], b: [i * i] });
const start = { w: [1, -1], b: [0] };

function runUpdates(ema: Ema, net: Tiny, from: number, to: number): number[] {
  const betas: number[] = [];
  for (let i = from; i <= to; i++) {
    net.w.assign(tf.tensor1d(paramsAt(i).w));
    net.b.assign(tf.scalar(paramsAt(i).b[0]!));
    betas.push(ema.update());
  }
  return betas;
}

/** shadow_k = (Π_j β_j)·s_0 + Σ_i (1 − β_i)·(Π_{j>i} β_j)·p_i, the unrolled recursion. */
function closedForm(betas: readonly number[], name: 'w' | 'b'): number[] {
  return start[name].map((s0, e) => {
    let value = s0 * betas.reduce((a, b) => a * b, 1);
    betas.forEach((beta, i) => {
      value += (1 - beta) * betas.slice(i + 1).reduce((a, b) => a * b, 1) * paramsAt(i + 1)[name][e]!;
    });
    return value;
  });
}

const shadowValues = (ema: Ema) => {
  const weights = ema.weights();
  const out = Object.fromEntries(Object.entries(weights).map(([n, t]) => [n, [...t.dataSync()]]));
  tf.dispose(Object.values(weights));
  return out;
};

function expectClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-5): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((x, i) => expect(Math.abs(x - expected[i]!), `[${actual}] vs [${expected}]`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected[i]!))));
}

describe('Ema', () => {
  it('after k updates with a constant β equals the closed form β^k·s_0 + Σ (1 − β)·β^(k−i)·p_i', () => {
    const net = new Tiny();
    const ema = new Ema(net.namedParameters(), { decay: 0.9 });
    const betas = runUpdates(ema, net, 1, 12);
    expect(betas).toEqual(Array(12).fill(0.9));
    expect(ema.updateCount).toBe(12);
    const shadow = shadowValues(ema);
    expectClose(shadow.w!, closedForm(betas, 'w'));
    expectClose(shadow.b!, closedForm(betas, 'b'));
    ema.dispose();
    net.dispose();
  });

  it('moves halfway to a constant target in one half-life, ln ½ / ln β updates', () => {
    const net = new Tiny();
    const ema = new Ema(net.namedParameters(), { decay: 0.5 ** (1 / 10) });
    net.w.assign(tf.tensor1d([3, 1]));
    for (let k = 0; k < 10; k++) ema.update();
    expectClose(shadowValues(ema).w!, [2, 0]);
    ema.dispose();
    net.dispose();
  });

  it("ramps the decay up like EDM: β_k = min(β, ½^(1/(ratio·k))), so the first update copies the parameters", () => {
    const options = emaOptions.parse({ decay: 0.999, rampupRatio: 0.05 });
    expect([0, 20, 1000, 1e6].map((k) => emaDecay(k, options))).toEqual([0, 0.5, 0.5 ** (1 / 50), 0.999]);
    const net = new Tiny();
    const ema = new Ema(net.namedParameters(), { decay: 0.95, rampupRatio: 0.5 });
    const betas = runUpdates(ema, net, 1, 8);
    expect(betas[0]).toBe(0);
    expect(betas[1]).toBe(0.25); // ½^(1/(0.5·1))
    expect(betas.at(-1)).toBe(Math.min(0.95, 0.5 ** (1 / 3.5)));
    const shadow = shadowValues(ema);
    expectClose(shadow.w!, closedForm(betas, 'w'));
    expectClose(shadow.b!, closedForm(betas, 'b'));
    ema.dispose();
    net.dispose();
  });

  it('withEmaWeights evaluates with the average and restores the training weights, after errors and promises too', async () => {
    const net = new Tiny();
    const ema = new Ema(net.namedParameters(), { decay: 0.5 });
    runUpdates(ema, net, 1, 1); // shadow = ½·start + ½·p_1 = [1, −1.25], 0.5
    const training = [...net.w.dataSync()];
    const before = tf.memory().numTensors;
    expect(ema.withEmaWeights(() => [...net.w.dataSync(), ...net.b.dataSync()])).toEqual([1, -1.25, 0.5]);
    expect([...net.w.dataSync()]).toEqual(training);
    expect(() => ema.withEmaWeights(() => { throw new Error('sampler failed'); })).toThrow('sampler failed');
    expect([...net.w.dataSync()]).toEqual(training);
    const seen = await ema.withEmaWeights(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(() => ema.update()).toThrow('ema.update: called inside withEmaWeights');
      expect(() => ema.withEmaWeights(() => 0)).toThrow('already inside withEmaWeights');
      return [...net.b.dataSync()];
    });
    expect(seen).toEqual([0.5]);
    expect([...net.b.dataSync()]).toEqual([1]);
    expect(tf.memory().numTensors).toBe(before);
    ema.dispose();
    net.dispose();
  });

  it('reset() restarts the average from the current weights (after a data-dependent initialisation), keeping the update count', () => {
    const net = new Tiny();
    const ema = new Ema(net.namedParameters(), { decay: 0.9 });
    runUpdates(ema, net, 1, 2);
    net.w.assign(tf.tensor1d([7, 8]));
    ema.reset();
    expect(ema.withEmaWeights(() => [...net.w.dataSync()])).toEqual([7, 8]);
    expect(ema.updateCount).toBe(2);
    expect(() => ema.withEmaWeights(() => ema.reset())).toThrow('ema.reset: called inside withEmaWeights');
    ema.dispose();
    net.dispose();
  });

  it('state() saved to a safetensors file and loaded into a fresh Ema continues bit-identically', async () => {
    const [netA, netB] = [new Tiny(), new Tiny()];
    const [straight, first] = [new Ema(netA.namedParameters(), { decay: 0.9, rampupRatio: 0.1 }), new Ema(netB.namedParameters(), { decay: 0.9, rampupRatio: 0.1 })];
    runUpdates(straight, netA, 1, 6);
    runUpdates(first, netB, 1, 3);
    const path = join(temp.dir, 'ema.safetensors');
    const state = first.state();
    await saveTensors(path, state);
    tf.dispose(Object.values(state));
    first.dispose();
    const resumed = new Ema(netB.namedParameters(), { decay: 0.9, rampupRatio: 0.1 });
    const loaded = loadTensors(path);
    expect(() => resumed.loadState({ ...loaded, 'shadow.b': loaded['shadow.w']! }, path)).toThrow(`${path}: ema state 'shadow.b' is float32 [2]; expected float32 [] like the parameter`);
    const badCounts: Array<[tf.Tensor, string]> = [[tf.scalar(-1, 'int32'), '-1'], [tf.scalar(0.5), '0.5'], [tf.tensor1d([1, 2], 'int32'), 'NaN']];
    for (const [updates, shown] of badCounts) expect(() => resumed.loadState({ ...loaded, updates }, path)).toThrow(`${path}: ema state 'updates' = ${shown}: expected a non-negative integer scalar`);
    tf.dispose(badCounts.map(([t]) => t));
    const integerShadow = tf.cast(loaded['shadow.w']!, 'int32');
    expect(() => resumed.loadState({ ...loaded, 'shadow.w': integerShadow }, path)).toThrow(`${path}: ema state 'shadow.w' is int32 [2]; expected float32 [2] like the parameter`);
    integerShadow.dispose();
    expect(() => resumed.withEmaWeights(() => resumed.loadState(loaded, path))).toThrow('ema.loadState: called inside withEmaWeights');
    const zero = tf.scalar(0, 'int32');
    resumed.loadState({ ...loaded, updates: zero }, path);
    expect(resumed.updateCount).toBe(0);
    zero.dispose();
    resumed.loadState(loaded, path);
    tf.dispose(Object.values(loaded));
    expect(resumed.updateCount).toBe(3);
    runUpdates(resumed, netB, 4, 6);
    const bits = (ema: Ema) => Object.values(ema.weights()).map((t) => { const b = [...new Uint32Array(t.dataSync().slice().buffer)]; t.dispose(); return b; });
    expect(bits(resumed)).toEqual(bits(straight));
    straight.dispose();
    resumed.dispose();
    netA.dispose();
    netB.dispose();
  });

  it('leaks no tensors across updates and rejects bad options in one line', () => {
    const net = new Tiny();
    const atStart = tf.memory().numTensors;
    const ema = new Ema(net.namedParameters());
    expect(tf.memory().numTensors).toBe(atStart + 2);
    for (let k = 0; k < 5; k++) ema.update();
    expect(tf.memory().numTensors).toBe(atStart + 2);
    ema.dispose();
    expect(tf.memory().numTensors).toBe(atStart);
    expect(() => new Ema(net.namedParameters(), { decay: 1.5 })).toThrow('ema: decay = 1.5: expected number to be <=1');
    net.dispose();
  });
});

import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { metricInput, recordingEnv, tempDir, testContext, vectorStore } from '@ouroboros/core/testing';
import { classCoverageMetricPlugin, classCoverageOptions, klDivergence } from './class-coverage-metric.ts';

const temp = tempDir('class-coverage-');
afterAll(() => temp.cleanup());

/** Logit rows that predict `classes[i]` out of 4. */
const logits = (classes: number[]) => classes.map((c) => [0, 1, 2, 3].map((j) => (j === c ? 5 : 0)));

async function coverage(real: number[], generated: number[], name: string, options = {}) {
  const env = { ...recordingEnv(4), data: { kind: 'image' as const, dtype: 'uint8' as const, sampleShape: [2, 2, 1], trainCount: 0, testCount: 0, classes: ['a', 'b', 'c', 'd'] } };
  const metric = classCoverageMetricPlugin.create(classCoverageOptions.parse(options), env);
  const input = metricInput(await vectorStore(join(temp.dir, `${name}-r`), logits(real)), await vectorStore(join(temp.dir, `${name}-g`), logits(generated)), undefined, 'classifier-logits');
  return metric.compute(input, testContext());
}

describe('class-coverage', () => {
  const real = [0, 0, 1, 1, 2, 2, 3, 3];

  it('counts every class covered and a small KL when the generated classes follow the real ones', async () => {
    const values = await coverage(real, [3, 2, 1, 0, 0, 1, 2, 3], 'even');
    expect(values.classes_covered).toBe(4);
    // p_real with one pseudo-count per class: (2 + 1) / 12 each; p_gen 1/4 each: KL = 0.
    expect(values.class_kl).toBeCloseTo(0, 12);
  });

  it('counts collapse: all samples in one class cover 1 class, KL = ln(1 / p_real)', async () => {
    const values = await coverage(real, [2, 2, 2, 2, 2, 2], 'collapsed');
    expect(values.classes_covered).toBe(1);
    expect(values.class_kl).toBeCloseTo(Math.log(1 / (3 / 12)), 12);
  });

  it('leaves out a class whose generated share is under minShare of its real share', async () => {
    // Class 3: real share 1/4, generated 1/20 = 0.2 of it: covered at minShare 0.1, not at 0.3.
    const generated = [...Array(19).fill(0), 3];
    expect((await coverage(real, generated, 'share-1', { minShare: 0.1 })).classes_covered).toBe(2);
    expect((await coverage(real, generated, 'share-3', { minShare: 0.3 })).classes_covered).toBe(1);
  });

  it('never counts a class the reference does not show, and counts a generated share exactly at minShare of the real one', async () => {
    // reference in classes 0 and 1 only; generated in 1, 2, 3: covered = class 1 alone
    expect((await coverage([0, 0, 1, 1], [1, 2, 3, 3], 'absent')).classes_covered).toBe(1);
    // class 3: real share 1/4, generated 1/8 = exactly 0.5 of it
    expect((await coverage(real, [0, 0, 0, 0, 0, 0, 0, 3], 'boundary', { minShare: 0.5 })).classes_covered).toBe(2);
  });

  it('refuses features that are not one logit per class', async () => {
    const env = recordingEnv(2);
    const metric = classCoverageMetricPlugin.create(classCoverageOptions.parse({}), env);
    const store = await vectorStore(join(temp.dir, 'v'), [[1, 2], [3, 4]]);
    await expect(metric.compute(metricInput(store, store), testContext())).rejects.toThrow(
      "class-coverage: needs class logits as features ('extractor: classifier-logits' on a labelled dataset), got 'identity' features of 2 values for 0 classes",
    );
  });

  it('checks the plan: a labelled dataset of at least 2 classes', () => {
    const data = recordingEnv(4).data;
    const metric = classCoverageMetricPlugin.create(classCoverageOptions.parse({}), recordingEnv(4));
    const plan = (classes?: string[]) => ({ data: { ...data, classes }, referenceSplit: 'test' as const, referenceCount: 10, generatedCount: 10 });
    const message = 'class-coverage needs a labelled dataset (class names), and its features from classifier-logits';
    expect(() => metric.check!(plan())).toThrow(message);
    expect(() => metric.check!(plan(['a']))).toThrow(message);
    expect(() => metric.check!(plan(['a', 'b']))).not.toThrow();
  });

  it('refuses logits whose width is not the number of classes, and a single class; takes 2 classes', async () => {
    const withClasses = (classes: string[]) => ({ ...recordingEnv(2), data: { ...recordingEnv(2).data, classes } });
    const compute = async (classes: string[], rows: number[][], name: string) => {
      const store = await vectorStore(join(temp.dir, name), rows);
      return classCoverageMetricPlugin.create(classCoverageOptions.parse({}), withClasses(classes)).compute(metricInput(store, store, undefined, 'classifier-logits'), testContext());
    };
    await expect(compute(['a', 'b', 'c', 'd'], [[1, 2], [3, 4]], 'four-of-2')).rejects.toThrow("got 'classifier-logits' features of 2 values for 4 classes");
    await expect(compute(['a'], [[1], [3]], 'one-of-1')).rejects.toThrow("got 'classifier-logits' features of 1 values for 1 classes");
    // rows predict class 1 and class 0: every class covered, p_gen = p_real's counts (1 each) against (1 + 1) / 4
    expect(await compute(['a', 'b'], [[0, 5], [5, 0]], 'two-of-2')).toEqual({ class_kl: expect.closeTo(0, 12), classes_covered: 2 });
  });

  it('computes KL(p || q) with p = 0 terms counting 0', () => {
    expect(klDivergence([0.5, 0.5, 0], [0.25, 0.25, 0.5])).toBeCloseTo(Math.log(2), 12);
  });
});

import { Rng } from '@ouroboros/core';
import { describe, expect, it } from 'vitest';
import { collectImages, createDataset } from '../testing/collect-samples.ts';
import { drawShape, signedDistance, SHAPE_KINDS, type ShapeKind } from './draw-shape.ts';
import { randomShape, SHAPE_CLASSES, SHAPE_COLOURS, shapesDataset } from './shapes.ts';

/** Area of a shape of circumradius r: circle pi r^2, square (r sqrt 2)^2 = 2 r^2, equilateral triangle 3 sqrt(3) r^2 / 4. */
const area: Record<ShapeKind, (r: number) => number> = {
  circle: (r) => Math.PI * r * r,
  square: (r) => 2 * r * r,
  triangle: (r) => ((3 * Math.sqrt(3)) / 4) * r * r,
};

describe('shapes', () => {
  it('declares 18 labelled classes, shape x colour, and the requested size and counts', () => {
    const dataset = createDataset(shapesDataset, { resolution: 16, train: 30, test: 20 });
    expect(dataset.info).toEqual({ kind: 'image', dtype: 'uint8', sampleShape: [16, 16, 3], trainCount: 30, testCount: 20, classes: SHAPE_CLASSES });
    expect(SHAPE_CLASSES).toHaveLength(18);
    expect(SHAPE_CLASSES.slice(0, 2)).toEqual(['red square', 'green square']);
    expect(SHAPE_CLASSES[17]).toBe('cyan triangle');
    expect(shapesDataset.options.parse({})).toEqual({ resolution: 32, train: 10_000, test: 2000 });
  });

  it('draws classes uniformly: the histogram of 18000 draws passes a chi-squared test', async () => {
    const { labels } = await collectImages(createDataset(shapesDataset, { resolution: 16, train: 18_000 }).split('train', Rng.from(11)));
    const counts = new Array(18).fill(0);
    for (const label of labels!) counts[label]++;
    const chi2 = counts.reduce((sum, c) => sum + (c - 1000) ** 2 / 1000, 0);
    // 17 degrees of freedom: P(chi2 > 40.79) = 0.001.
    expect(chi2).toBeLessThan(40.79);
    expect(Math.min(...counts)).toBeGreaterThan(880);
  });

  it('gives the same images for the same seed and other images for another seed, train, test and fresh apart', async () => {
    const dataset = createDataset(shapesDataset, { resolution: 32, train: 50, test: 50 });
    const a = await collectImages(dataset.split('train', Rng.from(3)));
    expect(await collectImages(dataset.split('train', Rng.from(3)))).toEqual(a);
    expect((await collectImages(dataset.split('train', Rng.from(4)))).values).not.toEqual(a.values);
    expect((await collectImages(dataset.split('test', Rng.from(3)))).values).not.toEqual(a.values);
    const fresh = await collectImages(dataset.fresh!(70, Rng.from(3)));
    expect(fresh.labels).toHaveLength(70);
    expect(fresh.values.subarray(0, 50 * 3072)).not.toEqual(a.values);
  });

  it('paints each image in its class colour only, anti-aliased, on black', async () => {
    const size = 32;
    const { values, labels } = await collectImages(createDataset(shapesDataset, { resolution: size, train: 200 }).split('train', Rng.from(5)));
    let partial = 0;
    let worst = 0;
    labels!.forEach((label, n) => {
      const rgb = SHAPE_COLOURS[label % 6]![1];
      for (let p = 0; p < size * size; p++) {
        const pixel = values.subarray((n * size * size + p) * 3, (n * size * size + p + 1) * 3);
        const coverage = Math.max(...pixel) / 255;
        // Every pixel is coverage x colour for one coverage in [0, 1].
        for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(pixel[k]! - coverage * rgb[k]!));
        if (coverage > 0 && coverage < 1) partial++;
      }
    });
    expect(worst).toBeLessThanOrEqual(1);
    expect(partial / 200).toBeGreaterThan(10);
  });

  it('covers the exact area of each shape: the pixel coverages add up to it within 1%', () => {
    const rng = Rng.from(9);
    for (const kind of SHAPE_KINDS) {
      for (let trial = 0; trial < 20; trial++) {
        const size = 64;
        const radius = 10 + 15 * rng.uniform();
        const shape = { kind, cx: 32 + rng.uniform(), cy: 32 + rng.uniform(), radius, angle: 2 * Math.PI * rng.uniform(), rgb: [255, 255, 255] as const };
        const image = new Uint8Array(size * size * 3);
        drawShape(image, 0, size, shape);
        let covered = 0;
        for (let p = 0; p < size * size; p++) covered += image[p * 3]! / 255;
        expect(Math.abs(covered / area[kind](radius) - 1), `${kind} r=${radius}`).toBeLessThan(0.01);
      }
    }
  });

  it('measures signed distance exactly at the vertices and edge midpoints', () => {
    const r = 2;
    expect(signedDistance('circle', 0, 0, r)).toBe(-2);
    expect(signedDistance('square', Math.SQRT2, Math.SQRT2, r)).toBeCloseTo(0, 12);
    expect(signedDistance('square', 0, 0, r)).toBeCloseTo(-Math.SQRT2, 12);
    expect(signedDistance('triangle', 0, r, r)).toBeCloseTo(0, 12); // apex
    expect(signedDistance('triangle', 0, -r / 2, r)).toBeCloseTo(0, 12); // base midpoint: inradius r/2
    expect(signedDistance('triangle', 0, 0, r)).toBeCloseTo(-r / 2, 12);
    expect(signedDistance('triangle', 0, r + 1, r)).toBeCloseTo(1, 12);
  });

  it('keeps every shape inside the image for any draw', () => {
    const rng = Rng.from(2);
    for (let i = 0; i < 2000; i++) {
      const { shape } = randomShape(rng, 16);
      expect(shape.cx - shape.radius).toBeGreaterThanOrEqual(0);
      expect(shape.cx + shape.radius).toBeLessThanOrEqual(16);
      expect(shape.cy - shape.radius).toBeGreaterThanOrEqual(0);
      expect(shape.cy + shape.radius).toBeLessThanOrEqual(16);
    }
  });
});

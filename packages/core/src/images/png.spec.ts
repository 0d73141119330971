import { describe, expect, it } from 'vitest';
import { crc32, decodePng, encodePng } from './png.ts';
import { scatterPlot } from './scatter-plot.ts';

describe('PNG', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(crc32(new TextEncoder().encode('123456789')) ^ 0xffffffff).toBe(0xcbf43926 | 0);
  });

  it('round-trips an RGB image and writes a valid signature', () => {
    const pixels = Uint8Array.from({ length: 5 * 3 * 3 }, (_, i) => (i * 37) % 256);
    const file = encodePng({ width: 5, height: 3, pixels });
    expect([...file.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const back = decodePng(file);
    expect(back.width).toBe(5);
    expect(back.height).toBe(3);
    expect([...back.pixels]).toEqual([...pixels]);
  });

  it('draws each layer in its colour where its points are', () => {
    const image = scatterPlot(
      [
        { points: [-1, -1], stride: 2, rgb: [255, 0, 0] },
        { points: [1, 1], stride: 2, rgb: [0, 0, 255] },
      ],
      64,
    );
    const colours = new Set<string>();
    for (let i = 0; i < image.pixels.length; i += 3) colours.add(image.pixels.subarray(i, i + 3).join(','));
    expect(colours).toEqual(new Set(['255,255,255', '255,0,0', '0,0,255']));
    const at = (x: number, y: number) => image.pixels.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3).join(',');
    // Red (-1, -1) lands bottom-left, blue (1, 1) top-right.
    const red: number[][] = [];
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) if (at(x, y) === '255,0,0') red.push([x, y]);
    expect(red[0]![0]!).toBeLessThan(32);
    expect(red[0]![1]!).toBeGreaterThan(32);
  });
});

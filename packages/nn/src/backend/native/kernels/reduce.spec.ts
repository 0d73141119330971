import { describe, expect, it } from 'vitest';
import { reducePasses } from './reduce.ts';

describe('reducePasses', () => {
  it('sums each run of adjacent axes in one pass, innermost first', () => {
    expect(reducePasses([64, 32, 32, 128], [0, 1, 2])).toEqual([{ outer: 1, reduce: 64 * 32 * 32, inner: 128 }]);
    expect(reducePasses([8, 100, 4, 8], [1, 3])).toEqual([
      { outer: 8 * 100 * 4, reduce: 8, inner: 1 },
      { outer: 8, reduce: 100, inner: 4 },
    ]);
    expect(reducePasses([6, 5, 4, 3], [0, 2])).toEqual([
      { outer: 30, reduce: 4, inner: 3 },
      { outer: 1, reduce: 6, inner: 15 },
    ]);
    expect(reducePasses([3, 4], [])).toEqual([]);
  });
});

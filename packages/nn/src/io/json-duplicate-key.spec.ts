import { describe, expect, it } from 'vitest';
import { findDuplicateKey } from './json-duplicate-key.ts';

describe('findDuplicateKey', () => {
  it('finds nothing in JSON without repeated keys, whatever its strings hold', () => {
    expect(findDuplicateKey('{"a":{"a":1},"b":["a","a",{"a":2}],"c":"x\\":y","d":[{"e":1},{"e":2}]}')).toBeNull();
  });

  it('finds a repeated key at the top level and inside nested objects', () => {
    expect(findDuplicateKey('{"w":{"dtype":"F32"}, "w" :{"dtype":"F16"}}')).toBe('w');
    expect(findDuplicateKey('{"w":{"dtype":"F32","shape":[],"dtype":"F16"}}')).toBe('dtype');
  });

  it('compares keys after unescaping, so two spellings of one name are a duplicate', () => {
    expect(findDuplicateKey('{"ab":1,"\\u0061b":2}')).toBe('ab');
  });
});

import { describe, expect, it } from 'vitest';
import { thrownMessage } from '@ouroboros/core/testing';
import { UsageError } from '../usage-error.ts';
import { backend, bool, flags, integer, oneOf, positiveInt, setsWithBackend, text, texts, word } from './flags.ts';
import { parseFlags } from './parse-flags.ts';

const schema = flags({ jobs: positiveInt, seed: integer, split: oneOf(['train', 'test']), backend, partition: word, out: text, set: texts, json: bool });

const errorOf = (values: Record<string, string | boolean | string[] | undefined>) => thrownMessage(() => parseFlags(schema, values));

describe('command-line flags read by their schemas', () => {
  it('give each flag its type, with nothing given read as absent, false or empty', () => {
    expect(parseFlags(schema, { jobs: '4', seed: '-3', split: 'test', backend: 'wasm', partition: 'gpu', out: 'runs/x', set: ['a=1', 'b=2'], json: true })).toEqual({
      jobs: 4,
      seed: -3,
      split: 'test',
      backend: 'wasm',
      partition: 'gpu',
      out: 'runs/x',
      set: ['a=1', 'b=2'],
      json: true,
    });
    expect(parseFlags(schema, {})).toEqual({ jobs: undefined, seed: undefined, split: undefined, backend: undefined, partition: undefined, out: undefined, set: [], json: false });
  });

  it('reject a bad value with one usage line naming the flag, the value and what was expected', () => {
    expect(() => parseFlags(schema, { jobs: '0' })).toThrow(UsageError);
    expect(errorOf({ jobs: '0' })).toBe('--jobs 0: expected a whole number >= 1');
    expect(errorOf({ jobs: '2.5' })).toBe('--jobs 2.5: expected a whole number >= 1');
    expect(errorOf({ seed: 'x' })).toBe('--seed x: expected an integer');
    expect(errorOf({ split: 'val' })).toBe('--split val: expected train or test');
    expect(errorOf({ backend: 'tpu' })).toBe('--backend tpu: expected one of auto, node-gpu, node, native, wasm, cpu');
    expect(errorOf({ partition: 'a b' })).toBe('--partition "a b": expected one word without spaces');
  });

  it('read only the flags the schema declares (another reader takes the rest)', () => {
    expect(parseFlags(flags({ jobs: positiveInt }), { jobs: '2', partition: 'not a word' })).toEqual({ jobs: 2 });
  });

  it('add --backend to the --set overrides as one more', () => {
    expect(setsWithBackend(['seed=1'], 'wasm')).toEqual(['seed=1', 'backend=wasm']);
    expect(setsWithBackend(['seed=1'], undefined)).toEqual(['seed=1']);
  });
});

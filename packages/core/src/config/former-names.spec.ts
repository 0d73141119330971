import { describe, expect, it } from 'vitest';
import { withoutUnusedSlots } from './cell-id.ts';
import { withCurrentNames, withFirstNames } from './former-names.ts';

describe('earlier key names', () => {
  it('renames them wherever they stand and leaves a value of the wrong shape for the schema to name', () => {
    const notes: string[] = [];
    const raw = { plugins: ['./x.mjs'], features: 'not a list', metrics: 'fd', model: { id: 'm', features: 'kept: not an engine key of models' } };
    expect(withCurrentNames(raw, (line) => notes.push(line))).toEqual({ packages: ['./x.mjs'], extractors: 'not a list', metrics: 'fd', model: raw.model });
    expect(notes).toEqual(['plugins is now called packages; the old name still works', 'features is now called extractors; the old name still works']);
  });

  it('gives back the first names of a config under current names', () => {
    const current = { packages: [], extractors: [{ id: 'e' }], metrics: [{ id: 'fd', extractor: 'e' }, { id: 'nll' }] };
    expect(withFirstNames(current)).toEqual({ plugins: [], features: [{ id: 'e' }], metrics: [{ id: 'fd', features: 'e' }, { id: 'nll' }] });
    expect(withCurrentNames(withFirstNames(current))).toEqual(current);
  });
});

describe('slots added later', () => {
  it('are left out of the run id while a config leaves them unused, and count once it uses them', () => {
    const slots = { curator: { unusedValue: { id: 'none' } }, model: {} };
    expect(withoutUnusedSlots({ model: { id: 'm' }, curator: { id: 'none' } }, slots)).toEqual({ model: { id: 'm' } });
    expect(withoutUnusedSlots({ model: { id: 'm' }, curator: { id: 'none', keep: 0.5 } }, slots)).toEqual({ model: { id: 'm' }, curator: { id: 'none', keep: 0.5 } });
    expect(withoutUnusedSlots({ model: { id: 'm' }, curator: { id: 'top-k' } }, slots)).toEqual({ model: { id: 'm' }, curator: { id: 'top-k' } });
  });
});

import { describe, expect, it } from 'vitest';
import { configSlots, slotAt, slotEntries } from './config-slots.ts';

describe('config slots', () => {
  it('finds the slot an entry path names, single or in a list, and nothing else', () => {
    expect(slotAt(['model'])).toMatchObject({ key: 'model', kind: 'model', engineKeys: ['init'] });
    expect(slotAt(['metrics', '2'])).toMatchObject({ key: 'metrics', kind: 'metric', engineKeys: ['every', 'reference', 'extractor'] });
    expect(slotAt(['extractors', '0'])).toMatchObject({ key: 'extractors', kind: 'features' });
    expect(slotAt(['features', '1'])).toMatchObject({ key: 'extractors', kind: 'features' });
    for (const path of [['metrics'], ['model', '0'], ['metrics', 'x'], ['train'], ['trackers', '0', 'id'], []]) expect(slotAt(path)).toBeNull();
  });

  it('lists the entries of a slot with their config paths', () => {
    expect(slotEntries('model', { id: 'm' })).toEqual([{ path: 'model', entry: { id: 'm' } }]);
    expect(slotEntries('metrics', [{ id: 'a' }, { id: 'b' }]).map((e) => e.path)).toEqual(['metrics.0', 'metrics.1']);
    expect(slotEntries('trackers', 'not a list')).toEqual([]);
  });

  it('names every plugin kind that a config can hold exactly once', () => {
    const kinds = Object.values(configSlots).map((slot) => slot.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
  });
});

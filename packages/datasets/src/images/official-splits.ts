import type { Dataset, DataSplit } from '@ouroboros/core';
import { imageDataset } from './image-dataset.ts';
import type { ImageRows } from './image-rows.ts';
import { keptClassNames, resolveClasses, subsetCount } from './image-subset.ts';

/** The options every dataset with an official train/test split takes (see officialSplitShape and subsetShape). */
export interface OfficialSplitOptions {
  readonly split: DataSplit;
  readonly classes?: ReadonlyArray<string | number> | undefined;
  readonly limit?: number | undefined;
  readonly testLimit?: number | undefined;
}

/**
 * A labelled image dataset over its official splits: `options.split` names the official split that
 * becomes the training set (the other is held out), then `classes`, `limit` and `testLimit` narrow
 * each (see imageDataset).
 */
export function officialSplitsDataset(
  id: string,
  official: Record<DataSplit, ImageRows>,
  sampleShape: readonly [number, number, number],
  classNames: readonly string[],
  options: OfficialSplitOptions,
): Dataset {
  const keep = resolveClasses(options.classes, classNames, id);
  const rows = options.split === 'train' ? official : { train: official.test, test: official.train };
  return imageDataset(
    {
      kind: 'image',
      dtype: 'uint8',
      sampleShape,
      trainCount: subsetCount(rows.train.count, rows.train.labels, keep, options.limit),
      testCount: subsetCount(rows.test.count, rows.test.labels, keep, options.testLimit),
      classes: keptClassNames(classNames, keep)!,
    },
    (split) => rows[split],
    { keep, limit: options.limit, testLimit: options.testLimit },
  );
}

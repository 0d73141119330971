import { pathOption, type DataInfo, type DatasetEnv, type DatasetPlugin, type DataSplit } from '@ouroboros/core';
import { z } from 'zod';
import { imageDataset } from '../images/image-dataset.ts';
import type { ImageRows } from '../images/image-rows.ts';
import { keptClassNames, resolveClasses, subsetCount, subsetShape } from '../images/image-subset.ts';
import { statSource } from '../source-path.ts';
import { decodedImages, type DecodedImages } from './decoded-images.ts';
import { holdOut } from './hold-out.ts';
import { listImageFiles } from './image-files.ts';
import { imageLabels, labelSources, type LabelSource } from './image-labels.ts';

const DEFAULT_RESOLUTION = 64;
const MAX_DEFAULT_TEST = 1000;

const folderShape = {
  /** A folder of PNG/JPEG images (searched recursively) or a zip of them (EDM's dataset_tool layout). */
  path: pathOption(),
  resolution: z.int().min(4).max(4096).default(DEFAULT_RESOLUTION).describe('Side of the square images: each is center-cropped to a square and resized with Lanczos-3.'),
  test: z.int().min(0).optional().describe('Images held out as the test split (chosen by name, the same for every seed); default a tenth, at most 1000.'),
  limit: subsetShape.limit,
  testLimit: subsetShape.testLimit,
  onBadImage: z.enum(['fail', 'skip']).default('fail').describe('A file that is not a readable image of at least `resolution` pixels: stop with its name, or leave it out with a note.'),
};

const imageFolderOptions = z.strictObject({
  ...folderShape,
  classes: subsetShape.classes,
  labels: z.enum(labelSources).default('auto').describe("auto: EDM's dataset.json when present; dataset-json; folders: the first folder of each path is the class; none."),
});

const ffhqOptions = z.strictObject(folderShape);

export type ImageFolderOptions = z.output<typeof imageFolderOptions>;
export type FfhqOptions = z.output<typeof ffhqOptions>;

const EXPECTED = 'a folder of PNG/JPEG images or a zip of them';

/**
 * Images on disk at any resolution, decoded once into the shared cache at the requested one. The
 * test split is fixed by the file names (see holdOut); `classes`, `limit` and `testLimit` then
 * narrow each split as for every image dataset (see imageDataset).
 */
function folderDataset(id: string, options: FfhqOptions & { classes?: ImageFolderOptions['classes'] }, labelSource: LabelSource, env: DatasetEnv) {
  statSource(options.path, id, EXPECTED);
  const files = listImageFiles(options.path);
  const count = files.names.length;
  if (count === 0) throw new Error(`${id}: ${files.source} holds no .png, .jpg or .jpeg files; expected ${EXPECTED}`);
  if (files.ignored > 0) env.note(`${id}: left out ${files.ignored} files in ${files.source} that are not .png, .jpg or .jpeg`);
  if (files.escaping.length > 0) {
    env.note(`${id}: left out ${files.escaping.length} zip entries whose path leaves the archive ('..' or absolute), first: ${files.where(files.escaping[0]!)}`);
  }
  const { classes, labels } = imageLabels(files, labelSource);
  const keep = resolveClasses(options.classes, classes, id);
  const test = options.test ?? Math.min(MAX_DEFAULT_TEST, Math.floor(count / 10));
  if (test >= count) throw new Error(`${id}: test = ${test}, but ${files.source} holds ${count} images; expected fewer test images than images`);
  const partition = holdOut(files.names, test);
  const labelsOf = (positions: Uint32Array) => (labels ? Int32Array.from(positions, (p) => labels[p]!) : undefined);

  let decoding: Promise<DecodedImages> | undefined;
  const decoded = () => (decoding ??= decodedImages({ dataset: id, files, resolution: options.resolution, onBadImage: options.onBadImage, cacheDir: env.cacheDir, note: env.note }));
  const rowsOf = async (split: DataSplit): Promise<ImageRows> => {
    const { store, rowOf } = await decoded();
    const positions = partition[split].filter((p) => rowOf.has(files.names[p]!));
    const rows = Uint32Array.from(positions, (p) => rowOf.get(files.names[p]!)!);
    const rowLabels = labelsOf(positions);
    return { count: rows.length, ...(rowLabels ? { labels: rowLabels } : {}), gather: async (indices) => (await store.gather(Array.from(indices, (i) => rows[i]!))) as Uint8Array };
  };
  const info: DataInfo = {
    kind: 'image',
    dtype: 'uint8',
    sampleShape: [options.resolution, options.resolution, 3],
    trainCount: subsetCount(partition.train.length, labelsOf(partition.train), keep, options.limit),
    testCount: subsetCount(partition.test.length, labelsOf(partition.test), keep, options.testLimit),
    ...(classes ? { classes: keptClassNames(classes, keep)! } : {}),
  };
  return imageDataset(info, rowsOf, { keep, limit: options.limit, testLimit: options.testLimit });
}

export const imageFolderDataset: DatasetPlugin<ImageFolderOptions> = {
  id: 'image-folder',
  description: 'a folder (recursive) or zip of PNG/JPEG images at any size, center-cropped and resized, decoded once into a cache; labels from dataset.json or class folders',
  options: imageFolderOptions,
  create: (options, env) => folderDataset('image-folder', options, options.labels, env),
};

export const ffhqDataset: DatasetPlugin<FfhqOptions> = {
  id: 'ffhq',
  description: 'FFHQ faces (Karras et al. 2019) from the NVlabs PNG folders or an EDM dataset_tool zip, resized to `resolution` (64 in the paper), decoded once into a cache',
  options: ffhqOptions,
  create: (options, env) => folderDataset('ffhq', options, 'none', env),
};

import { zodErrorLine } from '@ouroboros/core';
import { z } from 'zod';
import { DATASET_JSON, type ImageFiles } from './image-files.ts';

/** Where labels come from: dataset.json when present (`auto`), dataset.json, class folders, or nowhere. */
export const labelSources = ['auto', 'dataset-json', 'folders', 'none'] as const;
export type LabelSource = (typeof labelSources)[number];

/** Class names and one label per listed image (aligned with `files.names`); none for unlabelled images. */
export interface ImageLabels {
  readonly classes?: readonly string[];
  readonly labels?: Int32Array;
}

const datasetJsonSchema = z.object({ labels: z.array(z.tuple([z.string(), z.int().min(0)])).nullable() });

/**
 * The labels of a folder or zip of images. `dataset-json`: EDM's `dataset.json` pairs of image name
 * and class number, classes named by their numbers. `folders`: the first folder of each image's
 * path is its class (torchvision's ImageFolder), classes in name order. `auto`: dataset.json when it
 * is there and not `{"labels": null}`, else none.
 */
export function imageLabels(files: ImageFiles, source: LabelSource): ImageLabels {
  if (source === 'none' || (source === 'auto' && files.datasetJson === undefined)) return {};
  if (source === 'folders') return folderLabels(files);
  return datasetJsonLabels(files, source === 'auto');
}

function datasetJsonLabels(files: ImageFiles, optional: boolean): ImageLabels {
  const where = files.where(DATASET_JSON);
  if (files.datasetJson === undefined) throw new Error(`${where}: missing; expected EDM's labels file (labels: dataset-json)`);
  const expected = 'expected {"labels": [["name.png", class number], ...]} or {"labels": null}';
  let json: unknown;
  try {
    json = JSON.parse(files.datasetJson);
  } catch (error) {
    throw new Error(`${where}: not valid JSON (${(error as Error).message.split('\n')[0]}); ${expected}`);
  }
  const result = datasetJsonSchema.safeParse(json);
  if (!result.success) throw new Error(`${where}: ${zodErrorLine(result.error, json)}; ${expected}`);
  const parsed = result.data;
  if (parsed.labels === null) {
    if (optional) return {};
    throw new Error(`${where}: labels is null; expected a label for every image (or labels: none)`);
  }
  const byName = new Map(parsed.labels);
  const labels = Int32Array.from(files.names, (name) => {
    const label = byName.get(name);
    if (label === undefined) throw new Error(`${where}: has no label for ${name}; expected a [name, class number] pair for every image`);
    return label;
  });
  const classCount = labels.reduce((max, label) => Math.max(max, label + 1), 0);
  return { classes: Array.from({ length: classCount }, (_, i) => String(i)), labels };
}

function folderLabels(files: ImageFiles): ImageLabels {
  const folderOf = (name: string) => {
    const slash = name.indexOf('/');
    if (slash < 0) throw new Error(`${files.where(name)}: is not inside a class folder; expected <class>/<image> (labels: folders)`);
    return name.slice(0, slash);
  };
  const folders = files.names.map(folderOf);
  const classes = [...new Set(folders)].sort();
  const index = new Map(classes.map((name, i) => [name, i]));
  return { classes, labels: Int32Array.from(folders, (folder) => index.get(folder)!) };
}

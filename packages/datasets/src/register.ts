import { DatasetPlugin, type OuroborosPlugin } from '@ouroboros/core';
import { gaussianDataset } from './gaussian/gaussian.ts';
import { checkerboardDataset } from './toys/checkerboard.ts';
import { circlesDataset } from './toys/circles.ts';
import { eightGaussiansDataset } from './toys/eight-gaussians.ts';
import { swissRollDataset } from './toys/swiss-roll.ts';
import { twoMoonsDataset } from './toys/two-moons.ts';

/** Every dataset this package defines. */
export const datasetDefinitions: readonly DatasetPlugin[] = [
  gaussianDataset,
  twoMoonsDataset,
  circlesDataset,
  eightGaussiansDataset,
  swissRollDataset,
  checkerboardDataset,
];

export const datasetPlugins: OuroborosPlugin = {
  name: '@ouroboros/datasets',
  register(container) {
    for (const plugin of datasetDefinitions) container.register(DatasetPlugin, { useValue: plugin });
  },
};

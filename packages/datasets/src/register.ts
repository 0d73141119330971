import { CONTRACT_VERSION, registerPlugins, type DatasetPlugin, type PluginPackage } from '@ouroboros/core';
import { gaussianDataset } from './gaussian/gaussian.ts';
import { checkerboardDataset } from './toys/checkerboard.ts';
import { circlesDataset } from './toys/circles.ts';
import { eightGaussiansDataset } from './toys/eight-gaussians.ts';
import { swissRollDataset } from './toys/swiss-roll.ts';
import { twoMoonsDataset } from './toys/two-moons.ts';

/** Every dataset this package defines. */
export const datasetPlugins: readonly DatasetPlugin[] = [gaussianDataset, twoMoonsDataset, circlesDataset, eightGaussiansDataset, swissRollDataset, checkerboardDataset];

export const datasetsPackage: PluginPackage = {
  name: '@ouroboros/datasets',
  contractVersion: CONTRACT_VERSION,
  register: (container) => registerPlugins(container, 'dataset', ...datasetPlugins),
};

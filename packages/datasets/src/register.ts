import { CONTRACT_VERSION, registerPlugins, type DatasetPlugin, type PluginPackage } from '@ouroboros/core';
import { cifar10Dataset } from './cifar/cifar10.ts';
import { ffhqDataset, imageFolderDataset } from './folder/image-folder.ts';
import { gaussianDataset } from './gaussian/gaussian.ts';
import { fashionMnistDataset, mnistDataset } from './mnist/mnist.ts';
import { shapesDataset } from './shapes/shapes.ts';
import { checkerboardDataset } from './toys/checkerboard.ts';
import { circlesDataset } from './toys/circles.ts';
import { eightGaussiansDataset } from './toys/eight-gaussians.ts';
import { swissRollDataset } from './toys/swiss-roll.ts';
import { twoMoonsDataset } from './toys/two-moons.ts';

/** The vector datasets: seeded draws from known distributions. */
export const vectorDatasetPlugins: readonly DatasetPlugin[] = [gaussianDataset, twoMoonsDataset, circlesDataset, eightGaussiansDataset, swissRollDataset, checkerboardDataset];

/** The image datasets: files users already have, and a procedural one. */
export const imageDatasetPlugins: readonly DatasetPlugin[] = [cifar10Dataset, mnistDataset, fashionMnistDataset, ffhqDataset, imageFolderDataset, shapesDataset];

/** Every dataset this package defines. */
export const datasetPlugins: readonly DatasetPlugin[] = [...vectorDatasetPlugins, ...imageDatasetPlugins];

export const datasetsPackage: PluginPackage = {
  name: '@ouroboros/datasets',
  contractVersion: CONTRACT_VERSION,
  register: (container) => registerPlugins(container, 'dataset', ...datasetPlugins),
};

export { datasetsPackage, datasetPlugins } from './register.ts';
export { gaussianDataset, type GaussianOptions } from './gaussian/gaussian.ts';
export { twoMoonsDataset, type TwoMoonsOptions } from './toys/two-moons.ts';
export { circlesDataset, type CirclesOptions } from './toys/circles.ts';
export { eightGaussiansDataset, type EightGaussiansOptions } from './toys/eight-gaussians.ts';
export { swissRollDataset, type SwissRollOptions } from './toys/swiss-roll.ts';
export { checkerboardDataset, type CheckerboardOptions } from './toys/checkerboard.ts';

export { KdeModel, KDE_MODEL_FILE, KDE_POINTS_FILE } from './kde-model.ts';
export { kdeModelPlugin, kdeOptions } from './kde-plugin.ts';
export type { KdeOptions } from './kde-plugin.ts';
export { bandwidths, bandwidthFactor } from './bandwidth.ts';
export type { BandwidthChoice } from './bandwidth.ts';
export { kdeModelsPackage } from './register.ts';

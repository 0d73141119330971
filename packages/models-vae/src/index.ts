export { VaeModel } from './vae-model.ts';
export type { VaeSettings } from './vae-model.ts';
export { vaeModelPlugin, vaeOptions } from './vae-plugin.ts';
export type { VaeOptions } from './vae-plugin.ts';
export { MlpVaeNetwork, ConvVaeNetwork, upsample2x } from './vae-networks.ts';
export type { VaeNetwork } from './vae-networks.ts';
export { gaussianKl, logisticLogDensity } from './elbo.ts';
export { vaeModelsPackage } from './register.ts';

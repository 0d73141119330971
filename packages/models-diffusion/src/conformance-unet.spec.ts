import { describeModelConformance } from '@ouroboros/nn/testing';
import { ddpmModelPlugin } from './plugins/ddpm-plugin.ts';
import { edmModelPlugin } from './plugins/edm-plugin.ts';
import { otcfmModelPlugin } from './plugins/otcfm-plugin.ts';

// Every family with a tiny U-Net on the kit's labelled 4x4x3 uint8 images: class-conditional with
// classifier-free guidance, dropout, attention at 2x2, the DDPM bound with its discretized decoder.
const unet = {
  network: 'unet',
  unet: { channels: 8, channelMult: [1, 2], resBlocks: 1, attentionResolutions: [2], dropout: 0.1, groups: 4, heads: 2 },
  ema: 0.9,
  batchSize: 16,
  sampleBatch: 4,
  guidance: 2,
};
describeModelConformance('ddpm with the U-Net', { plugin: ddpmModelPlugin, data: 'images', steps: 5, options: { ...unet, timesteps: 10, sampler: 'ancestral' } });
describeModelConformance('edm with the U-Net', { plugin: edmModelPlugin, data: 'images', steps: 5, options: { ...unet, samplerSteps: 3 } });
describeModelConformance('otcfm with the U-Net', { plugin: otcfmModelPlugin, data: 'images', steps: 5, options: { ...unet, sampler: 'heun', samplerSteps: 3, unet: { ...unet.unet, layout: 'compact' } } });

import { CONTRACT_VERSION, registerPlugins, type PluginPackage } from '@ouroboros/core';
import { ddpmModelPlugin } from './plugins/ddpm-plugin.ts';
import { edmModelPlugin } from './plugins/edm-plugin.ts';
import { otcfmModelPlugin } from './plugins/otcfm-plugin.ts';

export const diffusionModelsPackage: PluginPackage = {
  name: '@ouroboros/models-diffusion',
  contractVersion: CONTRACT_VERSION,
  register: (container) => registerPlugins(container, 'model', ddpmModelPlugin, edmModelPlugin, otcfmModelPlugin),
};

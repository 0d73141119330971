import { CONTRACT_VERSION, registerPlugins, type PluginPackage } from '@ouroboros/core';
import { gaussianModelPlugin } from './gaussian-plugin.ts';

export const gaussianModelsPackage: PluginPackage = {
  name: '@ouroboros/models-gaussian',
  contractVersion: CONTRACT_VERSION,
  register: (container) => registerPlugins(container, 'model', gaussianModelPlugin),
};

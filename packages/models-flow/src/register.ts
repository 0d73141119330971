import { CONTRACT_VERSION, registerPlugins, type PluginPackage } from '@ouroboros/core';
import { glowModelPlugin } from './glow/glow-plugin.ts';
import { realNvpModelPlugin } from './realnvp/realnvp-plugin.ts';

export const flowModelsPackage: PluginPackage = {
  name: '@ouroboros/models-flow',
  contractVersion: CONTRACT_VERSION,
  register: (container) => registerPlugins(container, 'model', realNvpModelPlugin, glowModelPlugin),
};

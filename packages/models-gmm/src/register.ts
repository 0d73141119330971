import { CONTRACT_VERSION, registerPlugins, type PluginPackage } from '@ouroboros/core';
import { gmmModelPlugin } from './gmm-plugin.ts';

/** What the cli (or a config's `packages:` list) loads: this package's plugins, under the core's tokens. */
export const gmmModelsPackage: PluginPackage = {
  name: '@ouroboros/models-gmm',
  contractVersion: CONTRACT_VERSION,
  register: (container) => registerPlugins(container, 'model', gmmModelPlugin),
};

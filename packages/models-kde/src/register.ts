import { CONTRACT_VERSION, registerPlugins, type PluginPackage } from '@ouroboros/core';
import { kdeModelPlugin } from './kde-plugin.ts';

/** What the cli (or a config's `packages:` list) loads: this package's plugins, under the core's tokens. */
export const kdeModelsPackage: PluginPackage = {
  name: '@ouroboros/models-kde',
  contractVersion: CONTRACT_VERSION,
  register: (container) => registerPlugins(container, 'model', kdeModelPlugin),
};

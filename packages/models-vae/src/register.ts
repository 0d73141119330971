import { CONTRACT_VERSION, registerPlugins, type PluginPackage } from '@ouroboros/core';
import { vaeModelPlugin } from './vae-plugin.ts';

/** What the cli (or a config's `packages:` list) loads: this package's plugins, under the core's tokens. */
export const vaeModelsPackage: PluginPackage = {
  name: '@ouroboros/models-vae',
  contractVersion: CONTRACT_VERSION,
  register: (container) => registerPlugins(container, 'model', vaeModelPlugin),
};

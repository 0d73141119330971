import { CONTRACT_VERSION, registerPlugins, type PluginPackage } from '@ouroboros/core';
import { wandbTrackerPlugin } from './wandb-plugin.ts';

export const wandbPackage: PluginPackage = {
  name: '@ouroboros/wandb',
  contractVersion: CONTRACT_VERSION,
  register: (container) => registerPlugins(container, 'tracker', wandbTrackerPlugin),
};

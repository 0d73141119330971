import type { Tree } from '@nx/devkit';
import { generatePluginPackage, type PluginPackageOptions } from '../plugin-package/plugin-package-generator.ts';

/** `nx g @ouroboros/tools:metric-plugin --name NAME`: packages/metrics-NAME with a working metric plugin and its tests, registered in the cli. */
export default function metricPluginGenerator(tree: Tree, options: PluginPackageOptions) {
  return generatePluginPackage(tree, 'metric', options);
}

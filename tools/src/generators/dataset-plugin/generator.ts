import type { Tree } from '@nx/devkit';
import { generatePluginPackage, type PluginPackageOptions } from '../plugin-package/plugin-package-generator.ts';

/** `nx g @ouroboros/tools:dataset-plugin --name NAME`: packages/datasets-NAME with a working dataset plugin and its tests, registered in the cli. */
export default function datasetPluginGenerator(tree: Tree, options: PluginPackageOptions) {
  return generatePluginPackage(tree, 'dataset', options);
}

import type { Tree } from '@nx/devkit';
import { generatePluginPackage, type PluginPackageOptions } from '../plugin-package/plugin-package-generator.ts';

/** `nx g @ouroboros/tools:model-plugin --name NAME`: packages/models-NAME with a working model plugin and its tests, registered in the cli. */
export default function modelPluginGenerator(tree: Tree, options: PluginPackageOptions) {
  return generatePluginPackage(tree, 'model', options);
}

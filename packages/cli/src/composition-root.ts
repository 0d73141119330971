import { corePackage, PluginRegistry, RetrainingEngine, TensorBackend, type PluginPackage } from '@ouroboros/core';
import { datasetsPackage } from '@ouroboros/datasets';
import { metricsPackage } from '@ouroboros/metrics';
import { diffusionModelsPackage } from '@ouroboros/models-diffusion';
import { flowModelsPackage } from '@ouroboros/models-flow';
import { gaussianModelsPackage } from '@ouroboros/models-gaussian';
import { gmmModelsPackage } from '@ouroboros/models-gmm';
import { kdeModelsPackage } from '@ouroboros/models-kde';
import { vaeModelsPackage } from '@ouroboros/models-vae';
import { tensorBackend } from '@ouroboros/nn';
import { wandbPackage } from '@ouroboros/wandb';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { firstLine, loadPluginPackage } from './plugin-loading/load-plugin-package.ts';
import { configPlugins, type PluginAccess } from './plugin-loading/plugin-access.ts';

/** Every plugin package that ships with ouroboros. */
export const builtInPackages: readonly PluginPackage[] = [corePackage, datasetsPackage, gaussianModelsPackage, flowModelsPackage, diffusionModelsPackage, gmmModelsPackage, kdeModelsPackage, vaeModelsPackage, metricsPackage, wandbPackage];

/**
 * The single composition root: a child container per run holding the built-in plugins, the
 * third-party packages a config names in `packages:` (absolute module paths or package names, each
 * exporting a PluginPackage; what `access` lets load, see PluginAccess), the tensor backend and the
 * engine.
 */
export async function buildContainer(extraPackages: readonly string[] = [], from = process.cwd(), access: PluginAccess = configPlugins): Promise<DependencyContainer> {
  const container = rootContainer.createChildContainer();
  for (const pkg of builtInPackages) pkg.register(container);
  for (const name of extraPackages) {
    const pkg = await loadPluginPackage(name, from, access);
    try {
      pkg.register(container);
    } catch (error) {
      throw new Error(`packages: package '${name}' failed to register its plugins (${firstLine(error)})`);
    }
  }
  container.register(TensorBackend, { useValue: tensorBackend });
  container.register(PluginRegistry, { useFactory: (c) => PluginRegistry.fromContainer(c) });
  container.register(RetrainingEngine, { useClass: RetrainingEngine });
  return container;
}

import { container, type DependencyContainer } from 'tsyringe';
import type { PluginKind, PluginPackage } from '../contracts/plugin.ts';
import { TensorBackend } from '../contracts/tensor-backend.ts';
import { RetrainingEngine } from '../engine/retraining-engine.ts';
import { corePackage } from '../register.ts';
import { PluginRegistry } from '../registry/plugin-registry.ts';
import { registerPlugins, type PluginByKind } from '../registry/plugin-tokens.ts';

/** What an engine test puts into its scope beside core's plugins. */
export interface EngineScopeParts {
  readonly packages?: readonly PluginPackage[];
  readonly plugins?: { readonly [K in PluginKind]?: ReadonlyArray<PluginByKind[K]> };
  readonly backend: TensorBackend;
}

/**
 * A child container wired as the cli's composition root wires one (core, the given packages and
 * plugins, the tensor backend, the registry), with its registry and engine: the set-up of engine tests.
 */
export function engineScope(parts: EngineScopeParts): { scope: DependencyContainer; registry: PluginRegistry; engine: RetrainingEngine } {
  const scope = container.createChildContainer();
  corePackage.register(scope);
  for (const pkg of parts.packages ?? []) pkg.register(scope);
  for (const [kind, plugins] of Object.entries(parts.plugins ?? {}) as Array<[PluginKind, ReadonlyArray<PluginByKind[PluginKind]>]>) {
    registerPlugins(scope, kind, ...(plugins as never[]));
  }
  scope.register(TensorBackend, { useValue: parts.backend });
  scope.register(PluginRegistry, { useFactory: (c) => PluginRegistry.fromContainer(c) });
  return { scope, registry: scope.resolve(PluginRegistry), engine: scope.resolve(RetrainingEngine) };
}

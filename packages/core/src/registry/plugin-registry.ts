import type { DependencyContainer } from 'tsyringe';
import type { z } from 'zod';
import type { GenerativeModel, ModelEnv } from '../contracts/model.ts';
import type { AnyPluginDefinition, PluginKind } from '../contracts/plugin.ts';
import { ConfigError, zodErrorLine } from '../config/config-error.ts';
import { pluginKinds, pluginTokens, type PluginByKind } from './plugin-tokens.ts';
import { withCurrentOptionNames } from './renamed-options.ts';

type InstanceOf<K extends PluginKind> = ReturnType<PluginByKind[K]['create']>;
type EnvOf<K extends PluginKind> = Parameters<PluginByKind[K]['create']>[1];

/** A plugin with its options parsed once: `create` needs only the environment the data decides. */
export interface BoundPlugin<K extends PluginKind> {
  readonly kind: K;
  readonly id: string;
  /** The plugin's options version (see PluginDefinition.version). */
  readonly version: number;
  /** The parsed options, defaults filled in, as they go into config.json. */
  readonly options: Record<string, unknown>;
  /** One line for each earlier option name the entry used (see PluginDefinition.renamedOptions). */
  readonly notes: readonly string[];
  /** The plugin definition, for what it declares beyond create. */
  readonly plugin: PluginByKind[K];
  create(env: EnvOf<K>): InstanceOf<K>;
}

export interface BoundModelPlugin extends BoundPlugin<'model'> {
  load(dir: string, env: ModelEnv): Promise<GenerativeModel>;
}

/** Looks plugins up by id and parses their options with each plugin's zod schema. */
export class PluginRegistry {
  private readonly byKind = new Map<PluginKind, Map<string, AnyPluginDefinition>>();

  constructor(plugins: Partial<Record<PluginKind, readonly AnyPluginDefinition[]>>) {
    for (const kind of pluginKinds) {
      const map = new Map<string, AnyPluginDefinition>();
      for (const plugin of plugins[kind] ?? []) {
        if (map.has(plugin.id)) throw new Error(`two ${kind} plugins share the id '${plugin.id}'`);
        map.set(plugin.id, plugin);
      }
      this.byKind.set(kind, map);
    }
  }

  /** Collects every plugin registered in `container` under the core's tokens. */
  static fromContainer(container: DependencyContainer): PluginRegistry {
    const plugins: Partial<Record<PluginKind, AnyPluginDefinition[]>> = {};
    for (const kind of pluginKinds) {
      const token = pluginTokens[kind];
      plugins[kind] = container.isRegistered(token, true) ? container.resolveAll<AnyPluginDefinition>(token) : [];
    }
    return new PluginRegistry(plugins);
  }

  ids(kind: PluginKind): string[] {
    return [...this.byKind.get(kind)!.keys()].sort();
  }

  list(kind: PluginKind): AnyPluginDefinition[] {
    return this.ids(kind).map((id) => this.byKind.get(kind)!.get(id)!);
  }

  has(kind: PluginKind, id: string): boolean {
    return this.byKind.get(kind)!.has(id);
  }

  get<K extends PluginKind>(kind: K, id: string, path: string = kind): PluginByKind[K] {
    const plugin = this.byKind.get(kind)!.get(id);
    if (!plugin) {
      const known = this.ids(kind);
      throw new ConfigError(
        `${path}.id = ${JSON.stringify(id)}: unknown ${kindName(kind)}; known ${kindName(kind)} ids: ${known.length ? known.join(', ') : '(none registered)'}`,
      );
    }
    return plugin as PluginByKind[K];
  }

  /**
   * Finds the plugin named by `entry.id` and parses the rest of `entry` (less the engine's own
   * `reserved` keys) with its schema, once. Errors name `path`, the value and what was expected.
   */
  bind<K extends PluginKind>(kind: K, entry: { id: string } & Record<string, unknown>, path: string = kind, reserved: readonly string[] = []): BoundPlugin<K> {
    const plugin = this.get(kind, entry.id, path);
    const given: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(entry)) if (key !== 'id' && !reserved.includes(key)) given[key] = value;
    const { options: rest, notes } = withCurrentOptionNames(given, (plugin as AnyPluginDefinition).renamedOptions ?? {}, path);
    const parsed = (plugin.options as z.ZodType).safeParse(rest);
    if (!parsed.success) throw new ConfigError(zodErrorLine(parsed.error, rest, path));
    const options = parsed.data;
    const definition = plugin as AnyPluginDefinition;
    return {
      kind,
      id: entry.id,
      version: definition.version ?? 1,
      options: options as Record<string, unknown>,
      notes,
      plugin,
      create: (env) => definition.create(options, env),
    };
  }

  bindModel(entry: { id: string } & Record<string, unknown>, path = 'model', reserved: readonly string[] = []): BoundModelPlugin {
    const bound = this.bind('model', entry, path, reserved);
    return { ...bound, load: (dir, env) => bound.plugin.load(dir, bound.options, env) };
  }
}

function kindName(kind: PluginKind): string {
  return kind === 'features' ? 'feature extractor' : kind;
}

import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import type { DatasetPlugin } from '../contracts/dataset.ts';
import type { MetricPlugin } from '../contracts/metric.ts';
import type { ModelPlugin } from '../contracts/model.ts';
import type { AnyPluginDefinition, PluginKind } from '../contracts/plugin.ts';
import type { SchedulePlugin } from '../contracts/schedule.ts';
import type { TrackerPlugin } from '../contracts/tracker.ts';
import { ConfigError, describeZodIssue } from '../config/config-error.ts';
import { pluginKinds, pluginTokens } from './plugin-tokens.ts';

interface PluginByKind {
  model: ModelPlugin;
  dataset: DatasetPlugin;
  metric: MetricPlugin;
  schedule: SchedulePlugin;
  tracker: TrackerPlugin;
}

/** A plugin chosen by a config entry `{ id, ...options }`, with its options parsed. */
export interface ResolvedPlugin<K extends PluginKind> {
  readonly plugin: PluginByKind[K];
  readonly options: unknown;
}

/** Looks plugins up by id and validates their options against each plugin's zod schema. */
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

  get<K extends PluginKind>(kind: K, id: string, path: string = kind): PluginByKind[K] {
    const plugin = this.byKind.get(kind)!.get(id);
    if (!plugin) {
      const known = this.ids(kind);
      throw new ConfigError(
        `${path}.id = ${JSON.stringify(id)}: unknown ${kind}; known ${kind} ids: ${known.length ? known.join(', ') : '(none registered)'}`,
      );
    }
    return plugin as PluginByKind[K];
  }

  /** Finds the plugin named by `entry.id` and parses the rest of `entry` with its schema. */
  resolve<K extends PluginKind>(kind: K, entry: { id: string } & Record<string, unknown>, path: string = kind): ResolvedPlugin<K> {
    const plugin = this.get(kind, entry.id, path);
    const { id: _id, ...rest } = entry;
    const parsed = (plugin.options as z.ZodType).safeParse(rest);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(describeZodIssue(issue, rest, path));
    }
    return { plugin, options: parsed.data };
  }
}

import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { z } from 'zod';

/** The kinds of plugin the registry knows, each with its own DI token. */
export type PluginKind = 'model' | 'dataset' | 'metric' | 'schedule' | 'tracker' | 'features' | 'curator';

/**
 * One plugin: an id, a zod schema for its options and a factory. The registry parses a config's
 * options with `options` once, before anything runs, and hands the typed result to `create`.
 */
export interface PluginDefinition<TOptions, TInstance, TEnv> {
  readonly id: string;
  /** One line for `ouro plugins`. */
  readonly description: string;
  /**
   * Version of the options' meaning (default 1). Bump it when a change makes old configs mean
   * something else; adding an option whose default keeps the old behaviour needs no bump. A run
   * folder records the versions it was made with and refuses to resume under other ones.
   */
  readonly version?: number;
  /**
   * Earlier option names still accepted, earlier -> current (`steps: 'samplerSteps'`): the registry
   * renames them before parsing, with a note. A rename alone keeps the meaning: no version bump.
   */
  readonly renamedOptions?: Readonly<Record<string, string>>;
  /** Schema of the options that follow `id` in the config (the `id` key itself is stripped). */
  readonly options: z.ZodType<TOptions>;
  create(options: TOptions, env: TEnv): TInstance;
}

/** The version of these contracts; a plugin package built against another major version is refused. */
export const CONTRACT_VERSION = 2;

/**
 * What a plugin package exports (one per package): it puts its plugins into a container under
 * the core's tokens with `registerPlugins`. A "plugin" is always one definition above; a
 * "plugin package" is the npm package that contributes some through its `PluginPackage`.
 */
export interface PluginPackage {
  readonly name: string;
  /** The CONTRACT_VERSION the package was built against. */
  readonly contractVersion?: number;
  register(container: DependencyContainer): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPluginDefinition = PluginDefinition<any, any, any>;

export type PluginToken = InjectionToken<AnyPluginDefinition>;

import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { z } from 'zod';

/** The kinds of plugin the registry knows, each with its own DI token. */
export type PluginKind = 'model' | 'dataset' | 'metric' | 'schedule' | 'tracker';

/**
 * What every plugin is: an id, a zod schema for its options and a factory. The registry validates
 * a config's options against `options` before `create` is called, so factories get parsed values.
 */
export interface PluginDefinition<TOptions, TInstance, TEnv> {
  readonly id: string;
  /** One line for `ouro plugins`. */
  readonly description: string;
  /** Schema of the options that follow `id` in the config (the `id` key itself is stripped). */
  readonly options: z.ZodType<TOptions>;
  create(options: TOptions, env: TEnv): TInstance;
}

/** A package's contribution: it puts its plugins into a container under the core's tokens. */
export interface OuroborosPlugin {
  readonly name: string;
  register(container: DependencyContainer): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPluginDefinition = PluginDefinition<any, any, any>;

export type PluginToken = InjectionToken<AnyPluginDefinition>;

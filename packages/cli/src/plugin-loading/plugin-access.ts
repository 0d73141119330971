/**
 * Whose plugin code a command loads. A config's `packages:` are arbitrary code: `ouro run CONFIG` and
 * `ouro sweep CONFIG` load them (running a config means trusting it), while the commands that only
 * look at a config or continue a run folder, which may have come from someone else (a dry run, a
 * sweep plan, a resume, a planned sweep's cell), load only packages installed with ouroboros unless
 * the user passes --allow-plugins.
 */
export interface PluginAccess {
  /** 'config': every plugin the config names; 'installed': only packages installed with ouroboros. */
  readonly trust: 'config' | 'installed';
  /** What is loading them, for the refusal: 'ouro resume', 'ouro run --dry-run', ... */
  readonly command: string;
}

export const configPlugins: PluginAccess = { trust: 'config', command: 'ouro run' };

/** The access of a command that loads only installed plugins unless `--allow-plugins` was given. */
export function installedPluginsUnless(allowPlugins: unknown, command: string): PluginAccess {
  return { trust: allowPlugins === true ? 'config' : 'installed', command };
}

/** The one-line refusal of a plugin that `access` does not let load. */
export function refusal(name: string, access: PluginAccess, why: string): Error {
  return new Error(
    `plugins: '${name}' ${why}; ${access.command} loads only packages installed with ouroboros (a config or run folder from someone else can name any code): pass --allow-plugins to load it if you trust it`,
  );
}

/**
 * The `function` curator imports the module its options name, like a plugin package: under `access`
 * that loads only installed packages (a resume, a dry run, a planned cell) it is refused the same way.
 */
export function checkCuratorModule(config: { readonly curator?: unknown }, access: PluginAccess): void {
  const curator = config.curator as { id?: unknown; module?: unknown } | undefined;
  if (access.trust !== 'installed' || curator?.id !== 'function') return;
  throw refusal(`curator function module ${String(curator.module)}`, access, 'is code the config names');
}

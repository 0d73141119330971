import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { cliPackageDir, installationRoot } from './installation.ts';

/**
 * A module-resolution hook for plugin code outside the installation (a single file beside a config,
 * a package in the user's own project): the packages a plugin shares with ouroboros (`@ouroboros/*`,
 * tfjs, zod, tsyringe, reflect-metadata) resolve to the installation's own copies, found from the
 * cli's folder (one tfjs engine, one contract; nothing needs installing beside the plugin), and
 * TypeScript files there load as ES modules whatever the nearest package.json says.
 */
const hook = `
let host, root;
export function initialize(data) { host = data.host; root = data.root; }
const shared = /^(@ouroboros\\/[^/]+|@tensorflow\\/tfjs(-[a-z-]+)?|zod|tsyringe|reflect-metadata)(\\/.*)?$/;
const outside = (url) => typeof url === 'string' && url.startsWith('file:') && !url.startsWith(root);
export async function resolve(specifier, context, next) {
  if (shared.test(specifier) && outside(context.parentURL)) {
    try {
      return await next(specifier, { ...context, parentURL: host });
    } catch {}
  }
  const resolved = await next(specifier, context);
  return outside(resolved.url) && /\\.m?ts$/.test(new URL(resolved.url).pathname) ? { ...resolved, format: 'module' } : resolved;
}
`;

let registered = false;

/** Installs the hook (once per process). */
export function shareHostPackages(): void {
  if (registered) return;
  registered = true;
  const cliDir = cliPackageDir();
  const root = pathToFileURL(installationRoot(cliDir)).href;
  register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { host: pathToFileURL(`${cliDir}/package.json`).href, root: `${root}/` } });
}

import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';

/** The folder of this @ouroboros/cli package (from its sources or its compiled dist/). */
export function cliPackageDir(): string {
  for (let dir = import.meta.dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@ouroboros/cli') return dir;
  }
  throw new Error(`cannot find the @ouroboros/cli package above ${import.meta.dirname}`);
}

/**
 * The folder that holds this ouroboros installation and its dependencies: the node_modules the cli
 * was installed into (a project's, or the global one), or the checkout it was built in.
 */
export function installationRoot(cliDir = cliPackageDir()): string {
  for (let dir = cliDir; dir !== dirname(dir); dir = dirname(dir)) {
    if (basename(dir) === 'node_modules') return dir;
  }
  return dirname(dirname(cliDir));
}

/** Whether `path` lies inside `folder`. */
export function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

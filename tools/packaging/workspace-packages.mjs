// The publishable workspace packages (packages/*) and their entry points, read from each
// package.json's `exports`: the `@ouroboros/source` condition names the TypeScript source, the
// default the compiled file in dist/.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const workspaceRoot = resolve(import.meta.dirname, '..', '..');

/** The export condition under which the workspace's tools (tsc, vitest, esbuild, tsx) read the sources. */
export const sourceCondition = '@ouroboros/source';

/** Every package under packages/: { name, dir, manifest, entries: [{ subpath, source, output }] }. */
export function workspacePackages() {
  const root = join(workspaceRoot, 'packages');
  return readdirSync(root)
    .sort()
    .map((folder) => {
      const dir = join(root, folder);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const entries = Object.entries(manifest.exports ?? {}).map(([subpath, target]) => {
        if (typeof target !== 'object' || !target[sourceCondition] || !target.default) {
          throw new Error(`${join(dir, 'package.json')}: exports['${subpath}'] must map '${sourceCondition}' to a source and 'default' to dist/`);
        }
        return { subpath, source: join(dir, target[sourceCondition]), output: join(dir, target.default), types: target.types ? join(dir, target.types) : null };
      });
      return { name: manifest.name, dir, manifest, entries };
    });
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The cli package's version, read from its package.json. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/** Schemas of options that hold a file or folder path. */
const pathSchemas = z.registry<{ path: true }>();

/**
 * A plugin option that names a file or folder. A relative path is taken from the folder of the
 * config file that wrote it (`~/` from the home folder) and stored absolute in the run folder, so
 * `ouro resume` works from any working directory.
 */
export function pathOption(): z.ZodString {
  const schema = z.string().min(1);
  pathSchemas.add(schema, { path: true });
  return schema;
}

/** `path` made absolute against `baseDir`, with `~/` for the home folder. */
export function absolutePath(path: string, baseDir: string): string {
  if (isHomePath(path)) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/** `~` or `~/...`: a path in the home folder. */
function isHomePath(value: string): boolean {
  return value === '~' || value.startsWith('~/');
}

/**
 * A `packages:` entry: a module path (`./x.mjs`, `../x`, `~/x.mjs`, `/abs/x.mjs`) made absolute
 * against `baseDir`, or a package name as it is.
 */
export function packagePath(entry: string, baseDir: string): string {
  const isPath = isHomePath(entry) || isAbsolute(entry) || /^\.{1,2}(\/|$)/.test(entry);
  return isPath ? absolutePath(entry, baseDir) : entry;
}

/** The top-level keys of an object schema whose values are paths (through optional/default wrappers). */
export function pathKeys(schema: z.ZodType): string[] {
  const object = unwrap(schema);
  if (!(object instanceof z.ZodObject)) return [];
  return Object.entries(object.shape as Record<string, z.ZodType>)
    .filter(([, field]) => pathSchemas.has(unwrap(field)))
    .map(([key]) => key);
}

/** `entry` with the values of `keys` that are strings made absolute against `baseDir`. */
export function withAbsolutePaths<T extends Record<string, unknown>>(entry: T, keys: readonly string[], baseDir: string): T {
  const out: Record<string, unknown> = { ...entry };
  for (const key of keys) {
    const value = out[key];
    if (typeof value === 'string' && value !== '') out[key] = absolutePath(value, baseDir);
  }
  return out as T;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const inner = (current as { _zod?: { def?: { innerType?: z.ZodType } } })?._zod?.def?.innerType;
    if (!inner) return current;
    current = inner;
  }
}

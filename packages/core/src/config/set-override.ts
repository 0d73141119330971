import { parse as parseYaml } from 'yaml';
import { ConfigError } from './config-error.ts';

/** Applies `a.b.c=value` (value parsed as YAML; `null` or nothing removes the field) to a config, returning a new object. */
export function applySetOverride(config: Record<string, unknown>, assignment: string): Record<string, unknown> {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new ConfigError(`--set ${JSON.stringify(assignment)}: expected path=value, e.g. schedule.lambda=0.5`);
  const path = assignment.slice(0, eq).trim().split('.');
  if (path.some((key) => key === '')) throw new ConfigError(`--set ${JSON.stringify(assignment)}: empty key in path '${assignment.slice(0, eq)}'`);
  let value: unknown;
  try {
    value = parseYaml(assignment.slice(eq + 1));
  } catch (error) {
    throw new ConfigError(`--set ${path.join('.')}: value is not valid YAML (${firstLine(error)})`);
  }
  return setField(config, path, value ?? undefined, `--set ${path.join('.')}`);
}

/**
 * A copy of `config` with the field at `path` set to `value` (removed when undefined), creating
 * the objects on the way; `source` names what asked for it in errors (`--set a.b`, `matrix.a.b`).
 */
export function setField(config: Record<string, unknown>, path: readonly string[], value: unknown, source: string): Record<string, unknown> {
  const root = structuredClone(config);
  let node: Record<string, unknown> = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const next = Array.isArray(node) ? node[Number(key)] : node[key];
    if (next === undefined || next === null) {
      node[key] = {};
    } else if (typeof next !== 'object') {
      throw new ConfigError(`${source}: ${path.slice(0, i + 1).join('.')} is ${JSON.stringify(next)}, not an object`);
    }
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = structuredClone(value);
  return root;
}

/** The value at a dotted path of a config, or undefined where the path does not lead. */
export function getField(config: unknown, path: readonly string[]): unknown {
  let node = config;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0]!;
}

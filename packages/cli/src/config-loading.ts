import { applySetOverride, ConfigError, configPackages, getField, isSweepConfig, PluginRegistry, readConfigFile, resolveConfig, slotAt, sweepKeys, withCurrentNames, type ResolvedExperiment } from '@ouroboros/core';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { buildContainer } from './composition-root.ts';
import { checkCuratorModule, configPlugins, type PluginAccess } from './plugin-loading/plugin-access.ts';
import { UsageError } from './usage-error.ts';

/**
 * Resolves a raw config: applies `--set` overrides, loads the plugin packages it names (those
 * `access` lets load), then validates it against every plugin's schema, taking relative paths from
 * `baseDir` (`~/` from the home folder). Errors are one line prefixed with `source`, or with the
 * `--set` that caused them.
 */
export async function resolveForRun(
  raw: Record<string, unknown>,
  source: string,
  baseDir: string,
  sets: readonly string[] = [],
  note: (message: string) => void = () => {},
  access: PluginAccess = configPlugins,
): Promise<{ resolved: ResolvedExperiment; container: DependencyContainer }> {
  checkSetSyntax(sets);
  let container: DependencyContainer | undefined;
  try {
    let user = raw;
    for (const assignment of sets) user = applySetOverride(user, assignment);
    container = await buildContainer(configPackages(user, baseDir), baseDir, access);
    const registry = container.resolve(PluginRegistry);
    user = dropOptionsOfReplacedPlugins(withCurrentNames(user, note), sets, registry, note);
    const resolved = resolveConfig(user, registry, { baseDir });
    checkCuratorModule(resolved.config, access);
    return { resolved, container };
  } catch (error) {
    if (!(error instanceof ConfigError) || error.message.startsWith(`${source}:`) || error.message.startsWith('--set')) throw error;
    // An error the file alone does not have was caused by a --set: say so instead of blaming the file.
    if (sets.length > 0 && container && fileAloneResolves(raw, container, baseDir)) {
      throw new ConfigError(`--set ${sets.join(' --set ')}: ${error.message}`);
    }
    throw new ConfigError(`${source}: ${error.message}`);
  }
}

/** Each `--set` must be PATH=VALUE: a usage error otherwise. */
export function checkSetSyntax(sets: readonly string[]): void {
  for (const assignment of sets) {
    const eq = assignment.indexOf('=');
    if (eq <= 0 || assignment.slice(0, eq).split('.').some((key) => key.trim() === '')) {
      throw new UsageError(`--set ${JSON.stringify(assignment)}: expected PATH=VALUE, e.g. --set schedule.lambda=0.5`);
    }
  }
}

/** A config file's path, refusing a folder (pointing to resume) before it is read. */
export function readConfigPath(path: string): Record<string, unknown> {
  if (existsSync(path) && statSync(path).isDirectory()) throw new ConfigError(`${path}: is a folder; expected a YAML or JSON config file (to continue a run folder, use 'ouro resume ${path}')`);
  return readConfigFile(path);
}

/** Reads a config file and resolves it with `--set` overrides; relative paths are taken from its folder. */
export async function loadConfigForRun(path: string, sets: readonly string[], note?: (message: string) => void, access: PluginAccess = configPlugins): Promise<{ resolved: ResolvedExperiment; container: DependencyContainer }> {
  const raw = readConfigPath(path);
  if (isSweepConfig(raw)) {
    const keys = sweepKeys.filter((key) => key in raw).join(', ');
    throw new ConfigError(`${path}: is a sweep config (it has ${keys}); expected an experiment config: run its cells with 'ouro sweep ${path}'`);
  }
  return resolveForRun(raw, path, dirname(resolve(path)), sets, note, access);
}

function fileAloneResolves(raw: Record<string, unknown>, container: DependencyContainer, baseDir: string): boolean {
  try {
    resolveConfig(raw, container.resolve(PluginRegistry), { baseDir });
    return true;
  } catch {
    return false;
  }
}

/**
 * `--set dataset.id=two-moons` on a config whose dataset has options the new plugin does not take
 * drops those options with a note, instead of failing on them as unknown fields.
 */
function dropOptionsOfReplacedPlugins(user: Record<string, unknown>, sets: readonly string[], registry: PluginRegistry, note: (message: string) => void): Record<string, unknown> {
  let out = user;
  for (const assignment of sets) {
    const path = assignment.slice(0, assignment.indexOf('=')).trim().split('.');
    if (path.at(-1) !== 'id') continue;
    const entryPath = path.slice(0, -1);
    const slot = slotAt(entryPath);
    if (!slot) continue;
    const at = [slot.key, ...entryPath.slice(1)];
    const entry = getField(out, at);
    if (typeof entry !== 'object' || entry === null) continue;
    const { kind } = slot;
    const id = (entry as { id?: unknown }).id;
    if (typeof id !== 'string' || !registry.has(kind, id)) continue;
    const schema = registry.get(kind, id).options as z.ZodType;
    const shape = schema instanceof z.ZodObject ? Object.keys(schema.shape) : null;
    if (!shape) continue;
    const keep = new Set(['id', ...shape, ...slot.engineKeys]);
    const dropped = Object.keys(entry).filter((key) => !keep.has(key));
    if (dropped.length === 0) continue;
    out = structuredClone(out);
    let target: Record<string, unknown> = out;
    for (const key of at) target = target[key] as Record<string, unknown>;
    for (const key of dropped) delete target[key];
    note(`--set ${assignment}: dropped ${dropped.map((k) => `${at.join('.')}.${k}`).join(', ')}, which '${id}' does not take`);
  }
  return out;
}

import { createTree } from '@nx/devkit/testing';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { generatePluginPackage } from '../plugin-package/plugin-package-generator.ts';

/** The ouroboros workspace these tests run against. */
export const workspaceRoot = resolve(import.meta.dirname, '..', '..', '..', '..');

const skipped = new Set(['node_modules', '.git', '.nx', 'runs', 'external', 'dist']);

/**
 * Copies the workspace's sources to `dest` and gives it a node_modules of links: every installed
 * package links to the workspace's copy (nothing is reinstalled), but `@ouroboros/*` link to the
 * copy's own packages, so a package generated there resolves and the workspace is never touched.
 */
export function copyWorkspace(dest: string): void {
  cpSync(workspaceRoot, dest, { recursive: true, filter: (source) => !skipped.has(source.slice(workspaceRoot.length + 1).split('/').at(-1)!) });
  const modules = join(dest, 'node_modules');
  mkdirSync(join(modules, '@ouroboros'), { recursive: true });
  for (const name of readdirSync(join(workspaceRoot, 'node_modules'))) {
    if (name !== '@ouroboros' && !name.startsWith('.ouro')) symlinkSync(join(workspaceRoot, 'node_modules', name), join(modules, name));
  }
  for (const name of readdirSync(join(dest, 'packages'))) symlinkSync(join('..', '..', 'packages', name), join(modules, '@ouroboros', name));
  symlinkSync(join('..', '..', 'tools'), join(modules, '@ouroboros', 'tools'));
}

export interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command args...` in `cwd` and returns its exit code and output (never throws on a non-zero exit). */
export async function run(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, { cwd, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NO_COLOR: '1', FORCE_COLOR: '0', ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Runs `node args...` in `cwd` (see `run`). */
export function node(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
  return run(process.execPath, args, cwd, env);
}

/** The history.jsonl rows of a run folder. */
export function historyRows(text: string): Array<Record<string, number>> {
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, number>);
}

/** The model-plugin generator's external package (`--external`) named `name`, written as generated into `dest`, outside the workspace. */
export function generateExternalPackage(dest: string, name = 'shipped'): void {
  const tree = createTree();
  for (const file of ['package.json', 'packages/core/package.json', 'packages/nn/package.json']) tree.write(file, readFileSync(join(workspaceRoot, file)));
  generatePluginPackage(tree, 'model', { name, external: true, directory: 'package' });
  for (const change of tree.listChanges()) {
    if (!change.path.startsWith('package/') || change.type === 'DELETE') continue;
    mkdirSync(join(dest, dirname(change.path.slice('package/'.length))), { recursive: true });
    writeFileSync(join(dest, change.path.slice('package/'.length)), change.content!);
  }
}

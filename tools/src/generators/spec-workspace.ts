import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** The ouroboros workspace these tests run against. */
export const workspaceRoot = resolve(import.meta.dirname, '..', '..', '..');

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

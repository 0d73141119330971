import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SweepFile } from './sweep-file.ts';

/** What each array task asks SLURM for. */
export interface SlurmResources {
  readonly partition?: string;
  readonly time?: string;
  /** --cpus-per-task: each task computes on that many threads (SLURM_CPUS_PER_TASK). */
  readonly cpus: number;
  /** `--threads` of the sweep: each task's, over its cell's `threads:`. */
  readonly threads?: number;
  readonly gpus?: number;
  readonly mem?: string;
  /** Further #SBATCH directives, each `--name=value`. */
  readonly extra: readonly string[];
  /** At most this many tasks at once (`%N` of --array). */
  readonly parallel?: number;
}

/** `0-3,5,7-9`, with `%N` when at most N tasks may run at once. */
export function arraySpec(indices: readonly number[], parallel?: number): string {
  const sorted = [...indices].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    ranges.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return `${ranges.join(',')}${parallel ? `%${parallel}` : ''}`;
}

/**
 * The `sbatch --array` script of a sweep: task K runs `ouro run --sweep DIR --cell K` with this
 * machine's node and the absolute path of the `ouro` bin (a shared filesystem holds both, as it
 * holds DIR); `exec` makes the worker the task's process, so SLURM's SIGTERM (scancel, the time
 * limit) reaches it and it stops at a safe point, resumable by running the sweep again. Each task
 * computes on SLURM_CPUS_PER_TASK threads (a default its cell's `threads:` replaces), or on the
 * sweep's `--threads`. With `allowPlugins` (the sweep's config names plugins, and the user ran it)
 * each task loads them (`--allow-plugins`).
 */
export function arrayScript(dir: string, sweep: SweepFile, indices: readonly number[], resources: SlurmResources, paths: { node: string; bin: string; allowPlugins?: boolean }): string {
  const out = resolve(dir);
  for (const [what, path] of [['the sweep folder', out], ['node', paths.node], ['the ouro bin', paths.bin]] as const) {
    if (/\s/.test(path)) throw new Error(`--executor slurm: ${what} ${JSON.stringify(path)} has whitespace, which #SBATCH lines cannot hold; expected a path without spaces`);
  }
  const directives = [
    `--job-name=ouro-${sweep.name}`,
    `--array=${arraySpec(indices, resources.parallel)}`,
    `--output=${join(out, 'slurm', '%A_%a.out')}`,
    `--cpus-per-task=${resources.cpus}`,
    ...(resources.partition ? [`--partition=${resources.partition}`] : []),
    ...(resources.time ? [`--time=${resources.time}`] : []),
    ...(resources.gpus ? [`--gres=gpu:${resources.gpus}`] : []),
    ...(resources.mem ? [`--mem=${resources.mem}`] : []),
    ...resources.extra,
  ];
  return `#!/bin/bash
# ouroboros sweep '${sweep.name}': ${indices.length} of its ${sweep.cells.length} cells, one array task each.
# Task K runs cell K of ${join(out, 'sweep.json')} in ${out}/<cell-id>/ (a finished cell is skipped, an
# interrupted one resumed). Written by 'ouro sweep --executor slurm'; 'ouro sweep status ${out}' follows it.
${directives.map((d) => `#SBATCH ${d}`).join('\n')}
export OURO_THREADS="\${SLURM_CPUS_PER_TASK:-1}"
exec ${shellQuote(paths.node)} ${shellQuote(paths.bin)} run --sweep ${shellQuote(out)} --cell "$SLURM_ARRAY_TASK_ID"${resources.threads ? ` --threads ${resources.threads}` : ''}${paths.allowPlugins ? ' --allow-plugins' : ''}
`;
}

/** Writes the array script into DIR/slurm/array.sbatch and returns its path. */
export function writeArrayScript(dir: string, script: string): string {
  mkdirSync(join(dir, 'slurm'), { recursive: true });
  const path = join(dir, 'slurm', 'array.sbatch');
  writeFileSync(path, script, { mode: 0o755 });
  return path;
}

/** `sbatch --parsable SCRIPT`: the job id. */
export function submit(script: string): string {
  const result = spawnSync('sbatch', ['--parsable', script], { encoding: 'utf8', timeout: 60_000 });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(missing ? `--executor slurm: sbatch not found on PATH; expected a machine that submits to a SLURM cluster (a login node)` : `sbatch ${script}: ${result.error.message}`);
  }
  if (result.status !== 0) throw new Error(`sbatch ${script}: ${firstLine(result.stderr) || `exit code ${result.status}`}`);
  const jobId = result.stdout.trim().split(';')[0]!;
  if (!/^\d+$/.test(jobId)) throw new Error(`sbatch ${script}: printed ${JSON.stringify(result.stdout.trim())}; expected a job id`);
  return jobId;
}

/** An #SBATCH directive the user added (`--name=value` or `--flag`, `#SBATCH ` dropped), or null when it is not one. */
export function sbatchDirective(directive: string): string | null {
  const text = directive.trim().replace(/^#SBATCH\s+/, '');
  return !/^--?[A-Za-z]/.test(text) || /[\n\r]/.test(text) ? null : text;
}

export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export function firstLine(text: string | null | undefined): string {
  return (text ?? '').trim().split('\n')[0] ?? '';
}

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { SweepFile } from './sweep-file.ts';

/** One `sbatch --array` submission of the sweep. */
export interface SlurmSubmission {
  readonly jobId: string;
  /** The array spec, e.g. 0-3,5: the indices of the cells it runs. */
  readonly array: string;
  /** The script, relative to DIR. */
  readonly script: string;
  readonly submittedAt: string;
}

/** What SLURM says of one array task. */
export interface TaskState {
  /** PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, ... */
  readonly state: string;
  readonly reason?: string;
  /** `exit:signal`, e.g. 1:0. */
  readonly exitCode?: string;
}

/** The states of a task that is over. */
export const endedStates = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE']);

/** Runs a SLURM command: null when it is not installed, else whether it succeeded and its output. */
function slurm(command: string, args: readonly string[]): { ok: boolean; stdout: string; stderr: string } | null {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  if (result.error) return (result.error as NodeJS.ErrnoException).code === 'ENOENT' ? null : { ok: false, stdout: '', stderr: result.error.message };
  return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr };
}

/** `0-3,5%2` -> [0, 1, 2, 3, 5]. */
export function arrayIndices(spec: string): number[] {
  return spec
    .replace(/%\d+$/, '')
    .split(',')
    .flatMap((part) => {
      const [from, to] = part.split('-').map(Number);
      return Array.from({ length: (to ?? from!) - from! + 1 }, (_, i) => from! + i);
    });
}

/** The latest submission of the sweep that is still queued or running, if squeue can tell. */
export function activeSubmission(sweep: SweepFile): SlurmSubmission | null {
  const last = sweep.slurm.at(-1);
  if (!last) return null;
  const queue = slurm('squeue', ['-h', '-j', last.jobId, '-o', '%i']);
  return queue?.ok && queue.stdout.trim() !== '' ? last : null;
}

/**
 * The state of each cell SLURM ran or will run, by cell index, from the newest submission that
 * included it: `squeue -r` (tasks pending, running, or ended less than MinJobAge ago), `scontrol
 * show job` (their exit codes), then for tasks both have forgotten `sacct` (with an accounting
 * database) or `sacct -c` (the job completion log, by the raw job ids the tasks recorded).
 * Null when squeue is not installed here.
 */
export function slurmTaskStates(dir: string, sweep: SweepFile): Map<number, TaskState & { jobId: string }> | null {
  const states = new Map<number, TaskState & { jobId: string }>();
  for (const submission of [...sweep.slurm].reverse()) {
    const wanted = arrayIndices(submission.array).filter((k) => !states.has(k));
    if (wanted.length === 0) continue;
    const tasks = jobTasks(dir, submission.jobId, wanted);
    if (tasks === null) return null;
    for (const [k, task] of tasks) if (wanted.includes(k)) states.set(k, { ...task, jobId: submission.jobId });
  }
  return states;
}

function jobTasks(dir: string, jobId: string, wanted: readonly number[]): Map<number, TaskState> | null {
  const tasks = new Map<number, TaskState>();
  const queue = slurm('squeue', ['-h', '-r', '-t', 'all', '-j', jobId, '-o', '%K|%T|%r']);
  if (queue === null) return null;
  if (queue.ok) {
    for (const line of queue.stdout.trim().split('\n').filter(Boolean)) {
      const [k, state, reason] = line.split('|');
      if (/^\d+$/.test(k!)) tasks.set(Number(k), { state: state!, ...(reason && reason !== 'None' ? { reason } : {}) });
    }
  }
  const control = slurm('scontrol', ['show', 'job', '-o', jobId]);
  if (control?.ok) {
    for (const line of control.stdout.trim().split('\n').filter(Boolean)) {
      const field = (name: string) => new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(line)?.[1];
      const k = field('ArrayTaskId');
      const known = k !== undefined && /^\d+$/.test(k) ? tasks.get(Number(k)) : undefined;
      if (known && endedStates.has(known.state)) tasks.set(Number(k), { ...known, exitCode: field('ExitCode') ?? '' });
    }
  }
  const forgotten = wanted.filter((k) => !tasks.has(k));
  if (forgotten.length > 0) for (const [k, task] of accounted(dir, jobId)) if (!tasks.has(k)) tasks.set(k, task);
  return tasks;
}

/** Ended tasks from accounting: `sacct` with a database, else `sacct -c` over the raw ids the tasks recorded. */
function accounted(dir: string, jobId: string): Map<number, TaskState> {
  const tasks = new Map<number, TaskState>();
  const parse = (stdout: string, task: (id: string) => number | undefined) => {
    for (const line of stdout.trim().split('\n').filter(Boolean)) {
      const [id, state, exitCode] = line.split('|');
      const k = task(id!);
      if (k !== undefined) tasks.set(k, { state: state!.split(' ')[0]!, ...(exitCode ? { exitCode } : {}) });
    }
  };
  const database = slurm('sacct', ['-X', '-n', '-P', '-j', jobId, '-o', 'JobID,State,ExitCode']);
  if (database?.ok) {
    parse(database.stdout, (id) => (new RegExp(`^${jobId}_(\\d+)$`).exec(id) ? Number(id.split('_')[1]) : undefined));
    return tasks;
  }
  const raw = taskRecords(dir, jobId);
  if (raw.size === 0) return tasks;
  const log = slurm('sacct', ['-c', '-n', '-P', '-j', [...raw.keys()].join(','), '-o', 'JobID,State,ExitCode']);
  if (log?.ok) parse(log.stdout, (id) => raw.get(id));
  return tasks;
}

/** Written by each array task as it starts: which raw job id ran which cell (sacct -c knows only raw ids). */
export interface TaskRecord {
  readonly arrayJobId: string;
  readonly taskId: number;
  readonly jobId: string;
  readonly cell: string;
  readonly host: string;
  readonly startedAt: string;
}

/** Records this process's SLURM array task in DIR/slurm/tasks/, when it is one. */
export function recordSlurmTask(dir: string, cell: string, env: NodeJS.ProcessEnv = process.env): void {
  const { SLURM_ARRAY_JOB_ID: arrayJobId, SLURM_ARRAY_TASK_ID: taskId, SLURM_JOB_ID: jobId } = env;
  if (!arrayJobId || !taskId || !jobId) return;
  const folder = join(dir, 'slurm', 'tasks');
  mkdirSync(folder, { recursive: true });
  const record: TaskRecord = { arrayJobId, taskId: Number(taskId), jobId, cell, host: hostname(), startedAt: new Date().toISOString() };
  writeFileSync(join(folder, `${arrayJobId}_${taskId}.json`), `${JSON.stringify(record)}\n`);
}

/** Raw job id -> array task index, for one array job. */
function taskRecords(dir: string, arrayJobId: string): Map<string, number> {
  const folder = join(dir, 'slurm', 'tasks');
  const out = new Map<string, number>();
  if (!existsSync(folder)) return out;
  for (const name of readdirSync(folder).filter((n) => n.startsWith(`${arrayJobId}_`) && n.endsWith('.json'))) {
    try {
      const record = JSON.parse(readFileSync(join(folder, name), 'utf8')) as TaskRecord;
      out.set(record.jobId, record.taskId);
    } catch {
      // a task killed while writing its record: nothing to learn from it
    }
  }
  return out;
}

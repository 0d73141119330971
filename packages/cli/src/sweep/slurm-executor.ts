import { resolve } from 'node:path';
import { z } from 'zod';
import { bool, flags, positiveInt, word } from '../options/flags.ts';
import { cliBin } from './cli-bin.ts';
import { arrayScript, arraySpec, sbatchDirective, submit, writeArrayScript, type SlurmResources } from './slurm-script.ts';
import { activeSubmission, endedStates, recordSlurmTask, slurmTaskStates } from './slurm-queue.ts';
import type { ExecutorView, SweepExecutor, SweepRun } from './sweep-executor.ts';
import { writeSweep } from './sweep-file.ts';

/** `--sbatch DIRECTIVE`, repeatable: further #SBATCH lines, each checked. */
const sbatchLines = (flag: string) =>
  z
    .array(z.string())
    .default([])
    .transform((given, ctx) => {
      const lines = given.map(sbatchDirective);
      const bad = lines.indexOf(null);
      if (bad < 0) return lines.filter((line) => line !== null);
      ctx.addIssue({ code: 'custom', message: `${flag} ${JSON.stringify(given[bad])}: expected an sbatch option such as --account=lab or --qos=short` });
      return z.NEVER;
    });

const slurmFlags = flags({
  jobs: positiveInt,
  threads: positiveInt,
  partition: word,
  time: word,
  cpus: positiveInt,
  gpus: positiveInt,
  mem: word,
  sbatch: sbatchLines,
  'no-submit': bool,
});

export type SlurmFlags = z.output<typeof slurmFlags>;

/** What each array task asks for: `--cpus` (default `--threads`, else 1), `--jobs` as the array's `%N`. */
export function slurmResources(given: SlurmFlags): SlurmResources {
  const { jobs, threads, partition, time, cpus, gpus, mem, sbatch } = given;
  return {
    cpus: cpus ?? threads ?? 1,
    ...(threads !== undefined ? { threads } : {}),
    ...(gpus !== undefined ? { gpus } : {}),
    ...(partition !== undefined ? { partition } : {}),
    ...(time !== undefined ? { time } : {}),
    ...(mem !== undefined ? { mem } : {}),
    extra: sbatch,
    ...(jobs !== undefined ? { parallel: jobs } : {}),
  };
}

/**
 * `--executor slurm`: writes DIR/slurm/array.sbatch, one array task per unfinished cell (task K
 * runs cell K), submits it with sbatch and records the job in sweep.json; `ouro sweep status` asks
 * squeue, scontrol and sacct what became of each task.
 */
export const slurmExecutor: SweepExecutor<SlurmFlags> = {
  name: 'slurm',
  flags: slurmFlags,

  checkReplan(dir, previous) {
    const active = previous && activeSubmission(previous);
    if (active) {
      throw new Error(`${dir}: SLURM job ${active.jobId} of this sweep is still queued or running, and its tasks read their cells from sweep.json; wait for it ('ouro sweep status ${dir}') or cancel it ('scancel ${active.jobId}')`);
    }
  },

  async execute({ dir, plan, allowPlugins, io: { stdout, stderr } }: SweepRun, given) {
    const resources = slurmResources(given);
    const indices = plan.cells.filter((cell) => cell.status !== 'finished').map((cell) => cell.index);
    if (indices.length === 0) {
      stderr.write(`sweep ${plan.name}: all ${plan.cells.length} cells are finished; nothing to submit ('ouro report ${dir}' draws them)\n`);
      return 0;
    }
    const script = writeArrayScript(dir, arrayScript(dir, plan, indices, resources, { node: process.execPath, bin: cliBin(), allowPlugins }));
    if (given['no-submit']) {
      stderr.write(`sweep ${plan.name}: wrote ${script} (${indices.length} of ${plan.cells.length} cells); submit it with:\n`);
      stdout.write(`sbatch --parsable ${script}\n`);
      return 0;
    }
    const jobId = submit(script);
    plan.slurm.push({ jobId, array: arraySpec(indices, resources.parallel), script: 'slurm/array.sbatch', submittedAt: new Date().toISOString() });
    for (const cell of plan.cells) if (indices.includes(cell.index)) cell.status = 'queued';
    writeSweep(dir, plan);
    stderr.write(`sweep ${plan.name}: submitted SLURM job ${jobId}, ${indices.length} array task(s) of ${plan.cells.length} cells (${script}); follow it with 'ouro sweep status ${resolve(dir)}', then 'ouro report ${resolve(dir)}'\n`);
    stdout.write(`${jobId}\n`);
    return 0;
  },

  view(dir, sweep) {
    const job = sweep.slurm.at(-1);
    if (!job) return null;
    const tasks = slurmTaskStates(dir, sweep);
    return {
      key: 'slurm',
      headline: `SLURM job ${job.jobId}${tasks ? '' : ': squeue is not installed here, so queued tasks show as pending'}`,
      json: { slurmJob: job.jobId, slurmKnown: tasks !== null },
      cell(cell, state) {
        const task = tasks?.get(cell.index);
        if (!task) return undefined;
        const column = `${task.state}${task.exitCode ? ` ${task.exitCode}` : ''}`;
        if (state.status === 'finished' || state.status === 'running') return { column, json: task };
        if (task.state === 'PENDING') return { status: 'queued', column, json: task };
        if (!endedStates.has(task.state)) return { status: 'running', column, json: task };
        if (state.status === 'pending' || (state.status === 'interrupted' && state.exitCode === undefined)) {
          const error = `SLURM task ${task.jobId}_${cell.index} ${task.state}${task.reason ? ` (${task.reason})` : ''}${task.exitCode ? `, exit code ${task.exitCode}` : ''}, before ouro could write its summary; see slurm/${task.jobId}_${cell.index}.out`;
          return { status: 'failed', error, column, json: task };
        }
        return { column, json: task };
      },
    } satisfies ExecutorView;
  },

  cellStarted(dir, cellId, env) {
    recordSlurmTask(dir, cellId, env);
  },
};

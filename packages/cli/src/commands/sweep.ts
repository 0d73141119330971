import { RunLock } from '@ouroboros/core';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { backendName } from '../backend-option.ts';
import type { CommandRun } from '../commands.ts';
import { positiveInt } from '../positive-int-option.ts';
import { writeReport } from '../report/write-report.ts';
import { describeValues } from '../sweep/axis-label.ts';
import { cliBin } from '../sweep/cli-bin.ts';
import { runLocally } from '../sweep/local-executor.ts';
import { installedPluginsUnless } from '../plugin-loading/plugin-access.ts';
import { namesPlugins, planSweep, prepareSweepDir, writePlan, type PlannedSweep } from '../sweep/plan-sweep.ts';
import { arraySpec, arrayScript, checkDirective, submit, writeArrayScript, type SlurmResources } from '../sweep/slurm-executor.ts';
import { activeSubmission } from '../sweep/slurm-queue.ts';
import { readSweep, writeSweep, type SweepFile } from '../sweep/sweep-file.ts';
import { sweepReport } from '../sweep/sweep-status.ts';
import { threadsOption } from '../threads-option.ts';
import { UsageError } from '../usage-error.ts';

type Values = Record<string, string | boolean | string[] | undefined>;

const slurmOptions = ['partition', 'time', 'cpus', 'gpus', 'mem', 'sbatch', 'no-submit'] as const;

/** `ouro sweep CONFIG`: plans the cells, then runs them here (and writes the report) or submits them to SLURM. */
export const sweep: CommandRun = async ([configPath], values, { stdout, stderr }) => {
  const executor = (values.executor as string | undefined) ?? 'local';
  if (executor !== 'local' && executor !== 'slurm') throw new UsageError(`--executor ${executor}: expected local or slurm`);
  const jobs = values.jobs === undefined ? undefined : positiveInt('--jobs', values.jobs as string);
  const threads = threadsOption(values.threads as string | undefined);
  if (executor === 'local') {
    const misplaced = slurmOptions.find((name) => values[name] !== undefined);
    if (misplaced) throw new UsageError(`--${misplaced} applies to --executor slurm`);
  }
  const resources = executor === 'slurm' ? slurmResources(values, jobs, threads) : null;
  const planned = await planSweep(configPath!, sets(values), (note) => stderr.write(`note: ${note}\n`));
  const dir = (values.out as string | undefined) ?? join('runs', planned.name);
  const previous = prepareSweepDir(dir, planned.name);
  // One `ouro sweep` per folder; and a SLURM job's tasks read their cells from sweep.json by index.
  const lock = RunLock.acquire(dir);
  let result;
  try {
    refuseWhileQueued(dir, previous);
    const plan = writePlan(dir, planned, previous);
    const allowPlugins = namesPlugins(planned);
    if (resources) return submitToSlurm(dir, plan, resources, allowPlugins, Boolean(values['no-submit']), { stdout, stderr });
    result = { plan, ...(await runLocally(dir, plan, { jobs: jobs ?? availableParallelism(), threads, bin: cliBin(), allowPlugins, stderr })) };
  } finally {
    lock.release();
  }
  const { plan } = result;
  const parts = [`${result.finished + result.skipped} of ${plan.cells.length} cells finished${result.skipped ? ` (${result.skipped} skipped)` : ''}`];
  if (result.failed.length) parts.push(`${result.failed.length} failed (${result.failed.map((c) => `cell ${c.index} ${describeValues(c.values)}`).join('; ')})`);
  if (result.interrupted.length) parts.push(`${result.interrupted.length} interrupted`);
  if (result.notStarted) parts.push(`${result.notStarted} not started`);
  stderr.write(`sweep ${plan.name}: ${parts.join(', ')}${result.stoppedBy || result.failed.length ? `; 'ouro sweep ${configPath}${values.out ? ` --out ${dir}` : ''}' again runs what is not finished` : ''}\n`);
  if (result.stoppedBy) return result.stoppedBy === 'SIGINT' ? 130 : 143;
  const report = await writeReport(dir, {});
  stderr.write(`report: ${report}\n`);
  stdout.write(`${report}\n`);
  return result.failed.length === 0 ? 0 : 1;
};

/** `ouro sweep plan CONFIG`: the cells, checked, without running or writing anything. */
export const sweepPlan: CommandRun = async ([configPath], values, { stdout, stderr }) => {
  const planned = await planSweep(configPath!, sets(values), (note) => stderr.write(`note: ${note}\n`), installedPluginsUnless(values['allow-plugins'], 'ouro sweep plan'));
  if (values.json) {
    const cells = planned.cells.map(({ index, id, values: v, origin, config }) => ({ index, id, values: v, origin, config }));
    stdout.write(`${JSON.stringify({ name: planned.name, axes: planned.axes, cells }, null, 2)}\n`);
    return 0;
  }
  stdout.write(planText(planned));
  return 0;
};

/** `ouro sweep status DIR`: every cell's standing (run folder, SLURM task). */
export const sweepStatus: CommandRun = async ([dir], values, { stdout }) => {
  const sweep = readSweep(dir!);
  const report = sweepReport(dir!, sweep);
  // A running local sweep writes sweep.json itself.
  if (!RunLock.holder(dir!)) writeSweep(dir!, sweep);
  const job = sweep.slurm.at(-1);
  if (values.json) {
    stdout.write(`${JSON.stringify({ dir: dir, name: sweep.name, ...(job ? { slurmJob: job.jobId } : {}), ...report }, null, 2)}\n`);
    return 0;
  }
  const counts = Object.entries(report.counts).map(([status, n]) => `${n} ${status}`).join(', ');
  const lines = [`sweep ${sweep.name}: ${sweep.cells.length} cells in ${dir}: ${counts}${job ? ` (SLURM job ${job.jobId}${report.slurmKnown ? '' : ': squeue is not installed here, so queued tasks show as pending'})` : ''}`];
  const width = Math.max(...report.cells.map((c) => describeValues(c.values).length), 6);
  lines.push(`  ${'cell'.padStart(4)}  ${'id'.padEnd(10)}  ${'values'.padEnd(width)}  ${'status'.padEnd(11)}  gens${job ? '   slurm' : ''}`);
  for (const cell of report.cells) {
    const gens = `${cell.completed}/${cell.generations !== undefined ? cell.generations + 1 : '?'}`;
    const slurm = cell.slurm ? `   ${cell.slurm.state}${cell.slurm.exitCode ? ` ${cell.slurm.exitCode}` : ''}` : '';
    lines.push(`  ${String(cell.index).padStart(4)}  ${cell.id}  ${describeValues(cell.values).padEnd(width)}  ${cell.status.padEnd(11)}  ${gens.padEnd(5)}${slurm}`);
    if (cell.error) lines.push(`        ${cell.error}`);
  }
  stdout.write(`${lines.join('\n')}\n`);
  return 0;
};

function planText(planned: PlannedSweep): string {
  const lines = [`sweep ${planned.name}: ${planned.cells.length} cell${planned.cells.length === 1 ? '' : 's'} over ${planned.axes.join(', ') || 'no axes'}`];
  for (const cell of planned.cells) lines.push(`  ${String(cell.index).padStart(4)}  ${cell.id}  ${describeValues(cell.values)}`);
  return `${lines.join('\n')}\n`;
}

function sets(values: Values): string[] {
  const backend = backendName(values.backend as string | undefined);
  return [...((values.set as string[] | undefined) ?? []), ...(backend ? [`backend=${backend}`] : [])];
}

/** A sweep whose SLURM job is still queued or running keeps its plan: its tasks read cells by index. */
function refuseWhileQueued(dir: string, previous: SweepFile | null): void {
  const active = previous && activeSubmission(previous);
  if (active) {
    throw new Error(`${dir}: SLURM job ${active.jobId} of this sweep is still queued or running, and its tasks read their cells from sweep.json; wait for it ('ouro sweep status ${dir}') or cancel it ('scancel ${active.jobId}')`);
  }
}

function submitToSlurm(dir: string, plan: SweepFile, resources: SlurmResources, allowPlugins: boolean, dryRun: boolean, { stdout, stderr }: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): number {
  const indices = plan.cells.filter((cell) => cell.status !== 'finished').map((cell) => cell.index);
  if (indices.length === 0) {
    stderr.write(`sweep ${plan.name}: all ${plan.cells.length} cells are finished; nothing to submit ('ouro report ${dir}' draws them)\n`);
    return 0;
  }
  const script = writeArrayScript(dir, arrayScript(dir, plan, indices, resources, { node: process.execPath, bin: cliBin(), allowPlugins }));
  if (dryRun) {
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
}

function slurmResources(values: Values, jobs: number | undefined, threads: number | undefined): SlurmResources {
  return {
    cpus: values.cpus === undefined ? (threads ?? 1) : positiveInt('--cpus', values.cpus as string),
    ...(threads !== undefined ? { threads } : {}),
    ...(values.gpus !== undefined ? { gpus: positiveInt('--gpus', values.gpus as string) } : {}),
    ...(values.partition !== undefined ? { partition: word('--partition', values.partition as string) } : {}),
    ...(values.time !== undefined ? { time: word('--time', values.time as string) } : {}),
    ...(values.mem !== undefined ? { mem: word('--mem', values.mem as string) } : {}),
    extra: ((values.sbatch as string[] | undefined) ?? []).map((d) => {
      try {
        return checkDirective(d);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    }),
    ...(jobs !== undefined ? { parallel: jobs } : {}),
  };
}

/** An #SBATCH value: one word. */
function word(flag: string, text: string): string {
  if (!/^\S+$/.test(text)) throw new UsageError(`${flag} ${JSON.stringify(text)}: expected one word without spaces`);
  return text;
}

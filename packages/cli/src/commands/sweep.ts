import { RunLock } from '@ouroboros/core';
import { join } from 'node:path';
import type { Streams } from '../commands.ts';
import { backend, bool, flags, setsWithBackend, text, texts } from '../options/flags.ts';
import { parseFlags, withFlags, type RawValues } from '../options/parse-flags.ts';
import { installedPluginsUnless } from '../plugin-loading/plugin-access.ts';
import { describeValues } from '../sweep/axis-label.ts';
import { namesPlugins, planSweep, prepareSweepDir, writePlan, type PlannedSweep } from '../sweep/plan-sweep.ts';
import type { SweepExecutor } from '../sweep/sweep-executor.ts';
import { executorNamed, sweepExecutors } from '../sweep/sweep-executors.ts';
import { readSweep, writeSweep } from '../sweep/sweep-file.ts';
import { wandbSweepOf } from '../sweep/wandb-sweep.ts';
import { sweepReport } from '../sweep/sweep-status.ts';
import { UsageError } from '../usage-error.ts';

/** The flags of `ouro sweep` itself; each executor reads its own (`SweepExecutor.flags`). */
const sweepFlags = flags({ out: text, executor: text, set: texts, backend });

const planFlags = flags({ set: texts, backend, 'allow-plugins': bool, json: bool });

const statusFlags = flags({ json: bool });

/** `ouro sweep CONFIG`: plans the cells, then hands them to the executor `--executor` names (local: run here and report; slurm: submit). */
export const sweep = withFlags(sweepFlags, async ([configPath], given, io, values) => {
  const executors = sweepExecutors();
  const executor = given.executor === undefined ? executors[0]! : executorNamed(given.executor, executors);
  const executorFlags = parseFlags(executor.flags, values);
  refuseForeignFlags(values, executor, executors);
  const note = (message: string) => io.stderr.write(`note: ${message}\n`);
  const planned = await planSweep(configPath!, setsWithBackend(given.set, given.backend), note);
  const dir = given.out ?? join('runs', planned.name);
  const previous = prepareSweepDir(dir, planned.name);
  // One `ouro sweep` per folder; and a SLURM job's tasks read their cells from sweep.json by index.
  const lock = RunLock.acquire(dir);
  try {
    for (const each of executors) each.checkReplan(dir, previous);
    const plan = writePlan(dir, planned, previous);
    const wandbSweep = await wandbSweepOf(planned, previous, note);
    if (wandbSweep !== undefined) {
      plan.wandbSweep = wandbSweep;
      writeSweep(dir, plan);
    }
    const again = `ouro sweep ${configPath}${given.out !== undefined ? ` --out ${dir}` : ''}`;
    return await executor.execute({ dir, plan, again, allowPlugins: namesPlugins(planned), io }, executorFlags);
  } finally {
    lock.release();
  }
});

/** A flag another executor reads, given with this one: `--partition applies to --executor slurm`. */
function refuseForeignFlags(values: RawValues, chosen: SweepExecutor, executors: readonly SweepExecutor[]): void {
  for (const other of executors) {
    if (other === chosen) continue;
    const misplaced = Object.keys(other.flags.shape).find((name) => !(name in chosen.flags.shape) && values[name] !== undefined);
    if (misplaced) throw new UsageError(`--${misplaced} applies to --executor ${other.name}`);
  }
}

/** `ouro sweep plan CONFIG`: the cells, checked, without running or writing anything. */
export const sweepPlan = withFlags(planFlags, async ([configPath], given, { stdout, stderr }) => {
  const planned = await planSweep(configPath!, setsWithBackend(given.set, given.backend), (note) => stderr.write(`note: ${note}\n`), installedPluginsUnless(given['allow-plugins'], 'ouro sweep plan'));
  if (given.json) {
    const cells = planned.cells.map(({ index, id, values: v, origin, config }) => ({ index, id, values: v, origin, config }));
    stdout.write(`${JSON.stringify({ name: planned.name, axes: planned.axes, cells }, null, 2)}\n`);
    return 0;
  }
  stdout.write(planText(planned));
  return 0;
});

/** `ouro sweep status DIR`: every cell's standing (run folder, and what its executor knows: the SLURM task). */
export const sweepStatus = withFlags(statusFlags, async ([dir], given, { stdout }: Streams) => {
  const sweep = readSweep(dir!);
  const views = sweepExecutors().flatMap((executor) => executor.view(dir!, sweep) ?? []);
  const report = sweepReport(dir!, sweep, views);
  // A running local sweep writes sweep.json itself.
  if (!RunLock.holder(dir!)) writeSweep(dir!, sweep);
  if (given.json) {
    const extra = Object.assign({}, ...views.map((view) => view.json)) as Record<string, unknown>;
    stdout.write(`${JSON.stringify({ dir, name: sweep.name, ...extra, counts: report.counts, cells: report.cells }, null, 2)}\n`);
    return 0;
  }
  const counts = Object.entries(report.counts).map(([status, n]) => `${n} ${status}`).join(', ');
  const lines = [`sweep ${sweep.name}: ${sweep.cells.length} cells in ${dir}: ${counts}${views.map((view) => ` (${view.headline})`).join('')}`];
  const width = Math.max(...report.cells.map((c) => describeValues(c.values).length), 6);
  lines.push(`  ${'cell'.padStart(4)}  ${'id'.padEnd(10)}  ${'values'.padEnd(width)}  ${'status'.padEnd(11)}  gens${report.columns.map((c) => `   ${c.key}`).join('')}`);
  for (const [i, cell] of report.cells.entries()) {
    const gens = `${cell.completed}/${cell.generations !== undefined ? cell.generations + 1 : '?'}`;
    const columns = report.columns.map((c) => (c.cells[i] ? `   ${c.cells[i]}` : '')).join('');
    lines.push(`  ${String(cell.index).padStart(4)}  ${cell.id}  ${describeValues(cell.values).padEnd(width)}  ${cell.status.padEnd(11)}  ${gens.padEnd(5)}${columns}`);
    if (cell.error) lines.push(`        ${cell.error}`);
  }
  stdout.write(`${lines.join('\n')}\n`);
  return 0;
});

function planText(planned: PlannedSweep): string {
  const lines = [`sweep ${planned.name}: ${planned.cells.length} cell${planned.cells.length === 1 ? '' : 's'} over ${planned.axes.join(', ') || 'no axes'}`];
  for (const cell of planned.cells) lines.push(`  ${String(cell.index).padStart(4)}  ${cell.id}  ${describeValues(cell.values)}`);
  return `${lines.join('\n')}\n`;
}

import { canonicalJson } from '../config/cell-id.ts';
import { ConfigError, zodErrorLine } from '../config/config-error.ts';
import { setField } from '../config/set-override.ts';
import { sweepKeys, sweepSchema, type SweepConfig } from './sweep-config.ts';

/** One cell of a sweep: the values it gives its axes and the experiment config they make. */
export interface SweepCell {
  /** The dotted fields this cell sets, in axis order, `seed` last when the sweep has seeds. */
  readonly values: Readonly<Record<string, unknown>>;
  /** The base experiment with those fields set: a config `ouro run` takes. */
  readonly config: Record<string, unknown>;
  /** Where the cell comes from: `matrix` or `include.N`. */
  readonly origin: string;
}

/** Every cell of a sweep, and its axes: the matrix axes, then fields only `include` sets, then `seed`. */
export interface SweepPlan {
  readonly axes: readonly string[];
  readonly cells: readonly SweepCell[];
}

/** True when a config has any sweep key (`matrix`, `include`, `exclude`, `seeds`). */
export function isSweepConfig(raw: Record<string, unknown>): boolean {
  return sweepKeys.some((key) => key in raw);
}

/** The base experiment of a sweep config: the config without its sweep keys. */
export function sweepBase(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !(sweepKeys as readonly string[]).includes(key)));
}

/**
 * Expands a sweep config into its cells: the cartesian product of the `matrix` axes (none: the base
 * config alone, or nothing when `include` lists cells), less the `exclude`d ones, plus the `include`d
 * cells, each run for every seed of `seeds`. Throws a one-line ConfigError naming the field.
 */
export function expandSweep(raw: Record<string, unknown>): SweepPlan {
  const parsed = sweepSchema.safeParse(Object.fromEntries(sweepKeys.filter((key) => key in raw).map((key) => [key, raw[key]])));
  if (!parsed.success) throw new ConfigError(zodErrorLine(parsed.error, raw));
  const sweep = parsed.data;
  const base = sweepBase(raw);
  const axes = Object.entries(sweep.matrix);
  for (const [path] of axes) checkPath(path, `matrix.${path}`);
  const seeds = seedList(sweep, base);
  if (seeds && 'seed' in sweep.matrix) throw new ConfigError(`matrix.seed and seeds: both set the seed; expected one of them`);
  const seedAxis: Array<[string, unknown[]]> = seeds ? [['seed', seeds]] : [];

  const fromMatrix = axes.length === 0 && sweep.include.length > 0 ? [] : product([...axes, ...seedAxis]);
  const kept = fromMatrix.filter((values) => !sweep.exclude.some((entry) => matches(values, entry)));
  sweep.exclude.forEach((entry, i) => {
    for (const key of Object.keys(entry)) {
      checkPath(key, `exclude.${i}.${key}`);
      if (key !== 'seed' && !(key in sweep.matrix)) throw new ConfigError(`exclude.${i}.${key}: not a matrix axis; expected one of ${[...Object.keys(sweep.matrix), ...(seeds ? ['seed'] : [])].join(', ') || '(no axes)'}`);
    }
    if (!fromMatrix.some((values) => matches(values, entry))) throw new ConfigError(`exclude.${i} = ${canonicalJson(entry)}: matches no cell of the matrix; expected axis values the matrix has`);
  });

  const cells: SweepCell[] = kept.map((values) => cell(base, values, 'matrix'));
  sweep.include.forEach((entry, i) => {
    for (const path of Object.keys(entry)) checkPath(path, `include.${i}.${path}`);
    const runs = 'seed' in entry || !seeds ? [entry] : seeds.map((seed) => ({ ...entry, seed }));
    for (const values of runs) cells.push(cell(base, values, `include.${i}`));
  });

  const names = new Set<string>(axes.map(([path]) => path));
  for (const { values } of cells) for (const path of Object.keys(values)) if (path !== 'seed') names.add(path);
  if (cells.some(({ values }) => 'seed' in values)) names.add('seed');
  return { axes: [...names], cells };
}

/** The seeds of `seeds: N` (from the base config's seed on) or `seeds: [..]`; null without seeds. */
function seedList(sweep: SweepConfig, base: Record<string, unknown>): number[] | null {
  if (sweep.seeds === undefined) return null;
  const list = sweep.seeds;
  if (Array.isArray(list)) {
    const repeated = list.find((seed, i) => list.indexOf(seed) !== i);
    if (repeated !== undefined) throw new ConfigError(`seeds: ${repeated} is listed twice; expected distinct seeds`);
    return list;
  }
  const first = Number.isInteger(base.seed) ? (base.seed as number) : 0;
  return Array.from({ length: list }, (_, i) => first + i);
}

/** Every combination of the axes' values, the first axis varying slowest. */
function product(axes: ReadonlyArray<readonly [string, readonly unknown[]]>): Array<Record<string, unknown>> {
  let combos: Array<Record<string, unknown>> = [{}];
  for (const [path, values] of axes) combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [path]: value })));
  return combos;
}

function matches(values: Record<string, unknown>, entry: Record<string, unknown>): boolean {
  return Object.entries(entry).every(([key, value]) => key in values && canonicalJson(values[key]) === canonicalJson(value));
}

function cell(base: Record<string, unknown>, values: Record<string, unknown>, origin: string): SweepCell {
  let config = base;
  for (const [path, value] of Object.entries(values)) config = setField(config, path.split('.'), value ?? undefined, `${origin}.${path}`);
  return { values, config, origin };
}

function checkPath(path: string, where: string): void {
  if (!/^[^.\s]+(\.[^.\s]+)*$/.test(path)) throw new ConfigError(`${where}: not a dotted config path; expected fields joined by dots, such as schedule.lambda`);
  const head = path.split('.')[0]!;
  if ((sweepKeys as readonly string[]).includes(head)) throw new ConfigError(`${where}: a sweep cannot vary its own ${head}; expected a field of the experiment`);
}

import type { CurvePoint } from './cell-groups.ts';

/** How a group's last generation lies against its generation 0, over its seeds' range. */
export interface GenerationZeroShift {
  readonly line: string;
  readonly panel: string;
  /** 'rose' / 'fell': every seed of the last generation lies above / below every seed of generation 0. */
  readonly direction: 'rose' | 'fell' | 'within' | 'one seed';
  readonly start: CurvePoint;
  readonly end: CurvePoint;
}

/**
 * Per group of seeds (one curve), generation 0's range [min, max] over seeds against the last
 * generation's: 'rose' when the two ranges are apart and the last lies above, 'fell' below,
 * 'within' when they overlap, 'one seed' when either has a single seed (no spread to compare).
 * Groups without generation 0 or without a later generation are left out.
 */
export function generationZeroShifts(points: readonly CurvePoint[]): GenerationZeroShift[] {
  const byGroup = new Map<string, CurvePoint[]>();
  for (const point of points) {
    const key = JSON.stringify([point.panel, point.line]);
    byGroup.set(key, [...(byGroup.get(key) ?? []), point]);
  }
  const shifts: GenerationZeroShift[] = [];
  for (const curve of byGroup.values()) {
    const start = curve.find((p) => p.generation === 0);
    const end = curve.reduce((a, b) => (b.generation > a.generation ? b : a));
    if (!start || end.generation === 0) continue;
    const direction = start.n < 2 || end.n < 2 ? 'one seed' : end.lo > start.hi ? 'rose' : end.hi < start.lo ? 'fell' : 'within';
    shifts.push({ line: start.line, panel: start.panel, direction, start, end });
  }
  return shifts;
}

const label = (s: GenerationZeroShift) => (s.panel ? `${s.line} | ${s.panel}` : s.line);
const range = (p: CurvePoint, format: (v: number) => string) => (p.n > 1 ? `${format(p.lo)}–${format(p.hi)}` : format(p.mean));

/** One sentence for a metric: which groups left generation 0's range, how, and which stayed in it. */
export function describeShifts(metric: string, shifts: readonly GenerationZeroShift[], format: (v: number) => string): string | null {
  if (shifts.length === 0) return null;
  const moved = shifts.filter((s) => s.direction === 'rose' || s.direction === 'fell');
  const within = shifts.filter((s) => s.direction === 'within');
  const single = shifts.filter((s) => s.direction === 'one seed');
  const parts: string[] = [];
  if (moved.length) {
    parts.push(`left generation 0's range over seeds: ${moved.map((s) => `${label(s)} ${s.direction} (${range(s.start, format)} at generation 0, ${range(s.end, format)} at ${s.end.generation})`).join('; ')}`);
  }
  if (within.length) parts.push(`${moved.length ? 'stayed within it' : "every group stayed within generation 0's range over seeds"}: ${within.map(label).join(', ')}`);
  if (single.length) parts.push(`one seed, no spread to compare: ${single.map((s) => `${label(s)} (${format(s.start.mean)} -> ${format(s.end.mean)} at ${s.end.generation})`).join('; ')}`);
  const sentences = parts.map((part, i) => (i === 0 ? part : part[0]!.toUpperCase() + part.slice(1)));
  return `${metric}: ${sentences.join('. ')}.`;
}

import type { CurvePoint, SeedPoint } from './cell-groups.ts';

/** What a chart needs besides its points. */
export interface ChartLayout {
  readonly metric: string;
  /** The legend's title: the `by` axis. */
  readonly lineTitle: string;
  /** Line labels in the order the legend lists them. */
  readonly lines: readonly string[];
  /** Panel labels (one column each); a single '' for none. */
  readonly panels: readonly string[];
}

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Each figure's plot area; every figure is drawn at one width on the page (report-page.ts). */
const PLOT = { width: 360, height: 230 };
const PANEL_PLOT = { width: 280, height: 210 };

/**
 * The Vega-Lite spec of one metric against generation, as the paper draws it: per group of seeds
 * its mean (bold line with points), each seed's own curve (thin) and the band between the smallest
 * and largest seed (never outside the values the metric took), coloured by the `by` axis, one panel
 * per combination of the other matrix axes.
 */
export function chartSpec(points: readonly CurvePoint[], seeds: readonly SeedPoint[], layout: ChartLayout): Record<string, unknown> {
  const x = { field: 'generation', type: 'quantitative', title: 'generation', axis: { tickMinStep: 1, format: 'd' } };
  const color = {
    field: 'line',
    type: 'nominal',
    title: layout.lineTitle,
    scale: { domain: layout.lines, range: layout.lines.map((_, i) => palette[i % palette.length]) },
  };
  const y = (field: string) => ({ field, type: 'quantitative', title: layout.metric, scale: { zero: false } });
  const only = (kind: string) => [{ filter: `datum.kind === '${kind}'` }];
  const layer = [
    { transform: only('summary'), mark: { type: 'area', fillOpacity: 0.15 }, encoding: { x, y: y('lo'), y2: { field: 'hi' }, color } },
    { transform: only('seed'), mark: { type: 'line', strokeWidth: 1, opacity: 0.45 }, encoding: { x, y: y('value'), color, detail: { field: 'cell' } } },
    { transform: only('summary'), mark: { type: 'line', point: { size: 24 }, strokeWidth: 2.5 }, encoding: { x, y: y('mean'), color: { ...color, legend: { symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 } } } },
  ];
  const panelled = layout.panels.length > 1 || (layout.panels.length === 1 && layout.panels[0] !== '');
  const common = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: layout.metric, subtitle: 'mean over seeds (bold), each seed (thin), band from the lowest to the highest seed', anchor: 'start' },
    data: { values: [...points.map((p) => ({ ...p, kind: 'summary' })), ...seeds.map((p) => ({ ...p, kind: 'seed' }))] },
    config: { font: 'sans-serif', view: { stroke: '#ddd' }, legend: { orient: 'right', labelLimit: 320 } },
    background: 'white',
  };
  if (!panelled) return { ...common, ...PLOT, layer };
  return {
    ...common,
    facet: { column: { field: 'panel', type: 'nominal', title: null, sort: layout.panels } },
    spec: { ...PANEL_PLOT, layer },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Renders a Vega-Lite spec to SVG without a browser (vega's headless view). */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

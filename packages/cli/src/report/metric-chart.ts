import type { CurvePoint } from './cell-groups.ts';

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

/**
 * The Vega-Lite spec of one metric against generation, as the paper draws it: one line per group
 * (mean over seeds, with points) over a band of +- one standard deviation, coloured by the `by`
 * axis, one panel per combination of the other matrix axes.
 */
export function chartSpec(points: readonly CurvePoint[], layout: ChartLayout): Record<string, unknown> {
  const x = { field: 'generation', type: 'quantitative', title: 'generation', axis: { tickMinStep: 1, format: 'd' } };
  const color = {
    field: 'line',
    type: 'nominal',
    title: layout.lineTitle,
    scale: { domain: layout.lines, range: layout.lines.map((_, i) => palette[i % palette.length]) },
  };
  const layer = [
    { mark: { type: 'area', fillOpacity: 0.18 }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: layout.metric, scale: { zero: false } }, y2: { field: 'hi' }, color } },
    { mark: { type: 'line', point: { size: 24 }, strokeWidth: 2 }, encoding: { x, y: { field: 'mean', type: 'quantitative', title: layout.metric, scale: { zero: false } }, color: { ...color, legend: { symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 } } } },
  ];
  const panelled = layout.panels.length > 1 || (layout.panels.length === 1 && layout.panels[0] !== '');
  const common = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: layout.metric, subtitle: 'mean ± 1 std over seeds', anchor: 'start' },
    data: { values: points },
    config: { font: 'sans-serif', view: { stroke: '#ddd' }, legend: { orient: 'right', labelLimit: 320 } },
    background: 'white',
  };
  if (!panelled) return { ...common, width: 380, height: 240, layer };
  return {
    ...common,
    facet: { column: { field: 'panel', type: 'nominal', title: null, sort: layout.panels } },
    spec: { width: 300, height: 220, layer },
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

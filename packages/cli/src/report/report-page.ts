import type { CellStatus } from '../sweep/sweep-file.ts';

/** One metric's figure: its SVG and a caption. */
export interface PageChart {
  readonly metric: string;
  readonly svg: string;
  readonly file: string;
}

export interface PageTable {
  readonly head: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

/** What the report page shows. */
export interface ReportPage {
  readonly title: string;
  readonly summary: readonly string[];
  /** What the curves show, one sentence a metric (generation-zero-shifts.ts). */
  readonly findings: readonly string[];
  readonly charts: readonly PageChart[];
  /** `ouro theory`'s predictions over the measured curves, and how many measured values they hold; absent without theory results. */
  readonly theory?: { readonly finding: string | null; readonly charts: readonly PageChart[] };
  readonly finals: PageTable;
  /** Rows of sample images: a label, then per generation column its preview (PNG bytes, and its path from the page) or null. */
  readonly samples: { readonly generations: readonly number[]; readonly rows: ReadonlyArray<{ readonly label: string; readonly images: ReadonlyArray<SamplePicture | null> }> };
  readonly cells: PageTable;
  readonly statuses: Partial<Record<CellStatus, number>>;
}

/** One generation's preview in the sample grid: shown inline, opened full size from `href`. */
export interface SamplePicture {
  readonly png: Uint8Array;
  readonly href: string;
}

/** What the previews show (core's sample-preview.ts draws them). */
const SAMPLES_CAPTION =
  'Each picture is one generation of one cell (click to open it full size). Image data: generated samples; at generation 0 ' +
  'the real images are on the left and the generated ones on the right. 2-D data: generated points (blue) over held-out real data (grey).';

/** Text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const style = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1400px; padding: 0 16px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 32px; border-bottom: 1px solid #ddd; }
.summary { color: #555; margin: 0; }
.findings { margin: 4px 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
figure.chart { margin: 0; border: 1px solid #eee; padding: 8px; min-width: 0; }
figure.chart svg { display: block; width: 100%; height: auto; }
figure.chart figcaption { font-size: 12px; color: #777; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f6f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.samples img { width: 220px; height: auto; display: block; image-rendering: pixelated; }
.samples caption { caption-side: top; text-align: left; color: #555; padding-bottom: 6px; max-width: 1000px; }
.samples td { padding: 2px; } .samples th.row { max-width: 220px; font-weight: normal; }
.missing { color: #bbb; text-align: center; }
.status-failed { color: #b00; } .status-finished { color: #070; }
`;

/** The report as one self-contained HTML file: inline SVG charts, PNG samples as data URIs, no script, no network. */
export function reportHtml(page: ReportPage): string {
  const table = ({ head, rows }: PageTable, numeric: (column: number) => boolean = () => false) =>
    `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
      .map((row) => `<tr>${row.map((cell, i) => `<td${numeric(i) ? ' class="num"' : cellClass(cell)}>${escapeHtml(cell)}</td>`).join('')}</tr>`)
      .join('\n')}</tbody></table>`;
  const figures = (charts: readonly PageChart[]) =>
    charts
      .map((c) => `<figure class="chart" data-metric="${escapeHtml(c.metric)}">${c.svg}<figcaption>${escapeHtml(c.metric)} against generation (also ${escapeHtml(c.file)})</figcaption></figure>`)
      .join('\n');
  const charts = figures(page.charts);
  const theory = page.theory?.charts.length
    ? `<h2>Theory vs measurement</h2>\n${page.theory.finding ? `<p class="findings">${escapeHtml(page.theory.finding)}</p>\n` : ''}<div class="charts">\n${figures(page.theory.charts)}\n</div>\n`
    : '';
  const sampleRows = page.samples.rows
    .map(
      (row) =>
        `<tr><th class="row">${escapeHtml(row.label)}</th>${row.images
          .map((picture, i) => (picture ? `<td>${samplePicture(picture, `${row.label}, generation ${page.samples.generations[i]}`)}</td>` : '<td class="missing">–</td>'))
          .join('')}</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${style}</style>
</head>
<body>
<h1>${escapeHtml(page.title)}</h1>
${page.summary.map((line) => `<p class="summary">${escapeHtml(line)}</p>`).join('\n')}
<h2>What this shows</h2>
${page.findings.length ? page.findings.map((line) => `<p class="findings">${escapeHtml(line)}</p>`).join('\n') : '<p class="findings">No group has generation 0 and a later one yet.</p>'}
<h2>Metrics against generation</h2>
<div class="charts">
${charts || '<p>No cell has committed a generation yet.</p>'}
</div>
${theory}<h2>Final values</h2>
${table(page.finals, (i) => i >= 3)}
<h2>Samples per generation</h2>
<table class="samples"><caption>${escapeHtml(SAMPLES_CAPTION)}</caption><thead><tr><th>cell</th>${page.samples.generations.map((g) => `<th>gen ${g}</th>`).join('')}</tr></thead><tbody>
${sampleRows}
</tbody></table>
<h2>Cells</h2>
${table(page.cells)}
</body>
</html>
`;
}

function samplePicture({ png, href }: SamplePicture, title: string): string {
  const alt = escapeHtml(`${title}: samples`);
  return `<a href="${escapeHtml(encodeURI(href))}" title="${alt}"><img alt="${alt}" src="data:image/png;base64,${Buffer.from(png).toString('base64')}"></a>`;
}

function cellClass(text: string): string {
  return text === 'failed' || text === 'finished' ? ` class="status-${text}"` : '';
}

import { describe, expect, it } from 'vitest';
import { reportHtml, type ReportPage } from './report-page.ts';

const page = (theory?: ReportPage['theory']): ReportPage => ({
  title: 'Sweep s',
  summary: ['2 cells'],
  findings: ['fd: every group stayed within generation 0\'s range over seeds: 1.'],
  charts: [{ metric: 'fd', svg: '<svg id="fd"></svg>', file: 'report/fd.svg' }],
  ...(theory ? { theory } : {}),
  finals: { head: ['cell'], rows: [] },
  samples: { generations: [], rows: [] },
  cells: { head: ['cell'], rows: [] },
  statuses: {},
});

describe('the report page', () => {
  it('gives the theory its own section after the metrics: the predictions drawn over the measured curves, and how many measured values they hold', () => {
    const finding = 'Theory vs measurement (1 Gaussian cells with theory.json): 5 of 6 measured values lie inside the predicted 5%-95% band.';
    const html = reportHtml(page({ finding, charts: [{ metric: 'theory: tr Sigma_t', svg: '<svg id="trace"></svg>', file: 'report/theory__tr_Sigma_t.svg' }] }));
    const [metrics, theory, finals] = ['<h2>Metrics against generation</h2>', '<h2>Theory vs measurement</h2>', '<h2>Final values</h2>'].map((h) => html.indexOf(h));
    expect(metrics).toBeGreaterThan(0);
    expect(theory).toBeGreaterThan(metrics);
    expect(finals).toBeGreaterThan(theory);
    const section = html.slice(theory, finals);
    expect(section).toContain(finding);
    expect(section).toContain('<svg id="trace"></svg>');
    expect(html.slice(metrics, theory)).not.toContain('<svg id="trace">');
  });

  it('has no theory section without theory results', () => {
    expect(reportHtml(page())).not.toContain('Theory vs measurement');
  });
});

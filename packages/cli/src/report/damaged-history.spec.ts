import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@ouroboros/core/testing';
import { ouro, tinyGaussianYaml } from '../testing/run-ouro.ts';
import { planSweep, prepareSweepDir, writePlan } from '../sweep/plan-sweep.ts';

const tmp = tempDir('ouroboros-report-damaged-');
afterAll(() => tmp.cleanup());

describe('ouro report with a damaged cell', () => {
  it('names the file and line of a truncated history.jsonl, shows that cell up to it, and still writes the whole report', async () => {
    const config = join(tmp.dir, 'pair.yaml');
    writeFileSync(config, `${tinyGaussianYaml('pair')}matrix:\n  schedule.lambda: [0, 1]\n`);
    const out = join(tmp.dir, 'pair');
    const sweep = writePlan(out, await planSweep(config, []), prepareSweepDir(out, 'pair'));
    for (const cell of sweep.cells) expect((await ouro('run', '--sweep', out, '--cell', String(cell.index))).code).toBe(0);

    // Cell 1's history.jsonl cut inside its third row, as a copy interrupted part way leaves it.
    const history = join(out, sweep.cells[1]!.id, 'history.jsonl');
    const lines = readFileSync(history, 'utf8').split('\n');
    truncateSync(history, lines[0]!.length + lines[1]!.length + 2 + 20);

    const report = await ouro('report', out);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toBe(`${join(out, 'report.html')}\n`);
    const problem = `cell 1 (${sweep.cells[1]!.id}): ${history}: line 3 is not JSON (`;
    expect(report.stderr).toMatch(new RegExp(`^note: ${escape(problem)}.*\\); the report shows the 2 rows before it\\n$`));
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain(`${history}: line 3 is not JSON`);
    // Both cells are in the figures: cell 0 with its 4 generations, cell 1 with the 2 rows it kept.
    expect(html).toMatch(/<td>4\/4<\/td>[\s\S]*<td>2\/4<\/td>/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

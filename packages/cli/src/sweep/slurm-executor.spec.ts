import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '@ouroboros/core/testing';
import { slurmExecutor } from './slurm-executor.ts';
import type { SweepFile } from './sweep-file.ts';
import { sweepReport } from './sweep-status.ts';

const tmp = tempDir('ouroboros-slurm-view-');
afterAll(() => tmp.cleanup());

/** squeue and scontrol stand-ins on PATH answering for array job 77: task 0 running, 1 pending, 2 failed (exit 137). */
function fakeSlurm(): string {
  const bin = join(tmp.dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const script = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  script('squeue', `case "$*" in *-r*) printf '0|RUNNING|None\\n1|PENDING|Priority\\n2|FAILED|None\\n' ;; esac`);
  script('scontrol', `printf 'JobId=79 ArrayJobId=77 ArrayTaskId=2 JobState=FAILED ExitCode=137:0\\n'`);
  return bin;
}

describe('the SLURM executor\'s view of a sweep', () => {
  it('shows a task still queued as queued, a running one as running, and one that died before ouro wrote its summary as failed, naming the task', () => {
    const sweep = {
      name: 'grid',
      cells: [0, 1, 2].map((index) => ({ index, id: `cell${index}`, values: { seed: index }, origin: 'matrix', config: `cells/cell${index}.json`, status: 'queued' })),
      slurm: [{ jobId: '77', array: '0-2', script: 'slurm/array.sbatch', submittedAt: '2026-12-07T00:00:00Z' }],
    } as unknown as SweepFile;
    const path = process.env.PATH;
    process.env.PATH = `${fakeSlurm()}:${path}`;
    try {
      const view = slurmExecutor.view(tmp.dir, sweep)!;
      expect(view.headline).toBe('SLURM job 77');
      const report = sweepReport(tmp.dir, sweep, [view]);
      expect(report.cells.map((c) => c.status)).toEqual(['running', 'queued', 'failed']);
      expect(report.cells[2]!.error).toBe('SLURM task 77_2 FAILED, exit code 137:0, before ouro could write its summary; see slurm/77_2.out');
      expect(report.cells[1]!.slurm).toMatchObject({ state: 'PENDING', reason: 'Priority', jobId: '77' });
      expect(report.columns).toEqual([{ key: 'slurm', cells: ['RUNNING', 'PENDING', 'FAILED 137:0'] }]);
      expect(sweep.cells.map((c) => c.status)).toEqual(['running', 'queued', 'failed']);
    } finally {
      process.env.PATH = path;
    }
  });

  it('says so when squeue is not installed here', () => {
    const sweep = { name: 'grid', cells: [], slurm: [{ jobId: '78', array: '0', script: 'slurm/array.sbatch', submittedAt: '' }] } as unknown as SweepFile;
    const path = process.env.PATH;
    process.env.PATH = join(tmp.dir, 'empty');
    try {
      const view = slurmExecutor.view(tmp.dir, sweep)!;
      expect(view.headline).toBe('SLURM job 78: squeue is not installed here, so queued tasks show as pending');
      expect(view.json).toEqual({ slurmJob: '78', slurmKnown: false });
    } finally {
      process.env.PATH = path;
    }
  });
});

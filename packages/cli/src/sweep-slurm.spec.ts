import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readHistory, tempDir, withoutSeconds } from '@ouroboros/core/testing';
import { ouro, tinyGaussianYaml } from './testing/run-ouro.ts';
import { arrayScript, arraySpec } from './sweep/slurm-script.ts';
import { arrayIndices } from './sweep/slurm-queue.ts';
import type { SweepFile } from './sweep/sweep-file.ts';

const tmp = tempDir('ouroboros-slurm-test-');
afterAll(() => tmp.cleanup());


describe('the SLURM array script', () => {
  it('runs task K as cell K with absolute paths, asks for the resources given, and compresses the cells into ranges', () => {
    expect(arraySpec([0, 1, 2, 3, 5, 7, 8, 9])).toBe('0-3,5,7-9');
    expect(arraySpec([4], 2)).toBe('4%2');
    expect(arrayIndices('0-3,5,7-9%2')).toEqual([0, 1, 2, 3, 5, 7, 8, 9]);
    const sweep = { name: 'grid', cells: Array(12) } as unknown as SweepFile;
    const script = arrayScript('/shared/runs/grid', sweep, [0, 1, 2, 5], { cpus: 2, gpus: 1, partition: 'gpu', time: '4:00:00', mem: '16G', extra: ['--account=lab'], parallel: 3 }, { node: '/opt/node/bin/node', bin: '/opt/ouro/bin/ouro.js' });
    expect(script.split('\n').filter((line) => line.startsWith('#SBATCH'))).toEqual([
      '#SBATCH --job-name=ouro-grid',
      '#SBATCH --array=0-2,5%3',
      '#SBATCH --output=/shared/runs/grid/slurm/%A_%a.out',
      '#SBATCH --cpus-per-task=2',
      '#SBATCH --partition=gpu',
      '#SBATCH --time=4:00:00',
      '#SBATCH --gres=gpu:1',
      '#SBATCH --mem=16G',
      '#SBATCH --account=lab',
    ]);
    expect(script.trim().split('\n').at(-1)).toBe('exec /opt/node/bin/node /opt/ouro/bin/ouro.js run --sweep /shared/runs/grid --cell "$SLURM_ARRAY_TASK_ID"');
    expect(() => arrayScript('/my runs/grid', sweep, [0], { cpus: 1, extra: [] }, { node: '/n', bin: '/b' })).toThrow(/the sweep folder "\/my runs\/grid" has whitespace/);
  });

  it('gives each task the CPUs SLURM allotted it as threads, or the sweep\'s --threads (asking for as many CPUs)', async () => {
    const sweep = { name: 'grid', cells: Array(2) } as unknown as SweepFile;
    const paths = { node: '/n', bin: '/b' };
    const script = arrayScript('/runs/grid', sweep, [0, 1], { cpus: 2, extra: [] }, paths).trim().split('\n');
    expect(script.slice(-2)).toEqual(['export OURO_THREADS="${SLURM_CPUS_PER_TASK:-1}"', 'exec /n /b run --sweep /runs/grid --cell "$SLURM_ARRAY_TASK_ID"']);
    expect(arrayScript('/runs/grid', sweep, [0], { cpus: 4, threads: 4, extra: [] }, paths).trim().split('\n').at(-1)).toBe('exec /n /b run --sweep /runs/grid --cell "$SLURM_ARRAY_TASK_ID" --threads 4');

    const config = join(tmp.dir, 'threads-sweep.yaml');
    writeFileSync(config, `${tinyGaussianYaml('threads-sweep')}matrix:\n  schedule.lambda: [0, 1]\n`);
    const out = join(tmp.dir, 'threads-sweep');
    const written = await ouro('sweep', config, '--out', out, '--executor', 'slurm', '--no-submit', '--threads', '3');
    expect(written.code, written.stderr).toBe(0);
    const text = readFileSync(join(out, 'slurm', 'array.sbatch'), 'utf8');
    expect(text).toMatch(/^#SBATCH --cpus-per-task=3$/m);
    expect(text).toMatch(/ --threads 3\n$/);
    expect((await ouro('sweep', config, '--out', out, '--executor', 'slurm', '--no-submit', '--threads', '0')).stderr).toMatch(/^ouro: --threads 0: expected a whole number >= 1\n/);
  });
});

/** A SLURM cluster this machine can submit to (CI starts one with tools/slurm/start-cluster.sh). */
function slurmCluster(): string | null {
  const result = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 10_000 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return 'sinfo is not installed (tools/slurm/start-cluster.sh installs and starts a one-node cluster)';
  if (result.error) return `sinfo did not answer (${result.error.message}; ${result.stderr.trim().split('\n')[0]})`;
  if (result.status !== 0) return `sinfo failed: ${result.stderr.trim().split('\n')[0]} (tools/slurm/start-cluster.sh starts a one-node cluster)`;
  return /^(idle|mixed|allocated)/m.test(result.stdout) ? null : `no node is up (sinfo: ${result.stdout.trim() || 'nothing'})`;
}

const unavailable = slurmCluster();
if (unavailable) console.warn(`sweep-slurm.spec: SKIPPED the SLURM executor test: ${unavailable}`);

describe('ouro sweep --executor slurm on a real cluster', () => {
  it.skipIf(unavailable !== null)(`submits the cells as one array job whose results equal the local executor's${unavailable ? ` (SKIPPED: ${unavailable})` : ''}`, async () => {
    const config = join(tmp.dir, 'slurm-sweep.yaml');
    writeFileSync(
      config,
      `${tinyGaussianYaml('slurm-sweep')}trackers: [ { id: console } ]
matrix:
  schedule.lambda: [0, 1]
include:
  - { schedule: { id: fully-synthetic } }
`,
    );
    const onSlurm = join(tmp.dir, 'on-slurm');
    const submitted = await ouro('sweep', config, '--out', onSlurm, '--executor', 'slurm', '--jobs', '2', '--time', '10:00', '--mem', '1G', '--sbatch=--comment=ouroboros-test');
    expect(submitted.code, submitted.stderr).toBe(0);
    const jobId = submitted.stdout.trim();
    expect(jobId).toMatch(/^\d+$/);
    const script = readFileSync(join(onSlurm, 'slurm', 'array.sbatch'), 'utf8');
    expect(script).toMatch(/^#SBATCH --array=0-2%2$/m);
    expect(script).toMatch(/^#SBATCH --comment=ouroboros-test$/m);
    try {
      // Meanwhile, the same sweep on the local executor.
      const local = join(tmp.dir, 'local');
      const here = await ouro('sweep', config, '--out', local, '--jobs', '2');
      expect(here.code, here.stderr).toBe(0);

      type Status = { counts: Record<string, number>; cells: Array<{ id: string; status: string; slurm?: { state: string; exitCode?: string } }> };
      let status: Status | undefined;
      const deadline = Date.now() + 150_000;
      while (Date.now() < deadline) {
        status = JSON.parse((await ouro('sweep', 'status', onSlurm, '--json')).stdout) as Status;
        // A task's run folder says finished a moment before SLURM records the task as ended (the
        // process still exits, the epilogue runs): wait for both.
        const ended = (c: Status['cells'][number]) => !c.slurm || !['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING'].includes(c.slurm.state);
        if (status.cells.every((c) => (c.status === 'finished' || c.status === 'failed') && ended(c))) break;
        await new Promise((done) => setTimeout(done, 1000));
      }
      expect(status!.counts, JSON.stringify(status)).toEqual({ finished: 3 });
      for (const cell of status!.cells) {
        expect(cell.slurm).toMatchObject({ state: 'COMPLETED', exitCode: '0:0' });
        expect(withoutSeconds(readHistory(join(onSlurm, cell.id)))).toEqual(withoutSeconds(readHistory(join(local, cell.id))));
      }
      const sweep = JSON.parse(readFileSync(join(onSlurm, 'sweep.json'), 'utf8')) as SweepFile;
      expect(sweep.slurm.map((s) => [s.jobId, s.array])).toEqual([[jobId, '0-2%2']]);
      expect(sweep.cells.map((c) => c.status)).toEqual(['finished', 'finished', 'finished']);
      for (const cell of sweep.cells) expect(JSON.parse(readFileSync(join(onSlurm, 'slurm', 'tasks', `${jobId}_${cell.index}.json`), 'utf8'))).toMatchObject({ cell: cell.id, taskId: cell.index });
      expect(readFileSync(join(onSlurm, 'slurm', `${jobId}_1.out`), 'utf8')).toMatch(/gen 3\/3 trace_ratio=/);

      const again = await ouro('sweep', config, '--out', onSlurm, '--executor', 'slurm');
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/all 3 cells are finished; nothing to submit/);
      expect(existsSync(join(onSlurm, 'report.html'))).toBe(false);
      expect((await ouro('report', onSlurm)).code).toBe(0);
    } finally {
      spawnSync('scancel', [jobId]);
    }
  });
});

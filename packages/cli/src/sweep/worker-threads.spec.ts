import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@ouroboros/core/testing';
import { Capture } from '../testing/run-ouro.ts';
import { runLocally } from './local-executor.ts';
import type { SweepFile } from './sweep-file.ts';
import { localWorkerThreads } from './worker-threads.ts';

const tmp = tempDir('ouroboros-worker-threads-test-');
afterAll(() => tmp.cleanup());

/** A stand-in for the ouro bin: records the arguments and OURO_THREADS each worker was started with. */
function recordingBin(): { bin: string; calls: () => Array<{ args: string[]; threads: string | null }> } {
  const log = join(tmp.dir, `calls-${Math.random().toString(36).slice(2)}.jsonl`);
  const bin = join(tmp.dir, `bin-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(bin, `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args: process.argv.slice(2), threads: process.env.OURO_THREADS ?? null }) + '\\n');
`);
  const calls = () => readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { args: string[]; threads: string | null });
  return { bin, calls };
}

function sweepOf(cells: number): SweepFile {
  return {
    format: 'ouroboros.sweep',
    version: 1,
    name: 'threads',
    source: join(tmp.dir, 'sweep.yaml'),
    sets: [],
    plannedAt: new Date(0).toISOString(),
    axes: ['seed'],
    cells: Array.from({ length: cells }, (_, index) => ({ index, id: `cell${index}`, values: { seed: index }, origin: 'matrix', config: `cells/cell${index}.json`, status: 'pending' as const })),
    slurm: [],
  };
}

describe('threads of local sweep workers', () => {
  it('divides the cores among the workers (at least one each), or passes --threads on', () => {
    expect(localWorkerThreads(undefined, 2, 8)).toEqual({ args: [], env: { OURO_THREADS: '4' } });
    expect(localWorkerThreads(undefined, 3, 8)).toEqual({ args: [], env: { OURO_THREADS: '2' } });
    expect(localWorkerThreads(undefined, 4, 2)).toEqual({ args: [], env: { OURO_THREADS: '1' } });
    expect(localWorkerThreads(3, 4, 2)).toEqual({ args: ['--threads', '3'], env: {} });
  });

  it('starts each worker with OURO_THREADS = floor(cores / jobs)', async () => {
    const { bin, calls } = recordingBin();
    const dir = join(tmp.dir, 'divided');
    mkdirSync(dir);
    const result = await runLocally(dir, sweepOf(4), { jobs: 2, cores: 9, bin, stderr: new Capture() as unknown as NodeJS.WritableStream });
    expect(result.failed).toEqual([]);
    const started = calls();
    expect(started).toHaveLength(4);
    for (const call of started) {
      expect(call.threads).toBe('4');
      expect(call.args).toEqual(['run', '--sweep', dir, '--cell', call.args[4]!]);
    }
  });

  it('starts each worker with the sweep\'s --threads as its own --threads', async () => {
    const { bin, calls } = recordingBin();
    const dir = join(tmp.dir, 'given');
    mkdirSync(dir);
    await runLocally(dir, sweepOf(2), { jobs: 2, cores: 16, threads: 3, bin, stderr: new Capture() as unknown as NodeJS.WritableStream });
    for (const call of calls()) expect(call.args.slice(-2)).toEqual(['--threads', '3']);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@ouroboros/core/testing';
import { runLocally } from './local-executor.ts';
import type { SweepFile } from './sweep-file.ts';
import { Capture } from '../testing/run-ouro.ts';

const tmp = tempDir('ouroboros-local-executor-');
afterAll(() => tmp.cleanup());

/** A stand-in for `ouro run --sweep DIR --cell K`: says it started, then waits for a signal and exits 143. */
const waitingWorker = `const { appendFileSync } = require('node:fs');
const cell = process.argv[process.argv.indexOf('--cell') + 1];
process.on('SIGTERM', () => process.exit(143));
appendFileSync(process.env.STARTED_FILE, cell + '\\n');
setInterval(() => {}, 1000);
`;

function sweepOf(cells: number): SweepFile {
  return {
    format: 'ouroboros.sweep',
    version: 1,
    name: 'waiting',
    source: '/dev/null',
    sets: [],
    plannedAt: '2026-12-06T00:00:00Z',
    axes: ['seed'],
    cells: Array.from({ length: cells }, (_, index) => ({ index, id: `cell${index}`, values: { seed: index }, origin: 'matrix', config: `cells/cell${index}.json`, status: 'pending' as const })),
    slurm: [],
  };
}

describe('a stopped local sweep', () => {
  it('counts every cell it did not start as not started', async () => {
    const bin = join(tmp.dir, 'worker.cjs');
    const started = join(tmp.dir, 'started.txt');
    writeFileSync(bin, waitingWorker);
    process.env.STARTED_FILE = started;
    const stderr = new Capture();
    const dir = join(tmp.dir, 'sweep');
    mkdirSync(dir);
    const running = runLocally(dir, sweepOf(8), { jobs: 2, bin, stderr: stderr as unknown as NodeJS.WritableStream });
    while (!existsSync(started) || readFileSync(started, 'utf8').trim().split('\n').length < 2) await new Promise((done) => setTimeout(done, 20));
    process.emit('SIGTERM', 'SIGTERM');
    const result = await running;
    delete process.env.STARTED_FILE;
    expect(result.stoppedBy).toBe('SIGTERM');
    expect(result.interrupted).toHaveLength(2);
    expect(result.notStarted).toBe(6);
    expect(readFileSync(started, 'utf8').trim().split('\n')).toHaveLength(2);
  });
});

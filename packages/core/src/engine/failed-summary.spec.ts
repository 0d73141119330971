import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../config/load-config.ts';
import { cpuTensorBackend, diagonalGaussianModelPlugin, engineScope, normalDatasetPlugin, RecordingTracker, tempDir } from '../testing/index.ts';

const { registry, engine } = engineScope({ plugins: { model: [diagonalGaussianModelPlugin], dataset: [normalDatasetPlugin] }, backend: cpuTensorBackend });
const root = tempDir('ouroboros-summary-');
afterAll(() => root.cleanup());

const config = resolveConfig(
  {
    name: 'summary',
    seed: 2,
    generations: 1,
    dataset: { id: 'test-normal', dim: 2, train: 30, test: 30 },
    model: { id: 'test-diagonal-gaussian' },
    schedule: { id: 'fully-synthetic' },
    metrics: [],
    trackers: [],
  },
  registry,
);

describe('summary.json is a run file like the others', () => {
  it('a full disk while it is written fails the run (exit 1 to the trackers, an error naming it), keeps every generation and releases the lock', async () => {
    const dir = join(root.dir, 'full');
    const recorder = new RecordingTracker();
    // summary.json is written through summary.json.tmp-<pid>; pointing that at /dev/full makes its write fail with ENOSPC.
    recorder.log = (_row, generation) => {
      if (generation === 1) symlinkSync('/dev/full', join(dir, `summary.json.tmp-${process.pid}`));
    };
    const outcome = await engine.run(config, dir, { extraTrackers: [recorder] }).then(
      () => 'no error',
      (error: Error) => error.message,
    );
    expect(outcome).toBe(`${join(dir, 'summary.json')}: cannot write (ENOSPC): ENOSPC: no space left on device, write`);
    expect(recorder.exitCode).toBe(1);
    expect(readdirSync(dir).filter((name) => /^gen-\d+$/.test(name))).toEqual(['gen-000', 'gen-001']);
    expect(readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});

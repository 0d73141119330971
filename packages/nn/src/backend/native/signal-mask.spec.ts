import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeSkipReason } from './testing/native-libraries.ts';

const storm = join(import.meta.dirname, 'testing', 'signal-storm.ts');
// under another dynamic loader (tools/native/with-onednn3.sh) execPath is the loader, not node
const nodeBinary = /node[^/]*$/.test(process.execPath);

describe.skipIf(nativeSkipReason !== null || !nodeBinary)('native kernels under signals', () => {
  // oneDNN's JIT kernels corrupt the C heap when a signal lands inside them ("corrupted size vs.
  // prev_size", every run here before the mask); a sampling profiler sends thousands
  it.each([1, 2])('survive a profiler sampling every 100 µs at %i thread(s)', (threads) => {
    const profiles = mkdtempSync(join(tmpdir(), 'ouro-cpu-prof-'));
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', profiles, storm, String(threads)], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(`${result.stderr}`.trim().split('\n').slice(-3).join('\n')).not.toMatch(/corrupt|double free|invalid pointer/);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('survived');
  });
});

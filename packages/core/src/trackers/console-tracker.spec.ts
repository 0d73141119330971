import { describe, expect, it } from 'vitest';
import { ConsoleTracker, formatDuration, formatRow } from './console-tracker.ts';

class Sink {
  text = '';
  write(chunk: string) {
    this.text += chunk;
  }
}

const run = { runId: 'abc', name: 'demo', dir: 'runs/demo', createdAt: '2026-12-01T10:00:00.000Z', config: {}, generations: 2, startGeneration: 0, backend: 'wasm' };

describe('ConsoleTracker', () => {
  it('writes one plain line per generation, with no control characters, when not on a TTY', async () => {
    const out = new Sink();
    const tracker = new ConsoleTracker(out, false);
    await tracker.start(run);
    tracker.progress(0, 'fit', 0.5, 'step 5/10');
    tracker.log({ generation: 0, fd: 0.012345, seconds: 1.5 }, 0);
    await tracker.finish(0);
    const lines = out.text.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^gen 0\/2 fd=0\.01235 \(1\.5s, ETA \d/);
    expect(out.text).not.toMatch(/[\r\x1b]/);
  });

  it('off a TTY, prints a plain progress line at most every progressEvery seconds, so a long generation is not silent', async () => {
    const out = new Sink();
    let clock = 0;
    const tracker = new ConsoleTracker(out, false, 60, () => clock);
    await tracker.start(run);
    const steps = [10, 59_000, 61_000, 90_000, 122_000].map((t, i) => {
      clock = t;
      tracker.progress(0, 'fit', (i + 1) / 10, `step ${i + 1}/10`);
      return out.text.trim().split('\n').length;
    });
    // start line only, until a minute has passed; then one line, and the next a minute after it
    expect(steps).toEqual([1, 1, 2, 2, 3]);
    expect(out.text.trim().split('\n').slice(1)).toEqual(['gen 0/2 fit 30% step 3/10', 'gen 0/2 fit 50% step 5/10']);
    expect(out.text).not.toMatch(/[\r\x1b]/);
  });

  it('redraws a live progress line with a bar and ETA on a TTY', async () => {
    const out = new Sink();
    const tracker = new ConsoleTracker(out, true);
    await tracker.start(run);
    tracker.log({ generation: 0, fd: 1, seconds: 1 }, 0);
    tracker.progress(1, 'sample', 0.5, '1000/2000 samples');
    expect(out.text).toMatch(/\r\x1b\[2Kgen 1\/2 \[#{10}\.{10}\] sample 1000\/2000 samples ETA /);
    tracker.note('nll skipped');
    expect(out.text.endsWith('\r\x1b[2Knote: nll skipped\n')).toBe(true);
  });

  it('formats durations and rows for people', () => {
    expect(formatDuration(3.21)).toBe('3.2s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3 * 3600 + 120)).toBe('3h02m');
  });

  it('carries a rounded-up unit into the next one: never 60 seconds or 60 minutes in a field', () => {
    expect(formatDuration(9.96)).toBe('10s');
    expect(formatDuration(59.6)).toBe('1m00s');
    expect(formatDuration(299.6)).toBe('5m00s');
    expect(formatDuration(3599.7)).toBe('1h00m');
    expect(formatDuration(2 * 3600 - 20)).toBe('2h00m');
    expect(formatRow({ generation: 3, fd: 0.5, precision: 1, seconds: 2 })).toBe('fd=0.5000 precision=1');
  });
});

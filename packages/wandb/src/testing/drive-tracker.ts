import { encodePng, type RunInfo, type Tracker } from '@ouroboros/core';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { abortableSleep, defaultRetryPolicy, type RetryPolicy } from '../retry.ts';

/** The RunInfo the engine would give a run in `dir`. */
export function runInfo(dir: string, overrides: Partial<RunInfo> = {}): RunInfo {
  return {
    runId: '3f9c2a71be',
    name: 'collapse',
    dir,
    createdAt: '2026-12-01T10:00:00.000Z',
    config: { name: 'collapse', seed: 1, generations: 3, schedule: { id: 'constant-lambda', lambda: 0.5 }, model: { id: 'gaussian' } },
    generations: 3,
    startGeneration: 0,
    backend: 'cpu',
    ...overrides,
  };
}

/** A real little PNG that differs per generation. */
export function samplePng(generation: number): Uint8Array {
  const pixels = new Uint8Array(4 * 3 * 3).map((_, i) => (i * 17 + generation * 40) % 256);
  return encodePng({ width: 4, height: 3, pixels });
}

/** The training loss the driver reports at step s of generation g. */
export function driverLoss(generation: number, step: number): number {
  return 1 / (1 + step + 0.5 * generation);
}

/**
 * Calls a tracker as the engine does for generations `from..to`: `steps` training steps each
 * (`loss`), then the generation's row and its samples.png in the same tick. `between` runs after
 * each generation (to change the server's behaviour mid-run). Starts the tracker unless told not to.
 */
export async function driveGenerations(
  tracker: Tracker,
  run: RunInfo,
  options: { from?: number; to?: number; steps?: number; start?: boolean; firstStep?: number; between?: (generation: number) => Promise<void> | void } = {},
): Promise<void> {
  const from = options.from ?? run.startGeneration;
  const to = options.to ?? run.generations;
  if (options.start ?? true) await tracker.start({ ...run, startGeneration: from });
  for (let g = from; g <= to; g++) {
    for (let s = g === from ? (options.firstStep ?? 0) : 0; s < (options.steps ?? 0); s++) tracker.logSteps?.(g, s, { loss: driverLoss(g, s) });
    tracker.log({ generation: g, fd: 0.1 * g + 0.05, precision: 1 - 0.1 * g, seconds: 1.5 }, g);
    tracker.logImage('samples', samplePng(g), g);
    await new Promise((resolve) => setImmediate(resolve));
    await options.between?.(g);
  }
}

/** Waits until `condition` holds, polling every 10 ms, at most `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** W&B's retry policy in miniature: the waits asked for are recorded, the real sleeps last at most 20 ms. */
export function fastRetry(waits: number[] = [], maxAttempts = Infinity): RetryPolicy {
  return {
    ...defaultRetryPolicy,
    maxAttempts,
    sleep: (ms, signal) => {
      waits.push(ms);
      return abortableSleep(Math.min(ms, 20), signal);
    },
  };
}

/** Every file under `root` (recursively) whose bytes contain one of `needles`. */
export function filesContaining(root: string, needles: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const bytes = readFileSync(path);
        if (needles.some((needle) => bytes.includes(needle))) found.push(path);
      }
    }
  };
  walk(root);
  return found;
}

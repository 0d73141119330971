import { existsSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../config/config-error.ts';
import type { DataInfo } from '../contracts/dataset.ts';
import { sampleSize } from '../store/sample-store.ts';

/** What a run stores at the least: its real splits once, and `sampleCount` samples for each of generations 0..G. */
export interface DiskPlan {
  readonly data: DataInfo;
  readonly sampleCount: number;
  readonly generations: number;
}

/** Bytes of `count` samples as stored: values in the storage dtype, and an int32 label each for labelled data. */
export function storedBytes(data: DataInfo, count: number): number {
  const valueBytes = data.dtype === 'float32' ? 4 : 1;
  return count * (sampleSize(data) * valueBytes + (data.classes ? 4 : 0));
}

/** Bytes the run's samples take on disk at the least: real splits + (G + 1) generations of samples. */
export function plannedBytes(plan: DiskPlan): number {
  const { data } = plan;
  return storedBytes(data, data.trainCount + data.testCount) + (plan.generations + 1) * storedBytes(data, plan.sampleCount);
}

/**
 * Refuses, before anything is written, a run whose samples alone cannot fit on the disk that holds
 * `runDir` (a `sampling.count` or split of 1e9, say), naming what it would take.
 */
export function checkDiskRoom(plan: DiskPlan, runDir: string): void {
  const needed = plannedBytes(plan);
  const free = freeBytes(runDir);
  if (free === null || needed <= free) return;
  const perGeneration = storedBytes(plan.data, plan.sampleCount);
  throw new ConfigError(
    `${runDir}: the run would store at least ${formatBytes(needed)} (real splits of ${plan.data.trainCount} + ${plan.data.testCount} samples, then ${formatBytes(perGeneration)} for each of ${plan.generations + 1} generations of sampling.count = ${plan.sampleCount} samples), but ${formatBytes(free)} is free there; expected a run that fits: lower sampling.count, the dataset's split sizes or generations`,
  );
}

/** Free bytes on the filesystem of `path` (its nearest existing folder), or null when unknown or not a disk. */
function freeBytes(path: string): number | null {
  let at = resolve(path);
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  try {
    const stats = statfsSync(at);
    // A kernel filesystem (/proc, /sys) has no blocks at all: not a disk, refused when the folder is made.
    return stats.blocks === 0 ? null : stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

import * as tf from '@tensorflow/tfjs';
import { NATIVE_HINT, type BackendChoice } from '@ouroboros/nn';
import type { BackendName } from '@ouroboros/core';
import type { ReportLine } from './report-lines.ts';

/** What tfjs-node 4.22 needs: its install downloads libtensorflow (tfjs-node's scripts/deps-constants.js). */
const NODE_NEEDS = "@tensorflow/tfjs-node 4.22.0, installed with internet access (its install downloads libtensorflow 2.9.1)";

/** What tfjs-node-gpu 4.22 needs (tfjs-node's README: TensorFlow 2.9's CUDA and cuDNN). */
const NODE_GPU_NEEDS =
  '@tensorflow/tfjs-node-gpu 4.22.0, installed with internet access (its install downloads libtensorflow 2.9.1 for GPU), CUDA 11.2 and cuDNN 8.1 on the library path, an NVIDIA driver >= 450';

/** What each backend that may be missing needs, for the line under the reason. */
const needs: Partial<Record<BackendName, ReportLine>> = {
  'node-gpu': ['needs', NODE_GPU_NEEDS],
  node: ['needs', NODE_NEEDS],
  native: ['hint', NATIVE_HINT],
};

/** Why the backend asked for did not load (selectBackend's reason, without its prefix). */
export function whyNotLoaded(name: BackendName, error: unknown): string {
  const message = String(error instanceof Error ? error.message : error).split('\n')[0]!;
  const reasons = new RegExp(`^backend ${name}: none could be loaded \\(${name}: (.*)\\)$`).exec(message);
  return reasons ? reasons[1]! : message;
}

/** The backend asked for that could not be loaded: why, and what it needs. */
export function unloadedBackendLines(name: BackendName, reason: string): ReportLine[] {
  const need = needs[name];
  return [['backend', `${name} could not be loaded: ${reason}`], ...(need ? [need] : [])];
}

/** For node-gpu: whether libtensorflow found a CUDA device (without one it quietly runs on the CPU). */
export function gpuDeviceLines(choice: BackendChoice): ReportLine[] {
  if (choice.name !== 'node-gpu') return [];
  const usingGpu = (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
  return [['gpu', usingGpu ? 'libtensorflow computes on a CUDA device' : `none found: libtensorflow computes on the CPU; it needs ${NODE_GPU_NEEDS}`]];
}

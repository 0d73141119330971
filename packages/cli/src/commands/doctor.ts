import * as tf from '@tensorflow/tfjs';
import { backendName } from '../backend-option.ts';
import type { CommandRun } from '../commands.ts';
import { backendThreads, selectBackend } from '@ouroboros/nn';
import { availableParallelism, cpus } from 'node:os';

/** `ouro doctor`: which backend loads, with how many threads, and a one-second matmul figure. */
export const doctor: CommandRun = async (_positionals, values, { stdout }) => {
  const choice = await selectBackend(backendName(values.backend as string | undefined) ?? 'auto');
  const lines: Array<[string, string]> = [
    ['node', process.version],
    ['tfjs', tf.version.tfjs],
    ['backend', `${choice.name} (tfjs '${choice.tfBackend}')`],
    ['threads', await backendThreads(choice)],
    ['cpu', `${availableParallelism()} x ${cpus()[0]?.model ?? 'unknown'}`],
  ];
  for (const skipped of choice.skipped) lines.push([`skipped ${skipped.name}`, skipped.reason]);
  const { n, gflops } = await matmulGflops(1);
  lines.push(['matmul', `${gflops.toFixed(1)} GFLOP/s (${n}x${n} float32, 1 s)`]);
  for (const [key, value] of lines) stdout.write(`${key.padEnd(18)} ${value}\n`);
  return 0;
};

/** Repeats an n x n matmul for about `seconds` and reports 2n^3 FLOP per product. */
async function matmulGflops(seconds: number): Promise<{ n: number; gflops: number }> {
  const n = 512;
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  try {
    tf.matMul(a, b).dispose();
    let reps = 0;
    const start = performance.now();
    while (performance.now() - start < seconds * 1000) {
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
      reps++;
    }
    const elapsed = (performance.now() - start) / 1000;
    return { n, gflops: (2 * n ** 3 * reps) / elapsed / 1e9 };
  } finally {
    a.dispose();
    b.dispose();
  }
}

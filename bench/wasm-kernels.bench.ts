/**
 * Speed of the wasm training kernels (packages/nn/src/backend/wasm-kernels).
 * Run by hand: `npx tsx bench/wasm-kernels.bench.ts > bench/results/wasm-kernels.md`
 * (markdown on stdout, progress on stderr; about 1-2 minutes on 2 cores).
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import {
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
} from '@ouroboros/nn';

interface Timing {
  msPerCall: number;
  calls: number;
}

/** Mean over `calls` after one warm-up call; stops early once `budgetMs` has passed. */
function time(run: () => tf.Tensor | tf.Tensor[], calls: number, budgetMs = 20_000): Timing {
  tf.dispose(run());
  let done = 0;
  const start = performance.now();
  while (done < calls) {
    const out = run();
    for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
    tf.dispose(out);
    done++;
    if (performance.now() - start > budgetMs) break;
  }
  return { msPerCall: (performance.now() - start) / done, calls: done };
}

const rows: string[] = [];
function report(name: string, kernels: 'new' | 'stock', flops: number, timing: Timing): void {
  const gflops = flops > 0 ? (flops / timing.msPerCall / 1e6).toFixed(1) : '';
  rows.push(
    `| ${name} | ${kernels} | ${timing.msPerCall.toFixed(1)} | ${(1000 / timing.msPerCall).toFixed(2)} | ${gflops} | ${timing.calls} |`,
  );
  console.error(rows.at(-1));
}

function withStock<T>(body: () => T): T {
  unregisterWasmTrainingKernels();
  try {
    return body();
  } finally {
    registerWasmTrainingKernels();
  }
}

const loadAtStart = os.loadavg()[0]!;
await tf.setBackend('wasm');
await tf.ready();
registerWasmTrainingKernels();

// --- conv net training step: batch 64 of 32x32x3, 3 x conv3x3x64 (same, relu), Adam ---
{
  const batch = 64;
  const size = 32;
  const widths = [3, 64, 64, 64];
  const x = tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const filters = widths.slice(1).map((out, i) =>
    tf.variable(tf.randomNormal([3, 3, widths[i]!, out], 0, Math.sqrt(2 / (9 * widths[i]!)), 'float32', 10 + i)),
  );
  const biases = widths.slice(1).map((out) => tf.variable(tf.zeros([out])));
  const optimizer = tf.train.adam(1e-3);
  const loss = () =>
    tf.tidy(() => {
      let h: tf.Tensor4D = x;
      filters.forEach((w, i) => {
        h = tf.relu(tf.add(tf.conv2d(h, w as tf.Variable<tf.Rank.R4>, 1, 'same'), biases[i]!)) as tf.Tensor4D;
      });
      return tf.mean(tf.square(h)) as tf.Scalar;
    });
  // forward 2·N·H·W·9·Cin·Cout per layer; backward: dW every layer, dx all but the first
  const layerFlops = widths.slice(1).map((out, i) => 2 * batch * size * size * 9 * widths[i]! * out);
  const stepFlops = layerFlops.reduce((s, f) => s + 2 * f, 0) + layerFlops.slice(1).reduce((s, f) => s + f, 0);
  const step = time(() => optimizer.minimize(loss, true)!, 6, 60_000);
  report('conv net step, batch 64 of 32x32x3, 3 conv3x3x64, fwd+bwd+Adam', 'new', stepFlops, step);
  tf.dispose([x, ...filters, ...biases]);
  optimizer.dispose();
}

// --- the conv kernels at the size of that net's inner layers ---
{
  const x = tf.randomNormal([64, 32, 32, 64], 0, 1, 'float32', 2) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 64, 64], 0, 0.1, 'float32', 3) as tf.Tensor4D;
  const dy2 = tf.randomNormal([64, 16, 16, 64], 0, 1, 'float32', 4) as tf.Tensor4D;
  const flops1 = 2 * 64 * 32 * 32 * 9 * 64 * 64;
  const flops2 = flops1 / 4;
  const filterGrad = (input: tf.Tensor4D, dy: tf.Tensor4D, strides: number) =>
    tf.engine().runKernel(
      tf.Conv2DBackpropFilter,
      { x: input, dy },
      { strides, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 64, 64] },
    ) as tf.Tensor;
  report('Conv2D forward 64x32x32x64, 3x3x64x64, stride 1 (stock XNNPACK)', 'stock', flops1, time(() => tf.conv2d(x, w, 1, 'same'), 5));
  report('Conv2DBackpropInput, stride 1', 'new', flops1, time(() => tf.conv2dTranspose(x, w, [64, 32, 32, 64], 1, 'same'), 5));
  report(
    'Conv2DBackpropInput, stride 1',
    'stock',
    flops1,
    withStock(() => time(() => tf.conv2dTranspose(x, w, [64, 32, 32, 64], 1, 'same'), 1)),
  );
  report('Conv2DBackpropInput, stride 2 (dy 64x16x16x64)', 'new', flops2, time(() => tf.conv2dTranspose(dy2, w, [64, 32, 32, 64], 2, 'same'), 5));
  report(
    'Conv2DBackpropInput, stride 2 (dy 64x16x16x64)',
    'stock',
    flops2,
    withStock(() => time(() => tf.conv2dTranspose(dy2, w, [64, 32, 32, 64], 2, 'same'), 1)),
  );
  report('Conv2DBackpropFilter, stride 1 (stock: missing)', 'new', flops1, time(() => filterGrad(x, x, 1), 5));
  report('Conv2DBackpropFilter, stride 2 (stock: missing)', 'new', flops2, time(() => filterGrad(x, dy2, 2), 5));
  tf.dispose([x, w, dy2]);
}

// --- matMul 1024^3 ---
{
  const n = 1024;
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 5);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 6);
  const flops = 2 * n ** 3;
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    const name = `matMul 1024^3${ta ? ', transposeA' : ''}${tb ? ', transposeB' : ''}`;
    report(name, 'new', flops, time(() => tf.matMul(a, b, ta, tb), 10));
    if (ta !== tb) continue;
    report(name, 'stock', flops, withStock(() => time(() => tf.matMul(a, b, ta, tb), ta ? 1 : 10)));
  }
  const a3 = tf.randomNormal([16, 256, 256], 0, 1, 'float32', 7);
  const b3 = tf.randomNormal([16, 256, 256], 0, 1, 'float32', 8);
  const flops3 = 16 * 2 * 256 ** 3;
  report('batched matMul 16 x 256^3', 'new', flops3, time(() => tf.matMul(a3, b3), 10));
  report('batched matMul 16 x 256^3', 'stock', flops3, withStock(() => time(() => tf.matMul(a3, b3), 2)));
  report('batched matMul 16 x 256^3, transposeB', 'new', flops3, time(() => tf.matMul(a3, b3, false, true), 10));
  tf.dispose([a, b, a3, b3]);
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`# wasm training kernels: benchmark

- date: ${new Date().toISOString().slice(0, 10)}
- machine: ${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB; 1-min load average ${loadAtStart.toFixed(1)} at start
- Node ${process.version}, tfjs ${tf.version.tfjs}, wasm backend (${getThreadsCount()} thread(s))
- command: \`npx tsx bench/wasm-kernels.bench.ts\`
- "new": after \`registerWasmTrainingKernels()\`; "stock": the kernels tfjs-backend-wasm ships.
  GFLOP/s counts useful multiply-adds (x2) only. One run; figures vary about 30% run to run.

| workload | kernels | ms per call | calls/s | GFLOP/s | calls timed |
|---|---|---|---|---|---|
${rows.join('\n')}
`);

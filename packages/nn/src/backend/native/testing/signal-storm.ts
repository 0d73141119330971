// Native kernels under a storm of signals: run by signal-mask.spec.ts in a child process with V8's
// sampling profiler (a SIGPROF every 100 µs to the thread running JavaScript and the kernels).
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../select-backend.ts';

await selectBackend('native', { threads: Number(process.argv[2] ?? 1) });
const a = tf.randomNormal([512, 256]);
const w = tf.randomNormal([256, 256]);
const x = tf.randomNormal([8, 16, 16, 32]);
const f = tf.randomNormal([3, 3, 32, 32]);
const convLoss = (xx: tf.Tensor, ff: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, 1, 'same').sum();
for (let i = 0; i < 200; i++) {
  tf.tidy(() => {
    tf.sigmoid(tf.relu(tf.matMul(a, w))).dataSync();
    tf.grads(convLoss)([x, f]);
  });
}
process.stdout.write('survived\n');

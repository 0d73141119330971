/**
 * Seconds to load image data, ouroboros against what a researcher runs instead, side by side in one
 * invocation (alternating runs; median of 5):
 * - CIFAR-10 binary version, 50,000 training images into NHWC uint8 + labels: the cifar10 dataset vs
 *   numpy (np.fromfile, reshape, transpose to NHWC, copy);
 * - CIFAR-10 python version, Python 2 cPickle layout: the cifar10 dataset vs torchvision's way
 *   (pickle.load(encoding='latin1'), np.vstack, reshape, transpose);
 * - 2,000 PNGs of 256x256 decoded, center-cropped and resized to 64x64 (the first, uncached pass of
 *   ffhq/image-folder) vs EDM's dataset_tool way with PIL (open, convert RGB, crop, LANCZOS resize).
 * Fixtures are random data of the real sizes and formats, written by Python into a temporary folder.
 * Run by hand: `npx tsx bench/dataset-loading.bench.ts > bench/results/dataset-loading.md`.
 */
import 'reflect-metadata';
import { Rng } from '@ouroboros/core';
import { cifar10Dataset, imageFolderDataset } from '@ouroboros/datasets';
import type { Dataset, DatasetPlugin } from '@ouroboros/core';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const REPEATS = 5;
const python = '/usr/bin/python3';
const dir = mkdtempSync(join(os.tmpdir(), 'ouro-bench-data-'));

function py(script: string, ...args: string[]): string {
  const result = spawnSync(python, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

const fixtures = `
import numpy as np, os, pickle, struct, sys
from PIL import Image
out = sys.argv[1]
rng = np.random.default_rng(0)
class Py2Pickler(pickle._Pickler):
    dispatch = pickle._Pickler.dispatch.copy()
    def save_py2_str(self, obj):
        data = obj if isinstance(obj, bytes) else obj.encode('latin-1')
        self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data if len(data) < 256 else pickle.BINSTRING + struct.pack('<i', len(data)) + data)
        self.memoize(obj)
    dispatch[bytes] = save_py2_str
    dispatch[str] = save_py2_str
os.makedirs(out + '/cifar-10-batches-bin'); os.makedirs(out + '/cifar-10-batches-py'); os.makedirs(out + '/png')
for name in ['data_batch_%d' % i for i in range(1, 6)] + ['test_batch']:
    data = rng.integers(0, 256, (10000, 3072), dtype=np.uint8)
    labels = rng.integers(0, 10, 10000).tolist()
    np.concatenate([np.array(labels, np.uint8)[:, None], data], 1).tofile(out + '/cifar-10-batches-bin/%s.bin' % name)
    with open(out + '/cifar-10-batches-py/' + name, 'wb') as f:
        Py2Pickler(f, protocol=2).dump({b'batch_label': b'batch', b'labels': labels, b'data': data, b'filenames': [b'%d.png' % i for i in range(10000)]})
y, x = np.mgrid[0:256, 0:256]
for i in range(2000):
    base = np.stack([(x + i) % 256, (y * 2 + i) % 256, (x + y) % 256], -1)
    image = np.clip(base + rng.normal(0, 8, base.shape), 0, 255).astype(np.uint8)
    Image.fromarray(image).save(out + '/png/%05d.png' % i)
`;

const twins: Record<string, string> = {
  binary: `
import numpy as np, sys, time
t = time.perf_counter()
parts = [np.fromfile(sys.argv[1] + '/data_batch_%d.bin' % i, dtype=np.uint8).reshape(-1, 3073) for i in range(1, 6)]
raw = np.concatenate(parts)
images = np.ascontiguousarray(raw[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
labels = raw[:, 0].astype(np.int32)
print(time.perf_counter() - t)`,
  python: `
import numpy as np, pickle, sys, time
t = time.perf_counter()
data, labels = [], []
for i in range(1, 6):
    with open(sys.argv[1] + '/data_batch_%d' % i, 'rb') as f:
        entry = pickle.load(f, encoding='latin1')
    data.append(entry['data']); labels.extend(entry['labels'])
images = np.ascontiguousarray(np.vstack(data).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
print(time.perf_counter() - t)`,
  png: `
import numpy as np, os, sys, time
from PIL import Image
t = time.perf_counter()
folder = sys.argv[1]
out = []
for name in sorted(os.listdir(folder)):
    img = np.asarray(Image.open(os.path.join(folder, name)).convert('RGB'))
    crop = min(img.shape[:2])
    img = img[(img.shape[0] - crop) // 2:(img.shape[0] + crop) // 2, (img.shape[1] - crop) // 2:(img.shape[1] + crop) // 2]
    out.append(np.asarray(Image.fromarray(img, 'RGB').resize((64, 64), Image.LANCZOS)))
images = np.stack(out)
print(time.perf_counter() - t)`,
};

async function drain(dataset: Dataset): Promise<void> {
  for await (const chunk of dataset.split('train', Rng.from(0))) void chunk;
}

async function ours<T>(plugin: DatasetPlugin<T>, options: Record<string, unknown>, cacheDir: string): Promise<number> {
  const began = performance.now();
  await drain(plugin.create(plugin.options.parse(options), { cacheDir, note: () => {} }));
  return (performance.now() - began) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

process.stderr.write('writing fixtures...\n');
py(fixtures, dir);
const workloads = [
  { name: 'CIFAR-10 binary, 50,000 train images', twin: 'numpy', run: () => ours(cifar10Dataset, { path: join(dir, 'cifar-10-batches-bin') }, dir), ref: () => Number(py(twins.binary!, join(dir, 'cifar-10-batches-bin'))) },
  { name: 'CIFAR-10 python (Python 2 pickles), 50,000 train images', twin: 'pickle + numpy (torchvision)', run: () => ours(cifar10Dataset, { path: join(dir, 'cifar-10-batches-py') }, dir), ref: () => Number(py(twins.python!, join(dir, 'cifar-10-batches-py'))) },
  {
    name: '2,000 PNGs 256x256 -> 64x64 (center crop, Lanczos), uncached',
    twin: 'PIL (EDM dataset_tool)',
    run: () => ours(imageFolderDataset, { path: join(dir, 'png'), resolution: 64, test: 0 }, mkdtempSync(join(dir, 'cache-'))),
    ref: () => Number(py(twins.png!, join(dir, 'png'))),
  },
];

console.log('# Loading image data: ouroboros vs the Python way\n');
console.log(`- date: ${new Date().toISOString().slice(0, 10)}`);
console.log(`- machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model}), Node ${process.version}, ${py('import numpy, PIL, sys; print("Python", sys.version.split()[0], "numpy", numpy.__version__, "PIL", PIL.__version__)').trim()}`);
console.log(`- median of ${REPEATS} alternating runs; Python timed inside the interpreter (no start-up); ouroboros from create() to the last chunk of the train split\n`);
console.log('| workload | ouroboros s | twin | twin s | ouroboros / twin |');
console.log('|---|---|---|---|---|');
for (const workload of workloads) {
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    process.stderr.write(`${workload.name} ${r + 1}/${REPEATS}\n`);
    a.push(await workload.run());
    b.push(workload.ref());
  }
  console.log(`| ${workload.name} | ${median(a).toFixed(3)} | ${workload.twin} | ${median(b).toFixed(3)} | ${(median(a) / median(b)).toFixed(2)} |`);
}
rmSync(dir, { recursive: true, force: true });

import { decodePng, encodePng, imageGrid, Rng } from '@ouroboros/core';
import { findPython, runPython, tempDir } from '@ouroboros/core/testing';
import { cpSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectImages, createDataset } from '../testing/collect-samples.ts';
import { CIFAR_FIXTURE_SIZES, cifarFixtureLabels, cifarRecords, knownPixel, nhwc, tarGz, writeCifarBinary, writeFile } from '../testing/file-fixtures.ts';
import { cifar10Dataset } from './cifar10.ts';

const tmp = tempDir('ouroboros-cifar-');
afterAll(() => tmp.cleanup());

const TRAIN = CIFAR_FIXTURE_SIZES.slice(0, 5).reduce((a, b) => a + b, 0);
const TEST = CIFAR_FIXTURE_SIZES[5]!;
const binaryDir = writeCifarBinary(join(tmp.dir, 'bin'));
const allLabels = (batches: number[]) => batches.flatMap(cifarFixtureLabels);
const rng = Rng.from(0, 'experiment').fork('dataset', 'train');

async function read(options: Record<string, unknown>, split: 'train' | 'test' = 'train', notes: string[] = []) {
  const dataset = createDataset(cifar10Dataset, options, { note: (m) => notes.push(m) });
  return { dataset, ...(await collectImages(dataset.split(split, rng))) };
}

describe('cifar10: the binary version', () => {
  it('turns the R, G, B planes of each record into HWC pixels with their labels, train and test', async () => {
    const notes: string[] = [];
    const { dataset, values, labels } = await read({ path: binaryDir }, 'train', notes);
    expect(dataset.info).toEqual({ kind: 'image', dtype: 'uint8', sampleShape: [32, 32, 3], trainCount: TRAIN, testCount: TEST, classes: expect.arrayContaining(['airplane', 'truck']) });
    expect(values).toEqual(nhwc(0, TRAIN, 32, 3));
    expect([...labels!]).toEqual(allLabels([0, 1, 2, 3, 4]));
    const test = await collectImages(dataset.split('test', rng));
    expect(test.values).toEqual(nhwc(TRAIN, TEST, 32, 3));
    expect([...test.labels!]).toEqual(cifarFixtureLabels(5));
    expect(notes.join('\n')).toMatch(/data_batch_1\.bin holds 3 images; the official batches hold 10000/);
  });

  it('round-trips a known image from CIFAR planes to NHWC to the PNG grid unchanged', async () => {
    const { values } = await read({ path: binaryDir });
    const png = decodePng(encodePng(imageGrid(values.subarray(0, 2 * 3072), 2, [32, 32, 3])));
    for (let n = 0; n < 2; n++) {
      const x0 = 2 + n * 34; // imageGrid: 2-pixel gaps, columns left to right
      for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) for (let k = 0; k < 3; k++) {
        expect(png.pixels[((2 + y) * png.width + x0 + x) * 3 + k]).toBe(knownPixel(n, y, x, k));
      }
    }
  });

  it('reads the same from the folder that holds cifar-10-batches-bin and from the .tar.gz archive', async () => {
    const reference = await read({ path: binaryDir });
    const archive = tarGz(join(tmp.dir, 'cifar-10-binary.tar.gz'), join(tmp.dir, 'bin'), 'cifar-10-batches-bin');
    for (const path of [join(tmp.dir, 'bin'), archive]) {
      const { values, labels } = await read({ path });
      expect(values).toEqual(reference.values);
      expect(labels).toEqual(reference.labels);
    }
  });

  it('uses the official test split as D with split: test, and the train split as held out', async () => {
    const swapped = createDataset(cifar10Dataset, { path: binaryDir, split: 'test' });
    expect([swapped.info.trainCount, swapped.info.testCount]).toEqual([TEST, TRAIN]);
    expect((await collectImages(swapped.split('train', rng))).values).toEqual(nhwc(TRAIN, TEST, 32, 3));
  });

  it('keeps the named classes relabelled 0..k-1 in CIFAR order, and draws limit images from the seed', async () => {
    const { dataset, values, labels } = await read({ path: binaryDir, classes: ['dog', 1, 'automobile'] });
    expect(dataset.info.classes).toEqual(['automobile', 'dog']);
    const kept = allLabels([0, 1, 2, 3, 4]).map((label, i) => [label, i] as const).filter(([label]) => label === 1 || label === 5);
    expect([...labels!]).toEqual(kept.map(([label]) => (label === 1 ? 0 : 1)));
    expect(values).toEqual(Uint8Array.from(kept.flatMap(([, i]) => [...nhwc(i, 1, 32, 3)])));

    const limited = createDataset(cifar10Dataset, { path: binaryDir, limit: 5, testLimit: 2 });
    expect([limited.info.trainCount, limited.info.testCount]).toEqual([5, 2]);
    const a = await collectImages(limited.split('train', Rng.from(1)));
    const again = await collectImages(limited.split('train', Rng.from(1)));
    const other = await collectImages(limited.split('train', Rng.from(2)));
    expect(a.labels!.length).toBe(5);
    expect(again).toEqual(a);
    expect(other.values).not.toEqual(a.values);
    // The subset is whole images of the full split, in file order.
    const rows = [...Array(5).keys()].map((i) => [...Array(TRAIN).keys()].find((n) => nhwc(n, 1, 32, 3).every((v, j) => v === a.values[i * 3072 + j]))!);
    expect(rows).toEqual([...rows].sort((x, y) => x - y));
    expect(rows.map((n) => allLabels([0, 1, 2, 3, 4])[n])).toEqual([...a.labels!]);
  });

  it('downsamples to 16 and 8 by averaging 2x2 and 4x4 blocks', async () => {
    const full = await read({ path: binaryDir });
    for (const resolution of [16, 8]) {
      const { dataset, values } = await read({ path: binaryDir, resolution });
      expect(dataset.info.sampleShape).toEqual([resolution, resolution, 3]);
      const f = 32 / resolution;
      for (const [n, y, x, k] of [[0, 0, 0, 0], [3, resolution - 1, 2, 1], [TRAIN - 1, 5, resolution - 1, 2]] as const) {
        let sum = 0;
        for (let i = 0; i < f; i++) for (let j = 0; j < f; j++) sum += full.values[((n * 32 + y * f + i) * 32 + x * f + j) * 3 + k]!;
        expect(values[((n * resolution + y) * resolution + x) * 3 + k]).toBe(Math.floor(sum / (f * f) + 0.5));
      }
    }
  });
});

const python = findPython(['numpy']);

/**
 * From the binary fixture, writes the python version three ways: as Python 2's cPickle wrote the
 * official files (protocol 2, every str and bytes a SHORT_BINSTRING/BINSTRING, numpy under
 * numpy.core), and as torchvision holds them re-pickled by Python 3 at protocols 2 and 4. Prints
 * the opcodes each file uses.
 */
const writePythonBatches = `
import os, pickle, pickletools, struct, sys, json
import numpy as np
src, out = sys.argv[1], sys.argv[2]
names = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch']

class Py2Pickler(pickle._Pickler):
    dispatch = pickle._Pickler.dispatch.copy()
    def save_py2_str(self, obj):
        data = obj if isinstance(obj, bytes) else obj.encode('latin-1')
        if len(data) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        else:
            self.write(pickle.BINSTRING + struct.pack('<i', len(data)) + data)
        self.memoize(obj)
    dispatch[bytes] = save_py2_str
    dispatch[str] = save_py2_str
    def save_global(self, obj, name=None):
        module = getattr(obj, '__module__', None)
        name = name or obj.__name__
        if module and module.startswith('numpy._core'):
            module = module.replace('numpy._core', 'numpy.core')
        self.write(pickle.GLOBAL + (module + '\\n' + name + '\\n').encode('latin-1'))
        self.memoize(obj)

opcodes = {}
for variant in ['py2', 'py3-protocol2', 'py3-protocol4', 'numpy-labels']:
    folder = os.path.join(out, variant, 'cifar-10-batches-py')
    os.makedirs(folder)
    for i, name in enumerate(names):
        raw = np.fromfile(os.path.join(src, name + '.bin'), dtype=np.uint8).reshape(-1, 3073)
        data = np.ascontiguousarray(raw[:, 1:])
        labels = [int(v) for v in raw[:, 0]]
        path = os.path.join(folder, name)
        with open(path, 'wb') as f:
            if variant == 'py2':
                batch = {b'batch_label': b'training batch %d of 5' % (i + 1), b'labels': labels, b'data': data, b'filenames': [b'img_%d.png' % j for j in range(len(labels))]}
                Py2Pickler(f, protocol=2).dump(batch)
            else:
                batch = {'batch_label': 'training batch %d of 5' % (i + 1), 'labels': labels, 'data': data, 'filenames': ['img_%d.png' % j for j in range(len(labels))]}
                if variant == 'numpy-labels':
                    batch['labels'] = np.array(labels, dtype=np.int64)
                pickle.dump(batch, f, protocol=2 if variant == 'py3-protocol2' else 4)
        with open(path, 'rb') as f:
            ops = set(op.name for op, arg, pos in pickletools.genops(f.read()))
        opcodes.setdefault(variant, set()).update(ops)
    if variant == 'py2':
        # The loader the official files were meant for reads the imitation.
        with open(os.path.join(folder, 'data_batch_1'), 'rb') as f:
            assert pickle.load(f, encoding='bytes')[b'data'].shape == (3, 3072)
nhwc = np.concatenate([np.fromfile(os.path.join(src, n + '.bin'), dtype=np.uint8).reshape(-1, 3073)[:, 1:] for n in names[:5]]).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
nhwc.tofile(os.path.join(out, 'train.nhwc'))
print(json.dumps({k: sorted(v) for k, v in opcodes.items()}))
`;

describe.skipIf(!python)('cifar10: the python version (fixtures pickled by python3 with numpy)', () => {
  const out = join(tmp.dir, 'py');
  const opcodes = python ? (JSON.parse(runPython(python, writePythonBatches, [binaryDir, out])) as Record<string, string[]>) : {};

  it('writes the Python 2 layout with 8-bit strings and the Python 3 layouts with their own opcodes', () => {
    expect(opcodes.py2).toEqual(expect.arrayContaining(['SHORT_BINSTRING', 'BINSTRING', 'GLOBAL', 'REDUCE', 'BUILD']));
    expect(opcodes.py2).not.toEqual(expect.arrayContaining(['BINUNICODE']));
    expect(opcodes.py2).not.toContain('SHORT_BINUNICODE');
    expect(opcodes['py3-protocol2']).toEqual(expect.arrayContaining(['BINUNICODE', 'GLOBAL']));
    expect(opcodes['py3-protocol2']).not.toContain('BINSTRING');
    expect(opcodes['py3-protocol4']).toEqual(expect.arrayContaining(['SHORT_BINUNICODE', 'BINBYTES', 'FRAME', 'STACK_GLOBAL']));
  });

  it('gives the pixels and labels of the binary version for every layout, the same NHWC as numpy', async () => {
    const binary = await read({ path: binaryDir });
    expect(binary.values).toEqual(Uint8Array.from(readFileSync(join(out, 'train.nhwc'))));
    for (const variant of ['py2', 'py3-protocol2', 'py3-protocol4', 'numpy-labels']) {
      for (const split of ['train', 'test'] as const) {
        const reference = await read({ path: binaryDir }, split);
        const { values, labels } = await read({ path: join(out, variant) }, split);
        expect(values, `${variant} ${split}`).toEqual(reference.values);
        expect(labels, `${variant} ${split}`).toEqual(reference.labels);
      }
    }
  });

  it('reads cifar-10-python.tar.gz', async () => {
    const archive = tarGz(join(tmp.dir, 'cifar-10-python.tar.gz'), join(out, 'py2'), 'cifar-10-batches-py');
    const { values, labels } = await read({ path: archive });
    const reference = await read({ path: binaryDir });
    expect(values).toEqual(reference.values);
    expect(labels).toEqual(reference.labels);
  });

  it('refuses pickles that are not CIFAR-10 batches, naming the file and what was expected', () => {
    const cases: Array<[string, RegExp]> = [
      ["import pickle,sys; pickle.dump([1, 2], open(sys.argv[1], 'wb'), protocol=2)", /holds a list, not a dict; expected a CIFAR-10 python batch/],
      ["import pickle,sys; pickle.dump({'labels': [1]}, open(sys.argv[1], 'wb'), protocol=2)", /has no 'data' key \(keys: labels\); expected a CIFAR-10 python batch/],
      ["import pickle,sys,numpy as np; pickle.dump({'data': np.zeros((2, 3072), np.uint8), 'fine_labels': [1, 2]}, open(sys.argv[1], 'wb'))", /has no 'labels' key \(keys: data, fine_labels\) \(fine_labels: a CIFAR-100 file\?\)/],
      ["import pickle,sys,numpy as np; pickle.dump({'data': np.zeros((2, 3072), np.float32), 'labels': [1, 2]}, open(sys.argv[1], 'wb'))", /'data' has dtype <f4; expected a CIFAR-10 python batch/],
      ["import pickle,sys,numpy as np; pickle.dump({'data': np.zeros((2, 1024), np.uint8), 'labels': [1, 2]}, open(sys.argv[1], 'wb'))", /'data' has shape \(2, 1024\)/],
      ["import pickle,sys,numpy as np; pickle.dump({'data': np.zeros((2, 3072), np.uint8), 'labels': [1]}, open(sys.argv[1], 'wb'))", /1 labels for 2 images/],
      ["import pickle,sys,numpy as np; pickle.dump({'data': np.zeros((2, 3072), np.uint8), 'labels': [1, 12]}, open(sys.argv[1], 'wb'))", /image 1 has label 12; expected a CIFAR-10 class number 0-9/],
    ];
    cases.forEach(([script, message], i) => {
      const dir = join(tmp.dir, `bad-pickle-${i}`, 'cifar-10-batches-py');
      cpSync(join(out, 'py3-protocol4', 'cifar-10-batches-py'), dir, { recursive: true });
      const file = join(dir, 'data_batch_3');
      runPython(python!, script, [file]);
      expect(() => createDataset(cifar10Dataset, { path: dir })).toThrow(message);
      expect(() => createDataset(cifar10Dataset, { path: dir })).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
    });
    const dir = join(tmp.dir, 'not-a-pickle', 'cifar-10-batches-py');
    cpSync(join(out, 'py2', 'cifar-10-batches-py'), dir, { recursive: true });
    writeFileSync(join(dir, 'test_batch'), 'this is a text file\n');
    expect(() => createDataset(cifar10Dataset, { path: dir })).toThrow(/test_batch: no MARK before byte 1; expected a pickle file$/);
  });
});

describe('cifar10: bad input', () => {
  it('refuses a truncated or wrong-sized binary batch, naming the file and the record size', () => {
    const dir = join(tmp.dir, 'truncated');
    cpSync(binaryDir, dir, { recursive: true });
    const file = join(dir, 'data_batch_2.bin');
    truncateSync(file, 2 * 3073 - 100);
    expect(() => createDataset(cifar10Dataset, { path: dir })).toThrow(`${file}: 6046 bytes is not a whole number of 3073-byte records (1 label byte + 3072 pixel bytes); expected a complete CIFAR-10 binary batch`);
    writeFileSync(file, new Uint8Array(0));
    expect(() => createDataset(cifar10Dataset, { path: dir })).toThrow(/data_batch_2\.bin: 0 bytes is not a whole number/);
    writeFileSync(file, cifarRecords(0, [3, 10]));
    expect(() => createDataset(cifar10Dataset, { path: dir })).toThrow(`${file}: image 1 has label 10; expected a CIFAR-10 class number 0-9`);
  });

  it('names a missing batch file, in a folder and in an archive', () => {
    const dir = join(tmp.dir, 'missing', 'cifar-10-batches-bin');
    cpSync(binaryDir, dir, { recursive: true });
    rmSync(join(dir, 'data_batch_4.bin'));
    expect(() => createDataset(cifar10Dataset, { path: dir })).toThrow(
      `${join(dir, 'data_batch_4.bin')}: missing; expected data_batch_1.bin, data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin, test_batch.bin in ${dir} (the CIFAR-10 binary version)`,
    );
    const archive = tarGz(join(tmp.dir, 'missing.tar.gz'), join(tmp.dir, 'missing'), 'cifar-10-batches-bin');
    expect(() => createDataset(cifar10Dataset, { path: archive })).toThrow(`${archive}: cifar-10-batches-bin/data_batch_4.bin is missing from the archive; expected`);
  });

  it('refuses a path that does not exist, a folder without batches, a truncated archive and a bad class', () => {
    const nowhere = join(tmp.dir, 'nowhere');
    expect(() => createDataset(cifar10Dataset, { path: nowhere })).toThrow(new RegExp(`^cifar10: path ${nowhere} does not exist; expected a cifar-10-batches-bin or cifar-10-batches-py folder`));
    const empty = join(tmp.dir, 'empty');
    writeFile(join(empty, 'readme.txt'), 'hello');
    expect(() => createDataset(cifar10Dataset, { path: empty })).toThrow(`cifar10: ${empty} holds no CIFAR-10 batches; expected`);
    const archive = tarGz(join(tmp.dir, 'whole.tar.gz'), join(tmp.dir, 'bin'), 'cifar-10-batches-bin');
    const cut = writeFile(join(tmp.dir, 'cut.tar.gz'), readFileSync(archive).subarray(0, readFileSync(archive).length >> 1));
    expect(() => createDataset(cifar10Dataset, { path: cut })).toThrow(new RegExp(`^${cut}: cannot be gunzipped \\(unexpected end of file\\); expected a complete gzip file$`));
    expect(() => createDataset(cifar10Dataset, { path: binaryDir, classes: ['kitten'] })).toThrow('cifar10: classes has "kitten", which is not a class; expected names from airplane, automobile');
    expect(() => cifar10Dataset.options.parse({ path: binaryDir, resolution: 12 })).toThrow();
  });
});

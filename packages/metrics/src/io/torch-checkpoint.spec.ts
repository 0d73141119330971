import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPython, runPython, tempDir } from '@ouroboros/core/testing';
import { toFloat64Array } from '@ouroboros/nn';
import { readTorchCheckpoint } from './torch-checkpoint.ts';

const python = findPython(['torch']);
const temp = tempDir('torch-checkpoint-');
afterAll(() => temp.cleanup());

/** A state dict of float, double, half, int64 and strided tensors, saved in both of torch.save's formats; prints every tensor's shape and values. */
const script = `
import collections, json, sys, torch
sd = collections.OrderedDict()
sd['conv.weight'] = torch.randn(4, 3, 2, 2, generator=torch.Generator().manual_seed(0))
sd['bn.running_var'] = torch.tensor([1.5, -2.0, 0.25], dtype=torch.float64)
sd['bn.num_batches_tracked'] = torch.tensor(7)
sd['transposed'] = torch.arange(12, dtype=torch.float32).reshape(3, 4).t()
sd['offset'] = torch.arange(10, dtype=torch.float32)[2:5]
sd['half'] = torch.tensor([0.5, -3.0, 65504.0], dtype=torch.float16)
sd['shared'] = sd['conv.weight'][1]
sd._metadata = collections.OrderedDict({'': {'version': 1}})
torch.save(sd, sys.argv[1])
torch.save(sd, sys.argv[2], _use_new_zipfile_serialization=False)
print(json.dumps({k: dict(shape=list(v.shape), values=v.double().flatten().tolist()) for k, v in sd.items()}))
`;

describe.skipIf(!python)('readTorchCheckpoint (needs python3 with torch)', () => {
  const zipPath = join(temp.dir, 'new.pth');
  const legacyPath = join(temp.dir, 'legacy.pth');
  const expected = python ? (JSON.parse(runPython(python, script, [zipPath, legacyPath])) as Record<string, { shape: number[]; values: number[] }>) : {};

  it.each([
    ['zip (torch >= 1.6)', zipPath],
    ['legacy (torch < 1.6, as pytorch-fid\'s weights)', legacyPath],
  ])('reads every tensor of a %s checkpoint: dtypes, strides, offsets and shared storages', (_, path) => {
    const tensors = readTorchCheckpoint(path);
    expect([...tensors.keys()]).toEqual(Object.keys(expected));
    for (const [name, { shape, values }] of Object.entries(expected)) {
      const tensor = tensors.get(name)!;
      expect(tensor.shape, name).toEqual(shape);
      expect(Array.from(toFloat64Array(tensor)), name).toEqual(values);
    }
    expect(tensors.get('bn.num_batches_tracked')!.dtype).toBe('I64');
    expect(tensors.get('half')!.dtype).toBe('F16');
  });

  it('names a file that is not a checkpoint, and a truncated one', () => {
    const junk = join(temp.dir, 'junk.pth');
    writeFileSync(junk, 'not a checkpoint at all');
    expect(() => readTorchCheckpoint(junk)).toThrow(/junk\.pth/);
    const cut = join(temp.dir, 'cut.pth');
    const legacy = readFileSync(legacyPath);
    // The storages follow in the order of their keys (torch's object ids, which vary per run): the cut
    // lands in the last storage's data or, when that storage is tiny (num_batches_tracked), its header.
    writeFileSync(cut, legacy.subarray(0, legacy.length - 10));
    expect(() => readTorchCheckpoint(cut)).toThrow(/cut\.pth: (storage '\d+' of \d+ bytes runs past the end of the file|truncated before storage '\d+')/);
  });
});

import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { unpickle, type NamedArray, type PyCallable, type SafeDtype } from '@ouroboros/nn';
import { pickleLength } from './pickle-length.ts';
import { ZipArchive } from '@ouroboros/nn';

/** torch's typed storage classes, by the element type they hold, with its size in bytes. */
const STORAGE_DTYPES: Readonly<Record<string, readonly [SafeDtype, number]>> = {
  FloatStorage: ['F32', 4],
  DoubleStorage: ['F64', 8],
  HalfStorage: ['F16', 2],
  BFloat16Storage: ['BF16', 2],
  LongStorage: ['I64', 8],
  IntStorage: ['I32', 4],
  ShortStorage: ['I16', 2],
  CharStorage: ['I8', 1],
  ByteStorage: ['U8', 1],
  BoolStorage: ['BOOL', 1],
};

/** A storage a persistent id names: its element type, its key among the file's storages, its length. */
interface StorageRef {
  readonly dtype: SafeDtype;
  readonly elementBytes: number;
  readonly key: string;
  readonly numel: number;
  /** Legacy view storages: a window of elements of the root storage. */
  readonly view?: { readonly offset: number; readonly numel: number };
}

/** What torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...) describes. */
interface TensorRef {
  readonly kind: 'torch-tensor';
  readonly storage: StorageRef;
  readonly offset: number;
  readonly shape: number[];
  readonly stride: number[];
}

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

/**
 * The tensors of a PyTorch checkpoint holding a state dict (`torch.save(model.state_dict(), path)`),
 * read without Python and without running any code, in either of torch.save's formats: the zip
 * archive of torch >= 1.6 (`<name>/data.pkl` whose persistent ids ('storage', type, key, location,
 * numel) name the raw little-endian entries `<name>/data/<key>`), or the legacy format of earlier
 * versions (pytorch-fid's Inception weights among them): magic number, protocol version and system
 * info pickles, the state dict's pickle, the sorted storage keys, then each storage as an int64
 * element count and its bytes. Each tensor comes back contiguous, in its own dtype.
 */
export function readTorchCheckpoint(path: string): Map<string, NamedArray> {
  if (startsWithZipHeader(path)) return readZipCheckpoint(path);
  const bytes = readFileSync(path);
  return readLegacyCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}

function startsWithZipHeader(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.readUInt32LE(0) === 0x04034b50;
  } finally {
    closeSync(fd);
  }
}

function readZipCheckpoint(path: string): Map<string, NamedArray> {
  const zip = ZipArchive.open(path);
  try {
    const pkl = zip.entries.map((e) => e.name).find((name) => /^[^/]+\/data\.pkl$/.test(name));
    if (!pkl) throw new Error(`${path}: a zip file without <name>/data.pkl; expected a PyTorch checkpoint (torch.save)`);
    const prefix = pkl.slice(0, -'data.pkl'.length);
    const state = unpickleStateDict(zip.read(pkl), `${path}:${pkl}`);
    const storages = new Map<string, Uint8Array>();
    const storageBytes = (key: string) => {
      let data = storages.get(key);
      if (!data) storages.set(key, (data = zip.read(`${prefix}data/${key}`)));
      return data;
    };
    return materialise(state, storageBytes, path);
  } finally {
    zip.close();
  }
}

function readLegacyCheckpoint(bytes: Uint8Array, path: string): Map<string, NamedArray> {
  let pos = 0;
  const next = (what: string, options: Parameters<typeof unpickle>[1] = {}) => {
    const length = pickleLength(bytes, pos, path);
    const value = unpickle(bytes.subarray(pos, pos + length), { source: `${path} (${what})`, ...options });
    pos += length;
    return value;
  };
  const magic = next('magic number');
  if (BigInt(magic as number | bigint) !== LEGACY_MAGIC) throw new Error(`${path}: starts with neither a zip header nor torch's magic number; expected a PyTorch checkpoint (torch.save)`);
  const protocol = next('protocol version');
  if (protocol !== LEGACY_PROTOCOL) throw new Error(`${path}: legacy checkpoint protocol ${String(protocol)}; expected ${LEGACY_PROTOCOL}`);
  const sysInfo = next('system info') as Map<string, unknown>;
  if (sysInfo instanceof Map && sysInfo.get('little_endian') === false) throw new Error(`${path}: saved on a big-endian machine; expected little-endian storages`);
  const lengthOfMain = pickleLength(bytes, pos, path);
  const state = unpickleStateDict(bytes.subarray(pos, pos + lengthOfMain), path);
  pos += lengthOfMain;
  const keys = (next('storage keys') as unknown[]).map(String);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const elementBytes = new Map(state.storages.map((s) => [s.key, s.elementBytes]));
  const storages = new Map<string, Uint8Array>();
  for (const key of keys) {
    if (pos + 8 > bytes.length) throw new Error(`${path}: truncated before storage '${key}'; expected ${keys.length} storages after the state dict`);
    const numel = Number(view.getBigInt64(pos, true));
    const size = numel * (elementBytes.get(key) ?? 1);
    if (pos + 8 + size > bytes.length) throw new Error(`${path}: storage '${key}' of ${size} bytes runs past the end of the file (truncated download?)`);
    storages.set(key, bytes.subarray(pos + 8, pos + 8 + size));
    pos += 8 + size;
  }
  return materialise(state, (key) => {
    const data = storages.get(key);
    if (!data) throw new Error(`${path}: storage '${key}' is used by a tensor but not stored in the file`);
    return data;
  }, path);
}

interface PickledState {
  readonly tensors: Map<string, TensorRef>;
  readonly storages: StorageRef[];
}

function unpickleStateDict(pickle: Uint8Array, source: string): PickledState {
  const storages: StorageRef[] = [];
  const value = unpickle(pickle, {
    source,
    globals: torchGlobals,
    persistentLoad: (pid) => {
      const storage = storageRef(pid, source);
      storages.push(storage);
      return storage;
    },
  });
  if (!(value instanceof Map)) throw new Error(`${source}: holds a ${typeof value}, not a dict of tensors; expected a state dict (torch.save(model.state_dict()))`);
  const tensors = new Map<string, TensorRef>();
  for (const [name, tensor] of value as Map<unknown, unknown>) {
    if ((tensor as TensorRef | null)?.kind === 'torch-tensor') tensors.set(String(name), tensor as TensorRef);
  }
  return { tensors, storages };
}

/** ('storage', storage_type, key, location, numel) in zip checkpoints; legacy ones add view_metadata (view_key, offset, numel) or None. */
function storageRef(pid: unknown, source: string): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== 'storage') throw new Error(`${source}: persistent id ${JSON.stringify(String(pid))}; expected ('storage', ...)`);
  const type = pid[1] as PyCallable;
  const dtype = STORAGE_DTYPES[type?.name];
  if (!dtype) throw new Error(`${source}: storage type ${type?.module}.${type?.name}; expected one of torch.${Object.keys(STORAGE_DTYPES).join(', torch.')}`);
  const viewMetadata = pid[5] as unknown[] | null | undefined;
  return {
    dtype: dtype[0],
    elementBytes: dtype[1],
    key: String(pid[2]),
    numel: Number(pid[4]),
    ...(Array.isArray(viewMetadata) ? { view: { offset: Number(viewMetadata[1]), numel: Number(viewMetadata[2]) } } : {}),
  };
}

const callable = (module: string, name: string, call: PyCallable['call'], setState?: PyCallable['setState']): [string, PyCallable] => [
  `${module}.${name}`,
  { module, name, call, ...(setState ? { setState } : {}) },
];

/** The only classes and functions a state dict's pickle may call. */
const torchGlobals: ReadonlyMap<string, PyCallable> = new Map([
  callable('torch._utils', '_rebuild_tensor_v2', ([storage, offset, size, stride]): TensorRef => ({
    kind: 'torch-tensor',
    storage: storage as StorageRef,
    offset: Number(offset),
    shape: (size as unknown[]).map(Number),
    stride: (stride as unknown[]).map(Number),
  })),
  callable('torch._utils', '_rebuild_parameter', ([data]) => data),
  // A state dict is an OrderedDict whose `_metadata` attribute (layer versions) arrives by BUILD: kept out of the tensors.
  callable('collections', 'OrderedDict', () => new Map(), (object) => object),
  ...Object.keys(STORAGE_DTYPES).map((name) => callable('torch', name, () => undefined)),
]);

/** Each tensor's elements, gathered by offset and strides from its storage's bytes into a contiguous array. */
function materialise(state: PickledState, storageBytes: (key: string) => Uint8Array, path: string): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>();
  for (const [name, tensor] of state.tensors) {
    const { storage, shape, stride } = tensor;
    const size = storage.elementBytes;
    let raw = storageBytes(storage.key);
    if (storage.view) raw = raw.subarray(storage.view.offset * size, (storage.view.offset + storage.view.numel) * size);
    const count = shape.reduce((a, b) => a * b, 1);
    let last = tensor.offset;
    for (let axis = 0; axis < shape.length; axis++) last += (shape[axis]! - 1) * stride[axis]!;
    if (count > 0 && (last + 1) * size > raw.length) {
      throw new Error(`${path}: tensor '${name}' [${shape.join(', ')}] reaches element ${last} of a storage of ${raw.length / size}; the file is damaged`);
    }
    out.set(name, { dtype: storage.dtype, shape, data: contiguous(raw, tensor, count, size) });
  }
  return out;
}

function contiguous(raw: Uint8Array, { offset, shape, stride }: TensorRef, count: number, size: number): Uint8Array {
  let expected = 1;
  let isContiguous = true;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    if (shape[axis]! > 1 && stride[axis] !== expected) isContiguous = false;
    expected *= shape[axis]!;
  }
  if (isContiguous) return raw.slice(offset * size, (offset + count) * size);
  const out = new Uint8Array(count * size);
  const index = new Array<number>(shape.length).fill(0);
  for (let e = 0; e < count; e++) {
    let source = offset;
    for (let axis = 0; axis < shape.length; axis++) source += index[axis]! * stride[axis]!;
    out.set(raw.subarray(source * size, (source + 1) * size), e * size);
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      if (++index[axis]! < shape[axis]!) break;
      index[axis] = 0;
    }
  }
  return out;
}

import { ndarrayClass, standardGlobals } from './numpy-globals.ts';
import { PyObject, type PyCallable } from './py-values.ts';

export interface UnpickleOptions {
  /** Where the bytes came from, for errors. */
  readonly source?: string;
  /** Classes and functions beyond the standard ones (numpy arrays, bytes, sets, OrderedDict): `module.name` -> callable. */
  readonly globals?: ReadonlyMap<string, PyCallable>;
  /** Classes not found anywhere become PyObject instances instead of failing. */
  readonly allowUnknownClasses?: boolean;
  /** Resolves a persistent id (PERSID/BINPERSID), as torch.load does for tensor storages. */
  readonly persistentLoad?: (pid: unknown) => unknown;
}

const MARK = Symbol('mark');

/**
 * Reads a pickle (protocols 0 to 5) into JavaScript values without running any code: None is
 * null, bool/int/float are numbers (bigint beyond 2^53), Python 2 `str` and text are strings
 * (latin-1 for 8-bit strings, as `pickle.load(f, encoding='latin1')`), bytes are Uint8Array,
 * lists and tuples are arrays, dicts are Maps (bytes keys become latin-1 strings), sets are Sets,
 * numpy arrays are NdArray. Only the globals given (and the standard numpy ones) can be called.
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions = {}): unknown {
  const source = options.source ?? '<pickle>';
  const fail = (message: string): never => {
    throw new Error(`${source}: ${message}; expected a pickle file`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  const makers = new WeakMap<object, PyCallable>();

  const need = (n: number) => {
    if (pos + n > bytes.length) fail(`truncated at byte ${pos} (needs ${n} more of ${bytes.length})`);
  };
  const u8 = () => (need(1), bytes[pos++]!);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const i32 = () => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const u64 = () => {
    need(8);
    const value = view.getBigUint64(pos, true);
    pos += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(`length ${value} too large`);
    return Number(value);
  };
  const take = (n: number) => (need(n), (pos += n), bytes.slice(pos - n, pos));
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail(`unterminated line at byte ${pos}`);
    const text = Buffer.from(bytes.subarray(pos, end)).toString('latin1');
    pos = end + 1;
    return text;
  };
  const pop = () => (stack.length === 0 ? fail(`stack underflow at byte ${pos}`) : stack.pop());
  const top = () => (stack.length === 0 ? fail(`empty stack at byte ${pos}`) : stack[stack.length - 1]);
  const popMark = () => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail(`no MARK before byte ${pos}`);
    const items = stack.splice(at);
    items.shift();
    return items;
  };
  const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');
  const utf8 = (b: Uint8Array) => Buffer.from(b).toString('utf8');
  const key = (k: unknown) => (k instanceof Uint8Array ? latin1(k) : k);
  const setItems = (dict: unknown, items: unknown[]) => {
    if (!(dict instanceof Map)) fail(`SETITEM on a ${typeof dict}, not a dict`);
    for (let i = 0; i + 1 < items.length; i += 2) (dict as Map<unknown, unknown>).set(key(items[i]), items[i + 1]);
  };
  const littleInt = (b: Uint8Array): number | bigint => {
    if (b.length === 0) return 0;
    let value = 0n;
    for (let i = b.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(b[i]!);
    if (b[b.length - 1]! & 0x80) value -= 1n << BigInt(8 * b.length);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  };
  const findGlobal = (module: string, name: string): PyCallable => {
    const full = `${module}.${name}`;
    const found = options.globals?.get(full) ?? standardGlobals.get(full) ?? (full === 'numpy.ndarray' ? ndarrayClass : undefined);
    if (found) return found;
    if (options.allowUnknownClasses) return { module, name, call: (args) => new PyObject(module, name, args) };
    return fail(`refers to ${full}, which this reader does not know`);
  };
  const call = (callable: unknown, args: unknown) => {
    const fn = callable as PyCallable;
    if (typeof fn?.call !== 'function') fail(`REDUCE on something that is not a class or function`);
    const result = fn.call(args as unknown[]);
    if (typeof result === 'object' && result !== null) makers.set(result, fn);
    return result;
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('pickle protocol above 5');
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(littleInt(take(u8())));
        break;
      case 0x8b: // LONG4
        stack.push(littleInt(take(u32())));
        break;
      case 0x49: {
        // INT (text): also True/False as 01/00
        const text = line().trim();
        stack.push(text === '01' ? true : text === '00' ? false : textInt(text));
        break;
      }
      case 0x4c: // LONG (text)
        stack.push(textInt(line().trim().replace(/L$/, '')));
        break;
      case 0x46: // FLOAT (text)
        stack.push(Number(line().trim()));
        break;
      case 0x47: // BINFLOAT (big-endian)
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x54: // BINSTRING
        stack.push(latin1(take(i32())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1(take(u8())));
        break;
      case 0x53: {
        // STRING (text, quoted repr)
        const text = line().trim();
        stack.push(text.slice(1, -1).replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/\\(.)/g, '$1'));
        break;
      }
      case 0x42: // BINBYTES
        stack.push(take(u32()));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()));
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        stack.push(take(u64()));
        break;
      case 0x56: // UNICODE (raw-unicode-escape text)
        stack.push(line().replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
        break;
      case 0x58: // BINUNICODE
        stack.push(utf8(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8(take(u64())));
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 0x74: // TUPLE
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x61: {
        // APPEND
        const value = pop();
        (top() as unknown[]).push(value);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) fail('APPENDS to something that is not a list');
        (list as unknown[]).push(...items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x64: {
        // DICT
        const dict = new Map();
        setItems(dict, popMark());
        stack.push(dict);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const k = pop();
        setItems(top(), [k, value]);
        break;
      }
      case 0x75: // SETITEMS
        {
          const items = popMark();
          setItems(top(), items);
        }
        break;
      case 0x8f: // EMPTY_SET
        stack.push(new Set());
        break;
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        const target = top();
        if (!(target instanceof Set)) fail('ADDITEMS to something that is not a set');
        for (const item of items) (target as Set<unknown>).add(item);
        break;
      }
      case 0x91: // FROZENSET
        stack.push(new Set(popMark()));
        break;
      case 0x70: // PUT (text)
        memo.set(Number(line()), top());
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x67: // GET (text)
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const index = op === 0x67 ? Number(line()) : op === 0x68 ? u8() : u32();
        if (!memo.has(index)) fail(`memo entry ${index} read before it was written`);
        stack.push(memo.get(index));
        break;
      }
      case 0x63: {
        // GLOBAL
        const module = line();
        stack.push(findGlobal(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        stack.push(findGlobal(String(pop()), String(name)));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        pop();
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x69: {
        // INST
        const module = line();
        const cls = findGlobal(module, line());
        stack.push(call(cls, popMark()));
        break;
      }
      case 0x6f: {
        // OBJ
        const items = popMark();
        stack.push(call(items.shift(), items));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const object = top();
        const maker = typeof object === 'object' && object !== null ? makers.get(object) : undefined;
        if (maker?.setState) stack[stack.length - 1] = maker.setState(object, state);
        else if (object instanceof PyObject) object.state = state;
        else if (object instanceof Map && state instanceof Map) for (const [k, v] of state) object.set(k, v);
        else fail(`BUILD on ${maker ? `${maker.module}.${maker.name}` : typeof object}, which this reader cannot give state to`);
        break;
      }
      case 0x50: // PERSID
      case 0x51: {
        // BINPERSID
        const pid = op === 0x50 ? line() : pop();
        if (!options.persistentLoad) fail('holds a persistent id but no persistent_load was given');
        stack.push(options.persistentLoad!(pid));
        break;
      }
      case 0x97: // NEXT_BUFFER
      case 0x98: // READONLY_BUFFER
        if (op === 0x97) fail('uses out-of-band buffers (pickle protocol 5 with buffer_callback)');
        break;
      default:
        fail(`unknown opcode 0x${op.toString(16).padStart(2, '0')} at byte ${pos - 1}`);
    }
  }
}

/** A decimal integer as a number, or a bigint beyond 2^53. */
function textInt(text: string): number | bigint {
  const value = BigInt(text);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

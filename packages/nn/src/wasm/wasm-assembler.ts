/**
 * A minimal WebAssembly binary writer (core spec 2.0 with the fixed-width SIMD proposal): one
 * memory, its own (exported) or another module's (imported as env.memory, e.g. the tfjs wasm
 * backend's heap), and exported functions of i32/f32/f64 parameters, their bodies written with the
 * instruction helpers of `Code`. Enough for a few numeric kernels without a toolchain.
 */

export type ValueType = 'i32' | 'f32' | 'f64' | 'v128';
const typeCode: Record<ValueType, number> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Unsigned LEB128. */
function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];
const name = (text: string) => vector([...Buffer.from(text, 'utf8')].map((b) => [b]));

/** A local (or parameter) of a function, by index. */
export type Local = number;

/** The body of one function: its locals and instructions. */
export class Code {
  readonly bytes: number[] = [];
  private readonly locals: ValueType[] = [];

  constructor(private readonly paramCount: number) {}

  local(type: ValueType): Local {
    this.locals.push(type);
    return this.paramCount + this.locals.length - 1;
  }

  localDeclarations(): number[] {
    return vector(this.locals.map((t) => [1, typeCode[t]]));
  }

  private op(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }

  get(l: Local) { return this.op(0x20, ...uleb(l)); }
  set(l: Local) { return this.op(0x21, ...uleb(l)); }
  tee(l: Local) { return this.op(0x22, ...uleb(l)); }
  i32(value: number) { return this.op(0x41, ...sleb(value)); }
  f64(value: number) {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    return this.op(0x44, ...b);
  }
  i32Add() { return this.op(0x6a); }
  i32Sub() { return this.op(0x6b); }
  i32Mul() { return this.op(0x6c); }
  i32And() { return this.op(0x71); }
  i32Shl() { return this.op(0x74); }
  i32LtS() { return this.op(0x48); }
  i32GtU() { return this.op(0x4b); }
  f32(value: number) {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    return this.op(0x43, ...b);
  }
  f32Add() { return this.op(0x92); }
  f32Sub() { return this.op(0x93); }
  f32Mul() { return this.op(0x94); }
  f32Div() { return this.op(0x95); }
  f32Sqrt() { return this.op(0x91); }
  f32Max() { return this.op(0x97); }
  /** i32 1 where a > b, else 0 (NaN compares false). */
  f32Gt() { return this.op(0x5e); }
  f32ConvertI32U() { return this.op(0xb3); }
  f32DemoteF64() { return this.op(0xb6); }
  f64PromoteF32() { return this.op(0xbb); }
  f32Load(offset = 0) { return this.op(0x2a, 2, ...uleb(offset)); }
  f32Store(offset = 0) { return this.op(0x38, 2, ...uleb(offset)); }
  f64Add() { return this.op(0xa0); }
  f64Sub() { return this.op(0xa1); }
  f64Mul() { return this.op(0xa2); }
  /** f64.load with a constant byte offset from the address on the stack. */
  f64Load(offset = 0) { return this.op(0x2b, 3, ...uleb(offset)); }
  f64Store(offset = 0) { return this.op(0x39, 3, ...uleb(offset)); }
  v128Load(offset = 0) { return this.op(0xfd, ...uleb(0x00), 0, ...uleb(offset)); }
  v128Store(offset = 0) { return this.op(0xfd, ...uleb(0x0b), 0, ...uleb(offset)); }
  /** Loads one f64 and repeats it in both lanes. */
  v128Load64Splat(offset = 0) { return this.op(0xfd, ...uleb(0x0a), 0, ...uleb(offset)); }
  v128Zero() { return this.op(0xfd, ...uleb(0x0c), ...new Array(16).fill(0)); }
  f64x2Splat() { return this.op(0xfd, ...uleb(0x14)); }
  f32x4Splat() { return this.op(0xfd, ...uleb(0x13)); }
  f32x4Add() { return this.op(0xfd, ...uleb(0xe4)); }
  f32x4Sub() { return this.op(0xfd, ...uleb(0xe5)); }
  f32x4Mul() { return this.op(0xfd, ...uleb(0xe6)); }
  f32x4Div() { return this.op(0xfd, ...uleb(0xe7)); }
  f32x4Sqrt() { return this.op(0xfd, ...uleb(0xe3)); }
  /** Lane-wise maximum, NaN when either lane is NaN. */
  f32x4Max() { return this.op(0xfd, ...uleb(0xe9)); }
  /** All ones in the lanes where a > b, zeros elsewhere (NaN compares false). */
  f32x4Gt() { return this.op(0xfd, ...uleb(0x44)); }
  v128And() { return this.op(0xfd, ...uleb(0x4e)); }
  /** The low two f32 lanes as f64x2. */
  f64x2PromoteLowF32x4() { return this.op(0xfd, ...uleb(0x5f)); }
  /** i8x16.shuffle of the two vectors on the stack by 16 lane indices (0-15 the first, 16-31 the second). */
  i8x16Shuffle(lanes: readonly number[]) { return this.op(0xfd, ...uleb(0x0d), ...lanes); }
  f64x2ExtractLane(lane: 0 | 1) { return this.op(0xfd, ...uleb(0x21), lane); }
  f64x2Add() { return this.op(0xfd, ...uleb(0xf0)); }
  f64x2Sub() { return this.op(0xfd, ...uleb(0xf1)); }
  f64x2Mul() { return this.op(0xfd, ...uleb(0xf2)); }
  /** Relaxed SIMD: a b + c for (a, b, c) on the stack, fused or not as the engine chooses. */
  f64x2RelaxedMadd() { return this.op(0xfd, ...uleb(0x107)); }

  /** Branches out of the `depth`-th enclosing block or loop (0: the innermost) if the i32 on the stack is not zero. */
  brIf(depth: number) { return this.op(0x0d, ...uleb(depth)); }

  /** `while (counter < limit) { body; counter += step }`, counter and limit i32 locals. */
  forLoop(counter: Local, limit: Local, step: number | Local, body: () => void): this {
    this.op(0x02, 0x40); // block
    this.get(counter).get(limit).i32LtS().op(0x45, 0x0d, 0); // i32.eqz; br_if 0 (out)
    this.op(0x03, 0x40); // loop
    body();
    this.get(counter);
    if (typeof step === 'number') this.i32(step);
    else this.get(step);
    this.i32Add().tee(counter).get(limit).i32LtS().op(0x0d, 0); // br_if 0 (again)
    this.op(0x0b, 0x0b); // end loop, end block
    return this;
  }
}

export interface FunctionDefinition {
  readonly name: string;
  readonly params: readonly ValueType[];
  readonly body: (code: Code, params: Local[]) => void;
}

/** Where a module's memory comes from: its own (exported as `memory`) or an imported `env.memory`, `pages` of 64 KiB at least. */
export type MemorySource = { readonly own: number } | { readonly imported: number };

/** The bytes of a module with one memory and the given functions, exported by name. */
export function assembleModule(functions: readonly FunctionDefinition[], memory: MemorySource = { own: 1 }): Uint8Array {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((p) => [typeCode[p]])), 0]);
  const bodies = functions.map((f) => {
    const code = new Code(f.params.length);
    f.body(code, f.params.map((_, i) => i));
    const body = [...code.localDeclarations(), ...code.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  });
  const exports = functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]);
  const own = 'own' in memory;
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    ...(own ? [] : section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(memory.imported)]]))),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...(own ? section(5, vector([[0x00, ...uleb(memory.own)]])) : []),
    ...section(7, vector(own ? [[...name('memory'), 0x02, 0], ...exports] : exports)),
    ...section(10, vector(bodies)),
  ]);
}

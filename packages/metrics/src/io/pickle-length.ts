/**
 * The length in bytes of the pickle that starts at `start` (through its STOP opcode), found by
 * stepping over every opcode's argument without building any value: what reading several pickles
 * written one after another (PyTorch's legacy checkpoint format) needs.
 */
export function pickleLength(bytes: Uint8Array, start: number, source: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = start;
  const need = (n: number) => {
    if (p + n > bytes.length) throw new Error(`${source}: pickle truncated at byte ${p}; expected a complete pickle`);
  };
  const skipLine = () => {
    const end = bytes.indexOf(0x0a, p);
    if (end < 0) throw new Error(`${source}: unterminated pickle line at byte ${p}`);
    p = end + 1;
  };
  for (;;) {
    need(1);
    const op = bytes[p++]!;
    const fixed = FIXED_ARGUMENT[op];
    if (fixed !== undefined) {
      need(fixed);
      p += fixed;
    } else if (op === 0x55 || op === 0x43 || op === 0x8c || op === 0x8a) {
      need(1);
      p += 1 + bytes[p]!;
    } else if (op === 0x54 || op === 0x58 || op === 0x42 || op === 0x8b) {
      need(4);
      p += 4 + view.getUint32(p, true);
    } else if (op === 0x8d || op === 0x8e || op === 0x96) {
      need(8);
      p += 8 + Number(view.getBigUint64(p, true));
    } else if (ONE_LINE.has(op)) {
      skipLine();
    } else if (op === 0x63 || op === 0x69) {
      skipLine();
      skipLine();
    } else if (op === 0x2e) {
      return p - start;
    } else if (!NO_ARGUMENT.has(op)) {
      throw new Error(`${source}: unknown pickle opcode 0x${op.toString(16)} at byte ${p - 1}`);
    }
  }
}

/** Opcodes followed by an argument of fixed size: BININT1, BINGET, BINPUT, PROTO, EXT1 (1); BININT2, EXT2 (2); BININT, LONG_BINGET, LONG_BINPUT, EXT4 (4); BINFLOAT, FRAME (8). */
const FIXED_ARGUMENT: Readonly<Record<number, number>> = {
  0x4b: 1, 0x68: 1, 0x71: 1, 0x80: 1, 0x82: 1,
  0x4d: 2, 0x83: 2,
  0x4a: 4, 0x6a: 4, 0x72: 4, 0x84: 4,
  0x47: 8, 0x95: 8,
};
/** INT, LONG, FLOAT, STRING, UNICODE, PERSID, GET, PUT: one newline-terminated argument. */
const ONE_LINE = new Set([0x49, 0x4c, 0x46, 0x53, 0x56, 0x50, 0x67, 0x70]);
const NO_ARGUMENT = new Set([
  0x28, 0x30, 0x31, 0x32, 0x4e, 0x7d, 0x61, 0x62, 0x64, 0x5d, 0x65, 0x6c, 0x29, 0x73, 0x74, 0x75, 0x51, 0x52, 0x6f,
  0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x97, 0x98,
]);

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The absolute path of the `ouro` bin (bin/ouro.js of this package), from the sources or the compiled dist/. */
export function cliBin(): string {
  for (let dir = import.meta.dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const bin = join(dir, 'bin', 'ouro.js');
    if (existsSync(bin)) return bin;
  }
  throw new Error(`cannot find bin/ouro.js above ${import.meta.dirname}; expected the @ouroboros/cli package layout`);
}

import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { CuratorPlugin } from '../contracts/curator.ts';
import { pathOption } from '../config/path-option.ts';
import type { SampleArray } from '../store/sample-store.ts';

const options = z.strictObject({
  module: pathOption().describe('A JavaScript module (relative to the config file) exporting the curating function; it runs with the run\'s rights, like `packages:` code.'),
  export: z.string().min(1).default('curate').describe('Name of the exported function.'),
  oversample: z.number().min(1).default(1).describe('Draw oversample x what the schedule takes.'),
});

/** What the user's function gets: a generation's samples as stored (data space, flat) and what the schedule needs. */
export interface CurateFunctionInput {
  readonly values: SampleArray;
  readonly count: number;
  readonly sampleShape: readonly number[];
  readonly generation: number;
  readonly needed: number;
}

/** What it returns: rows kept (ascending indices) or new values for every row, and one line saying why. */
export interface CurateFunctionResult {
  readonly kept?: ArrayLike<number>;
  readonly values?: ArrayLike<number>;
  readonly reason: string;
}

/** A user's function as the curator: `module` exports `curate(input) => { kept | values, reason }` (sync or async). */
export const functionCurator: CuratorPlugin<z.infer<typeof options>> = {
  id: 'function',
  description: "a user's module: `curate({ values, count, sampleShape, generation, needed })` returns { kept (row indices) | values, reason }",
  options,
  create: ({ module, export: name, oversample }) => {
    let loaded: Promise<(input: CurateFunctionInput) => CurateFunctionResult | Promise<CurateFunctionResult>> | null = null;
    const load = async () => {
      const exports = (await import(pathToFileURL(module).href)) as Record<string, unknown>;
      const fn = exports[name];
      if (typeof fn !== 'function') throw new Error(`curator function: ${module} exports no function '${name}'; expected export function ${name}({ values, count, sampleShape, generation, needed })`);
      return fn as (input: CurateFunctionInput) => CurateFunctionResult;
    };
    return {
      samplesToDraw: (needed) => Math.ceil(needed * oversample),
      async curate({ samples, needed, generation }) {
        loaded ??= load();
        const values = await samples.readAll();
        const result = await (await loaded)({ values, count: samples.count, sampleShape: samples.sampleShape, generation, needed });
        const where = `curator function (${module}#${name}), generation ${generation}`;
        if (!result || typeof result.reason !== 'string') throw new Error(`${where}: returned no reason; expected { kept | values, reason: string }`);
        if ((result.kept === undefined) === (result.values === undefined)) throw new Error(`${where}: returned ${result.kept ? 'both kept and values' : 'neither kept nor values'}; expected one of them`);
        if (result.kept) {
          const kept = Uint32Array.from(result.kept);
          for (let i = 0; i < kept.length; i++) {
            if (!(kept[i]! < samples.count) || kept[i] !== result.kept[i] || (i > 0 && kept[i]! <= kept[i - 1]!)) {
              throw new Error(`${where}: kept[${i}] = ${result.kept[i]}; expected ascending row indices below ${samples.count}`);
            }
          }
          return { kept, reason: result.reason };
        }
        if (result.values!.length !== values.length) throw new Error(`${where}: returned ${result.values!.length} values; expected ${values.length} (every sample)`);
        return { values: Float32Array.from(result.values!), reason: result.reason };
      },
    };
  },
};

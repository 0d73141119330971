import { createRequire } from 'node:module';
import type * as Koffi from 'koffi';

export type KoffiModule = typeof Koffi;
export type KoffiLibrary = ReturnType<KoffiModule['load']>;

let loaded: { koffi: KoffiModule } | { reason: string } | undefined;

/**
 * koffi (a C FFI with prebuilt binaries inside its npm package), or why it could not be loaded:
 * a platform it has no binary for, or a broken install.
 */
export function koffiModule(): { koffi: KoffiModule } | { reason: string } {
  if (!loaded) {
    try {
      loaded = { koffi: createRequire(import.meta.url)('koffi') as KoffiModule };
    } catch (error) {
      loaded = { reason: `koffi could not be loaded (${firstLine(error)})` };
    }
  }
  return loaded;
}

export function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0]!;
}

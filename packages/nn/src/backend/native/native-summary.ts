import type { KernelAssignment } from './native-kernels.ts';
import type { NativeLibraries } from './native-libraries.ts';

/** Where to get the libraries, for the line printed when they are missing. */
export const NATIVE_HINT =
  'for native speed install a CBLAS and oneDNN (Debian/Ubuntu: apt-get install libopenblas0-pthread libdnnl2; see README, "Native speed")';

/** `oneDNN 2.6.3: BatchMatMul, _FusedMatMul, Conv2D, ...` grouped by library. */
export function servedBy(assignments: readonly KernelAssignment[]): string {
  const byLibrary = new Map<string, string[]>();
  for (const { kernelName, library } of assignments) {
    const name = library.replace(/ \(.*\)$/, '');
    byLibrary.set(name, [...(byLibrary.get(name) ?? []), kernelName]);
  }
  return [...byLibrary].map(([library, kernels]) => `${library}: ${kernels.join(', ')}`).join('; ');
}

/** Why the native path is not (fully) in use, one clause per missing kind. */
export function missingLibraries(libs: NativeLibraries): string {
  const parts: string[] = [];
  if (libs.missing.blas) parts.push(libs.missing.blas);
  if (libs.missing.dnnl) parts.push(libs.missing.dnnl);
  return parts.join('; ');
}

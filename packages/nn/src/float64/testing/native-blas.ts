import type { Cblas } from '../../backend/native/cblas.ts';
import { nativeLibraries } from '../../backend/native/native-libraries.ts';
import { routinesOf, type Float64Routines } from '../native-f64.ts';

/** The CBLAS the native backend would use here, or null. */
export const testBlas: Cblas | null = nativeLibraries().blas;

/** Why a test of the native `routine` (dgemm, or one of Float64Routines) is skipped here, or null where it runs. */
export function nativeSkipReason(routine: 'dgemm' | keyof Float64Routines): string | null {
  if (!testBlas) return `no CBLAS (${nativeLibraries().missing.blas})`;
  if (routine !== 'dgemm' && !routinesOf(testBlas)[routine]) return `${testBlas.path} has no ${routine}`;
  return null;
}

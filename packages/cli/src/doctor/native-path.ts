import { NATIVE_HINT, nativeLibraries, type BackendChoice, type CoretypeChoice, type NativeLibraries, type NativePath } from '@ouroboros/nn';
import type { ReportLine } from './report-lines.ts';
import { conv3x3Geometry, conv3x3Workload } from './workloads.ts';

/**
 * The native path in use: which library serves each op, the CBLAS (and OpenBLAS's kernel family),
 * oneDNN (version, threading runtime, the code it picks for the timed 3x3 convolution), and for a
 * kind that is missing, why, with the hint.
 */
export function nativePathLines(path: NativePath): ReportLine[] {
  const libs = path.libraries;
  const lines: ReportLine[] = path.kernels.map(({ kernelName, library }) => [`op ${kernelName}`, library]);
  lines.push(...blasLines(libs), ...dnnlLines(libs));
  if (!libs.blas || !libs.dnnl) lines.push(['hint', NATIVE_HINT]);
  return lines;
}

/** Why the native kernels are not in use where `auto` passed them over: each missing library, and the hint. */
export function missingNativeLines(choice: BackendChoice): ReportLine[] {
  const skipped = choice.skipped.find((s) => s.name === 'native');
  if (!skipped) return [];
  const { missing } = nativeLibraries();
  const lines: ReportLine[] = [];
  if (missing.blas) lines.push(['blas', `missing: ${missing.blas}`]);
  if (missing.dnnl) lines.push(['onednn', `missing: ${missing.dnnl}`]);
  if (lines.length === 0) lines.push(['native', `not used: ${skipped.reason}`]);
  return [...lines, ['hint', NATIVE_HINT]];
}

function blasLines(libs: NativeLibraries): ReportLine[] {
  const blas = libs.blas;
  if (!blas) return [['blas', `missing: ${libs.missing.blas}`]];
  const details = blas.details();
  const lines: ReportLine[] = [['blas', `${blas.name}, ${blas.path}${details ? ` (${details})` : ''}`]];
  if (blas.name === 'OpenBLAS') lines.push(['blas kernels', coretype(libs.coretype)]);
  return lines;
}

/** OpenBLAS's kernel family, and who chose it. */
function coretype(choice: CoretypeChoice | undefined): string {
  if (!choice) return "OpenBLAS's own detection (set OPENBLAS_CORETYPE to choose)";
  if (choice.by === 'environment') return `${choice.value}, from your OPENBLAS_CORETYPE`;
  return `${choice.value}, chosen by ouroboros from the CPU's flags (OPENBLAS_CORETYPE overrides)`;
}

function dnnlLines(libs: NativeLibraries): ReportLine[] {
  const dnnl = libs.dnnl;
  if (!dnnl) return [['onednn', `missing: ${libs.missing.dnnl}`]];
  let implementation: string;
  try {
    implementation = dnnl.conv.implementation('forward', conv3x3Geometry);
  } catch (error) {
    implementation = `none: ${(error as Error).message.split('\n')[0]}`;
  }
  return [
    ['onednn', `${dnnl.versionString}, ${dnnl.version.runtime} threading, ${dnnl.path}`],
    ['onednn conv 3x3', `${implementation} (forward, ${conv3x3Workload.shape})`],
  ];
}

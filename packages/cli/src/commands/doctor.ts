import * as tf from '@tensorflow/tfjs';
import { backendSummary, backendThreads, selectBackend, type BackendChoice } from '@ouroboros/nn';
import { availableParallelism, cpus } from 'node:os';
import { gpuDeviceLines, unloadedBackendLines, whyNotLoaded } from '../doctor/backend-requirements.ts';
import { kernelSpeeds } from '../doctor/kernel-speeds.ts';
import { missingNativeLines, nativePathLines } from '../doctor/native-path.ts';
import { formatReport, keyWidth, type ReportLine } from '../doctor/report-lines.ts';
import { backend, flags, positiveInt } from '../options/flags.ts';
import { withFlags } from '../options/parse-flags.ts';

/** How long each speed figure is timed. */
const SECONDS = 1;

/**
 * `ouro doctor`: which backend loads and why faster ones were passed over, what serves each op
 * with how many threads, and sgemm and 3x3 convolution speeds (native and wasm side by side).
 */
export const doctor = withFlags(flags({ backend, threads: positiveInt }), async (_positionals, given, { stdout }) => {
  const preferred = given.backend ?? 'auto';
  const { threads } = given;
  const machine: ReportLine[] = [
    ['node', process.version],
    ['tfjs', tf.version.tfjs],
    ['cpu', `${availableParallelism()} x ${cpus()[0]?.model ?? 'unknown'}`],
  ];
  let choice: BackendChoice;
  try {
    choice = await selectBackend(preferred, { threads });
  } catch (error) {
    const reason = whyNotLoaded(preferred, error);
    stdout.write(formatReport([...machine, ...unloadedBackendLines(preferred, reason)]));
    throw new Error(`backend ${preferred} could not be loaded: ${reason}`);
  }
  const described = [...machine, ...(await backendLines(choice))];
  const width = keyWidth(described);
  stdout.write(formatReport(described, width));
  // The figures take a few seconds: the lines above are shown meanwhile.
  stdout.write(formatReport(await kernelSpeeds(choice, SECONDS), width));
  return 0;
});

/** The backend, its summary line and threads, what it passed over, and what serves the heavy ops. */
async function backendLines(choice: BackendChoice): Promise<ReportLine[]> {
  return [
    ['backend', `${choice.name} (tfjs '${choice.tfBackend}')`],
    ['summary', backendSummary(choice)],
    ['threads', await backendThreads(choice)],
    ...choice.skipped.map((s): ReportLine => [`skipped ${s.name}`, s.reason]),
    ...(choice.native ? nativePathLines(choice.native) : missingNativeLines(choice)),
    ...gpuDeviceLines(choice),
  ];
}

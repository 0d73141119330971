import type { PluginPackage } from './contracts/plugin.ts';
import { CONTRACT_VERSION } from './contracts/plugin.ts';
import { identityFeaturesPlugin } from './features/identity.ts';
import { pixelFeaturesPlugin } from './features/pixels.ts';
import { accumulateSchedule } from './mixing/accumulate.ts';
import { classifierFilterCurator } from './curation/classifier-filter.ts';
import { functionCurator } from './curation/function-curator.ts';
import { likelihoodFilterCurator } from './curation/likelihood-filter.ts';
import { noCurator } from './curation/no-curator.ts';
import { selfCorrectCurator } from './curation/self-correct.ts';
import { accumulateSubsampleSchedule } from './mixing/accumulate-subsample.ts';
import { constantLambdaSchedule } from './mixing/constant-lambda.ts';
import { freshRealSchedule } from './mixing/fresh-real.ts';
import { fullySyntheticSchedule } from './mixing/fully-synthetic.ts';
import { registerPlugins } from './registry/plugin-tokens.ts';
import { consoleTrackerPlugin } from './trackers/console-tracker.ts';
import { localTrackerPlugin } from './trackers/local-tracker.ts';

/** The core's own plugins: the mixing schedules, the console (and no-op local) trackers, the identity and pixel features. */
export const corePackage: PluginPackage = {
  name: '@ouroboros/core',
  contractVersion: CONTRACT_VERSION,
  register(container) {
    registerPlugins(container, 'schedule', constantLambdaSchedule, fullySyntheticSchedule, accumulateSchedule, accumulateSubsampleSchedule, freshRealSchedule);
    registerPlugins(container, 'tracker', consoleTrackerPlugin, localTrackerPlugin);
    registerPlugins(container, 'features', identityFeaturesPlugin, pixelFeaturesPlugin);
    registerPlugins(container, 'curator', noCurator, likelihoodFilterCurator, classifierFilterCurator, selfCorrectCurator, functionCurator);
  },
};

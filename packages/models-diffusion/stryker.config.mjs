import { strykerConfig } from '../../stryker.shared.mjs';

export default strykerConfig({
  mutate: ['src/samplers/ancestral.ts', 'src/samplers/ddim.ts', 'src/schedules/ddpm-schedule.ts', 'src/objectives/ddpm.ts', 'src/objectives/otcfm.ts', 'src/objectives/edm.ts', 'src/likelihood/gaussian-terms.ts', 'src/diffusion-model.ts'],
  skipSpecs: ['src/two-moons-*.spec.ts', 'src/conformance-*.spec.ts', 'src/engine.spec.ts', 'src/plugins/plugins.spec.ts', 'src/networks/unet.spec.ts', 'src/stop-within-seconds.spec.ts'],
});

import { strykerConfig } from '../../stryker.shared.mjs';

export default strykerConfig({
  mutate: ['src/optim/adam.ts', 'src/optim/ema.ts', 'src/optim/lr-schedule.ts', 'src/optim/clip-grad-norm.ts'],
  skipSpecs: ['src/**/*.spec.ts', '!src/optim/*.spec.ts', '!src/train/trained-model.spec.ts', '!src/train/fit-loop.spec.ts', '!src/backend/wasm-kernels/optimizer-kernels.spec.ts'],
});

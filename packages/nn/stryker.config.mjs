import { strykerConfig } from '../../stryker.shared.mjs';

export default strykerConfig({
  mutate: ['src/optim/adam.ts', 'src/optim/ema.ts', 'src/optim/lr-schedule.ts', 'src/optim/clip-grad-norm.ts'],
  skipSpecs: [],
});

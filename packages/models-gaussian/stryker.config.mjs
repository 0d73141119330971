import { strykerConfig } from '../../stryker.shared.mjs';

export default strykerConfig({
  mutate: ['src/gaussian-density.ts', 'src/gaussian-model.ts'],
  skipSpecs: [],
});

import { strykerConfig } from '../../stryker.shared.mjs';

export default strykerConfig({
  mutate: ['src/gaussian-mixture.ts'],
  skipSpecs: [],
});

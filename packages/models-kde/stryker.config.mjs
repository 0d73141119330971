import { strykerConfig } from '../../stryker.shared.mjs';

export default strykerConfig({
  mutate: ['src/bandwidth.ts', 'src/kde-model.ts'],
  skipSpecs: [],
});

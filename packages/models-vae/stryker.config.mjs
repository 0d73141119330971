import { strykerConfig } from '../../stryker.shared.mjs';

export default strykerConfig({
  mutate: ['src/elbo.ts', 'src/vae-model.ts'],
  skipSpecs: [],
});

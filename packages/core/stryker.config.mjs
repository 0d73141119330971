import { strykerConfig } from '../../stryker.shared.mjs';

export default strykerConfig({
  mutate: ['src/codec/data-codec.ts', 'src/mixing/*.ts', '!src/mixing/*.spec.ts', 'src/linalg/moments.ts'],
  skipSpecs: ['src/engine/*.spec.ts', '!src/engine/feature-cache.spec.ts', 'src/sweep/*.spec.ts', 'src/store/*.spec.ts', 'src/config/*.spec.ts', 'src/trackers/*.spec.ts', 'src/images/*.spec.ts'],
});

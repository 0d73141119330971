import { strykerConfig } from '../../stryker.shared.mjs';

export default strykerConfig({
  mutate: ['src/fd/frechet-distance.ts', 'src/neighbours/prdc.ts', 'src/neighbours/manifold-matches.ts', 'src/neighbours/knn-radii.ts', 'src/nll/nll-metric.ts', 'src/class-coverage/class-coverage-metric.ts', 'src/subsample.ts'],
  skipSpecs: ['src/**/*.spec.ts', '!src/fd/*.spec.ts', '!src/neighbours/*.spec.ts', '!src/nll/*.spec.ts', '!src/class-coverage/*.spec.ts', '!src/subsample.spec.ts'],
});

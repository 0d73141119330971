import { strykerConfig } from '../../stryker.shared.mjs';

export default strykerConfig({
  mutate: ['src/fd/frechet-distance.ts', 'src/neighbours/prdc.ts', 'src/neighbours/manifold-matches.ts', 'src/neighbours/knn-radii.ts', 'src/nll/nll-metric.ts', 'src/class-coverage/class-coverage-metric.ts', 'src/subsample.ts'],
  skipSpecs: ['src/features/inception/*.spec.ts', 'src/metrics-in-a-run.spec.ts'],
});

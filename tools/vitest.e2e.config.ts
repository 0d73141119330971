import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared.ts';

/** The out-of-workspace test (src/**\/*.e2e.ts): not part of `npm test`; .ci/run runs it after. */
export default defineConfig({
  ...sharedTestConfig,
  test: { ...sharedTestConfig.test, include: ['src/**/*.e2e.ts'], testTimeout: 600_000, hookTimeout: 600_000, maxWorkers: 1 },
});

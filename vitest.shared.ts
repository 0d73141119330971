import { defineConfig } from 'vitest/config';

/** Settings every package's vitest.config.ts starts from. */
export const sharedTestConfig = defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    setupFiles: ['reflect-metadata'],
  },
});

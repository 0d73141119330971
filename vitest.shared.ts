import { defineConfig } from 'vitest/config';

/** The workspace's packages are tested from their TypeScript sources, not their compiled dist/. */
const conditions = ['@ouroboros/source', 'module', 'node', 'development|production'];

/** Settings every package's vitest.config.ts starts from. */
export const sharedTestConfig = defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@ouroboros/source'] } },
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

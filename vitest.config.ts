import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/test/**/*.test.ts', 'client-sdk/test/**/*.test.ts', 'sfu/test/**/*.test.ts', 'web/test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: more parallel files only add contention for the shared Postgres.
    maxWorkers: 2,
    minWorkers: 1,
  },
});

import { defineConfig } from 'vitest/config';

// The example's local suite: the workflow and the order service on the local
// target. No AWS, no moto, no network.
export default defineConfig({
  test: {
    include: ['tests/workflow/**/*.test.ts', 'tests/service/**/*.test.ts'],
    testTimeout: 30_000,
  },
});

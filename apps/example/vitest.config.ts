import { defineConfig } from 'vitest/config';

// The example's workflow suite on the local target: no AWS, no moto, no network.
export default defineConfig({
  test: {
    include: ['tests/workflow/**/*.test.ts'],
    testTimeout: 30_000,
  },
});

import { defineConfig } from 'vitest/config';

// Acceptance tests of the example app: the harness CLI deploys the doubles to
// a moto server on loopback, the app calls RunTask for real, and the doubles'
// containers run as local processes.
export default defineConfig({
  test: {
    include: ['tests/acceptance/**/*.test.ts'],
    globalSetup: ['../../packages/testing/src/moto-global-setup.ts'],
    setupFiles: ['../../packages/testing/src/moto-env.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});

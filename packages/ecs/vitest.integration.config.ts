import { defineConfig } from 'vitest/config';

// Integration tests talk AWS protocols to a real moto server on loopback,
// started once for the run by the global setup and stopped after it.
export default defineConfig({
  test: {
    include: ['tests/integration/**/*.test.ts'],
    globalSetup: ['../testing/src/moto-global-setup.ts'],
    setupFiles: ['../testing/src/moto-env.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});

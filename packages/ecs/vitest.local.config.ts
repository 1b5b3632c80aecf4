import { defineConfig } from 'vitest/config';

// Local-target tests: the built container agent runs as child processes
// against the in-process loopback AWS endpoint. No moto, no network.
export default defineConfig({
  test: {
    include: ['tests/local/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    passWithNoTests: false,
  },
});

import { defineConfig } from 'vitest/config';

// Unit tests of the release tooling (tools/release) and the packaging test's helpers. The packaging test is vitest.e2e.config.ts.
export default defineConfig({
  test: {
    include: ['release.test.ts', 'support.test.ts'],
    passWithNoTests: false,
  },
});

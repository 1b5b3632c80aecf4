import { defineConfig } from 'vitest/config';

// Unit tests of the release tooling (tools/release). The packaging test is vitest.e2e.config.ts.
export default defineConfig({
  test: {
    include: ['release.test.ts'],
    passWithNoTests: false,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/integration/**'],
    // The matchers as users register them (the source, so no build is needed first).
    setupFiles: ['./src/vitest.ts'],
    passWithNoTests: false,
  },
});

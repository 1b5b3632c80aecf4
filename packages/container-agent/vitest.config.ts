import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The wire format from core's source, as the build bundles it (see tsup.config.ts).
    alias: { '@harness/core/protocol': fileURLToPath(new URL('../core/src/protocol.ts', import.meta.url)) },
  },
  test: {
    include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts'],
    passWithNoTests: false,
  },
});

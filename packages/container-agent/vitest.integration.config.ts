import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Integration tests talk AWS protocols to a real moto server on loopback,
// started once for the run by the global setup and stopped after it. They run
// the built dist/ (agent.mjs, the bootstrap): build first (nx: test:integration
// depends on build; by hand: `npx tsup`).
export default defineConfig({
  resolve: {
    alias: { '@harness/core/protocol': fileURLToPath(new URL('../core/src/protocol.ts', import.meta.url)) },
  },
  test: {
    include: ['tests/integration/**/*.test.ts'],
    globalSetup: ['../testing/src/moto-global-setup.ts'],
    setupFiles: ['../testing/src/moto-env.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});

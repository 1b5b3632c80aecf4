import { fileURLToPath } from 'node:url';
import { motoSuiteConfig } from '../testing/vitest.moto.js';

// Integration tests: AWS protocols against a real moto server on loopback. They
// run the built dist/ (agent.mjs, the bootstrap): build first (nx:
// test:integration depends on build; by hand: `npx tsup`).
export default motoSuiteConfig(['tests/integration/**/*.test.ts'], {
  resolve: {
    alias: { '@harness/core/protocol': fileURLToPath(new URL('../core/src/protocol.ts', import.meta.url)) },
  },
});

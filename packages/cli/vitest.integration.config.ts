import { motoSuiteConfig } from '../testing/vitest.moto.js';

// Integration tests: AWS protocols against a real moto server on loopback.
export default motoSuiteConfig(['tests/integration/**/*.test.ts']);

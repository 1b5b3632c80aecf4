import { motoSuiteConfig } from '../testing/vitest.moto.js';

// Integration tests: the deployed doubles and the workflow driver against a real moto server on loopback.
export default motoSuiteConfig(['tests/integration/**/*.test.ts']);

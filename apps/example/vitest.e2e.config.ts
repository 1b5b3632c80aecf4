import { motoSuiteConfig } from '../../packages/testing/vitest.moto.js';

// Acceptance tests of the example app: the harness CLI deploys the doubles to
// a moto server on loopback, the app calls RunTask for real, and the doubles'
// containers run as local processes.
export default motoSuiteConfig(['tests/acceptance/**/*.test.ts'], { test: { hookTimeout: 180_000, setupFiles: ['@harness/matchers/vitest'] } });

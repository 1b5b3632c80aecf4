import { motoSuiteConfig } from '../testing/vitest.moto.js';

// The snapshot across targets: the same workflow on the local target and on moto server (loopback).
export default motoSuiteConfig(['tests/integration/**/*.test.ts'], { test: { setupFiles: ['./src/vitest.ts'] } });

import { motoSuiteConfig } from '../packages/testing/vitest.moto.js';

// The example's stacks deploy to a real CloudFormation implementation (moto on loopback).
export default motoSuiteConfig(['tests/integration/**/*.test.ts']);

import { motoSuiteConfig } from './vitest.moto.js';

// Integration tests of harness's fixes to moto (moto/fix_*.py): each shows the difference
// from AWS on an unfixed server and the AWS behaviour on the run's (fixed) server.
export default motoSuiteConfig(['tests/integration/**/*.test.ts']);

import { motoSuiteConfig } from '../testing/vitest.moto.js';

// Integration tests: the built CLI deploys the Lambda doubles to a real moto
// server on loopback, and the built dist/lambda-double.mjs of
// @harness/container-agent runs in this process against it. Build first
// (`npx nx run-many -t build`): core, testing, cli, container-agent, lambda.
export default motoSuiteConfig(['tests/integration/**/*.test.ts']);

import { harnessCoverage } from '@harness/coverage';
import { defineConfig } from 'vitest/config';

// The example's local suite: the workflow and the order service on the local
// target. No AWS, no moto, no network.
export default defineConfig({
  test: {
    include: ['tests/workflow/**/*.test.ts', 'tests/service/**/*.test.ts'],
    testTimeout: 30_000,
    // State coverage of the order flow (both definitions): text summary, harness-coverage/index.html, and a failed
    // run when a state, Choice rule, Retry or Catch clause goes untested. HARNESS_COVERAGE=off leaves it out (the bench compares).
    reporters: process.env.HARNESS_COVERAGE === 'off' ? ['default'] : ['default', harnessCoverage({ threshold: 100, workflows: ['order-flow', 'order-flow-jsonata'] })],
    // expect(run).toHaveSucceeded(), toHaveTakenPath(…), expect(mock).toHaveBeenInvokedWith(…)…
    setupFiles: ['@harness/matchers/vitest'],
  },
});

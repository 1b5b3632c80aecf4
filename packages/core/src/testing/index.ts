/**
 * `@harness/core/testing`: the test kit for adapters. A fake
 * `AdapterSession` for an adapter's unit tests, and the adapter contract as
 * tests an adapter runs in its own suite. Framework-free: nothing here
 * imports a test runner, so it works under vitest, jest and `node:test`;
 * the contract takes the runner's `describe` and `it`.
 */
export {
  adapterContractChecks,
  CONTRACT_STACK,
  describeAdapterContract,
} from './contract.js';
export type {
  AdapterApiOf,
  AdapterContractCheck,
  AdapterContractOptions,
  DescribeAdapterContractOptions,
  InvalidConfigCase,
  TestFunctions,
} from './contract.js';
export { AdapterContractError, FakeSessionError } from './errors.js';
export { createFakeSession } from './fake-session.js';
export type { FakeInvocationFields, FakeRegistration, FakeSession, FakeSessionOptions } from './fake-session.js';
export { ALLOWED_INTRINSICS, TEMPLATE_LIMITS } from './template-rules.js';

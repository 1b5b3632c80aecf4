// Type tests, checked by `tsc` (npm run typecheck), not run: each @ts-expect-error line must not compile.
import type { TaskMock } from '@harness/ecs';
import type { FunctionMock } from '@harness/lambda';
import type { Execution } from '@harness/stepfunctions';
import { expect } from 'vitest';
import '../src/vitest.js';
import '../src/jest.js';

declare const run: Execution;
declare const render: TaskMock;
declare const charge: FunctionMock<{ amount: number }>;

export function vitestTypes(): void {
  expect(run).toHaveSucceeded();
  expect(run).toHaveTakenPath(['Validate', { state: 'Each', everyIteration: ['Render'] }, { state: 'Both', branches: [['L'], ['R']] }]);
  expect(run).toHaveRetried('Render', 2, { intervalsMs: [1000, 2000] });
  expect(render).toHaveBeenInvokedWith({ command: ['--order', 'o-1'], environment: { ORDER_ID: expect.any(String) } });
  expect(charge).toHaveBeenNthInvokedWith(1, { event: { amount: 3 } });
  // @ts-expect-error an execution has no invocations
  expect(run).toHaveBeenInvokedTimes(1);
  // @ts-expect-error a mock is not an execution
  expect(render).toHaveSucceeded();
  // @ts-expect-error the invocation's fields are typed: amount is a number
  expect(charge).toHaveBeenInvokedWith({ event: { amount: 'three' } });
  // @ts-expect-error a path is a list of steps
  expect(run).toHaveTakenPath('Validate');
}

export function jestTypes(matchers: jest.Matchers<void, Execution>, mock: jest.Matchers<void, TaskMock>): void {
  matchers.toHaveFailedWith('States.TaskFailed');
  mock.toHaveBeenInvokedTimes(2);
  // @ts-expect-error a mock is not an execution
  mock.toHaveSucceeded();
}

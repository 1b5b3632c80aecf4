import type { LocalIntegrationContext, LocalTaskInvocation, TaskCallbacks } from '@harness/core';
import { createFakeSession, type FakeSession } from '@harness/core/testing';
import { knownFamilies } from '../../src/adapter.js';
import type { EcsConfig } from '../../src/config.js';
import { createEcsMockApi, type EcsMockApi } from '../../src/mock.js';

/**
 * A session of the local target without core's harness: the mock API
 * registers handlers on it, and its context dispatches to them as core's
 * session does.
 */
export function localSession(config: EcsConfig): { api: EcsMockApi; context: LocalIntegrationContext; session: FakeSession } {
  const session = createFakeSession({ id: 's-local', stackName: 'hx-local' });
  return { api: createEcsMockApi(session, knownFamilies(config, {})), context: session.context, session };
}

/** One call a `.waitForTaskToken` task made back. */
export type CallbackCall =
  | { readonly kind: 'succeed'; readonly taskToken: string; readonly output: unknown }
  | { readonly kind: 'fail'; readonly taskToken: string; readonly error?: string; readonly cause?: string }
  | { readonly kind: 'ended'; readonly taskToken: string; readonly reason: string };

/** Task callbacks that record every call, with a bounded wait for the next one. */
export function recordingCallbacks(): TaskCallbacks & { readonly calls: CallbackCall[]; next(timeoutMs?: number): Promise<CallbackCall> } {
  const calls: CallbackCall[] = [];
  const waiters: ((call: CallbackCall) => void)[] = [];
  const record = (call: CallbackCall): void => {
    calls.push(call);
    waiters.splice(0).forEach((wake) => wake(call));
  };
  return {
    calls,
    succeed: (taskToken, output) => record({ kind: 'succeed', taskToken, output }),
    fail: (taskToken, error, cause) => record({ kind: 'fail', taskToken, ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) }),
    ended: (taskToken, reason) => record({ kind: 'ended', taskToken, reason }),
    next(timeoutMs = 15_000) {
      const seen = calls[0];
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no task callback within ${timeoutMs} ms (calls so far: none)`)), timeoutMs);
        waiters.push((call) => {
          clearTimeout(timer);
          resolve(call);
        });
      });
    },
  };
}

/** The Parameters of an `ecs:runTask` state, as the interpreter hands them over. */
export function runTaskParameters(family: string, overrides?: readonly Record<string, unknown>[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Cluster: 'arn:aws:ecs:eu-west-1:123456789012:cluster/orders',
    TaskDefinition: family,
    LaunchType: 'FARGATE',
    NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-0abc'], SecurityGroups: ['sg-0abc'], AssignPublicIp: 'DISABLED' } },
    ...(overrides ? { Overrides: { ContainerOverrides: overrides } } : {}),
    ...extra,
  };
}

let executions = 0;

/** A `Task` state's invocation, as the workflow driver builds it. */
export function taskInvocation(
  resource: string,
  input: unknown,
  options: { taskToken?: string; signal?: AbortSignal; callbacks?: TaskCallbacks } = {},
): LocalTaskInvocation {
  const name = `exec-${++executions}`;
  return {
    resource,
    stateName: 'RunRender',
    input,
    ...(options.taskToken !== undefined ? { taskToken: options.taskToken } : {}),
    execution: {
      arn: `arn:aws:states:eu-west-1:123456789012:execution:OrderFlow:${name}`,
      name,
      stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:OrderFlow',
    },
    signal: options.signal ?? new AbortController().signal,
    callbacks: options.callbacks ?? recordingCallbacks(),
  };
}

/** Waits for a condition, polling; on timeout says what it last saw. */
export async function waitUntil<T>(read: () => T, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const RUN_TASK = 'arn:aws:states:::ecs:runTask';
export const RUN_TASK_SYNC = 'arn:aws:states:::ecs:runTask.sync';
export const RUN_TASK_WAIT = 'arn:aws:states:::ecs:runTask.waitForTaskToken';

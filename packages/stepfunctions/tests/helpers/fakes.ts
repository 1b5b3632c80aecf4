import {
  StatesError,
  type AdapterSession,
  type InvocationHandler,
  type LocalIntegrationContext,
  type LocalServiceIntegration,
  type LocalTaskInvocation,
} from '@harness/core';
import { stepFunctionsAdapter } from '../../src/adapter.js';
import { parseStepFunctionsConfig } from '../../src/config.js';

/** A fake integration: answers every resource it is given with `answer`, and records each task. */
export function fakeIntegration(
  name: string,
  handles: (resource: string) => boolean,
  answer: (task: LocalTaskInvocation) => unknown = (task) => ({ from: name, state: task.stateName, input: task.input }),
): LocalServiceIntegration & { readonly tasks: LocalTaskInvocation[] } {
  const tasks: LocalTaskInvocation[] = [];
  return {
    name,
    tasks,
    handles,
    async invoke(task) {
      tasks.push(task);
      return answer(task);
    },
  };
}

/** Throws the given Step Functions error for every task. */
export function failingIntegration(name: string, handles: (resource: string) => boolean, error: string, cause?: string): LocalServiceIntegration {
  return fakeIntegration(name, handles, () => {
    throw new StatesError(error, cause);
  });
}

/**
 * A session of the local target, as core builds it: doubles registered on it
 * answer the Step Functions adapter's own local integration through `dispatch`.
 */
export function fakeLocalSession(extra: readonly LocalServiceIntegration[] = []): AdapterSession & { readonly handlers: Map<string, InvocationHandler> } {
  const handlers = new Map<string, InvocationHandler>();
  const context: LocalIntegrationContext = {
    session: 's-test',
    isMocked: (double) => handlers.has(double),
    async dispatch(message) {
      const handle = handlers.get(message.double);
      if (!handle) return { status: 'error', error: { name: 'NotMockedError', message: `no mock for ${message.double}` } };
      try {
        return { status: 'ok', value: await handle(message) };
      } catch (error) {
        return { status: 'error', error: { name: (error as Error).name, message: (error as Error).message } };
      }
    },
  };
  const integrations = [...extra, ...(stepFunctionsAdapter.localIntegrations?.(parseStepFunctionsConfig({}), context) ?? [])];
  return {
    id: 's-test',
    stackName: 'local',
    target: 'local',
    outputs: {},
    handlers,
    integrations: () => integrations,
    async register(double, handle) {
      handlers.set(double, handle);
    },
    async unregister(double) {
      handlers.delete(double);
    },
  };
}

/** A session of the aws target (no local integrations). */
export function fakeAwsSession(): AdapterSession {
  return {
    id: 's-aws',
    stackName: 'hx',
    target: 'aws',
    outputs: {},
    integrations: () => [],
    async register() {},
    async unregister() {},
  };
}

export const LAMBDA = 'arn:aws:states:::lambda:invoke';
export const ECS_SYNC = 'arn:aws:states:::ecs:runTask.sync';
export const ECS_CALLBACK = 'arn:aws:states:::ecs:runTask.waitForTaskToken';

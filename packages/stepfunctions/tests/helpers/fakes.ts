import { StatesError, type LocalServiceIntegration, type LocalTaskInvocation } from '@harness/core';

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

export const LAMBDA = 'arn:aws:states:::lambda:invoke';
export const ECS_SYNC = 'arn:aws:states:::ecs:runTask.sync';
export const ECS_CALLBACK = 'arn:aws:states:::ecs:runTask.waitForTaskToken';

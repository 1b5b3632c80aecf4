import type { Execution } from '@harness/stepfunctions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseExecution } from '../src/index.js';
import { failureMessage, openHarness, runFlow, type FlowHarness } from './support/runs.js';

let harness: FlowHarness;

beforeAll(async () => {
  harness = await openHarness();
});

afterAll(async () => {
  await harness?.close();
});

describe('Function: normaliseExecution', () => {
  it('gives two runs of the same workflow the same snapshot, though their names, ARNs and times differ', async () => {
    const first = await runFlow(harness, { flakyFailures: 1, right: 'Boom' });
    const second = await runFlow(harness, { flakyFailures: 1, right: 'Boom' });

    expect(first.name).not.toBe(second.name);
    expect(normaliseExecution(second)).toEqual(normaliseExecution(first));
  });

  it('replaces names, ARNs, UUIDs, tokens, timestamps and stack traces, and parses JSON text', () => {
    const name = '0b7c5f38-4c8e-4d8b-9a35-5e2d7e0f1a2b';
    const run: Execution = {
      executionArn: `arn:aws:states:eu-west-1:111122223333:execution:Flow:${name}`,
      stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:Flow',
      name,
      status: 'FAILED',
      error: 'States.TaskFailed',
      cause: JSON.stringify({ errorMessage: 'no', trace: ['at x (/home/me/a.js:1:1)'] }),
      input: { taskToken: 'AAAA-token', started: '2026-01-02T03:04:05.678Z', requestId: 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9' },
      startDate: new Date(0),
      stopDate: new Date(1),
      history: [
        { id: 1, previousEventId: 0, type: 'ExecutionStarted', timestamp: new Date(0), executionStartedEventDetails: { input: '{}' } },
        {
          id: 2,
          previousEventId: 0,
          type: 'TaskStateEntered',
          timestamp: new Date(0),
          stateEnteredEventDetails: {
            name: 'Run',
            input: JSON.stringify({
              env: [{ Name: 'TASK_TOKEN', Value: 'AAAA-token' }],
              parent: `arn:aws:states:eu-west-1:111122223333:execution:Flow:${name}`,
              task: 'arn:aws:ecs:eu-west-1:111122223333:task/c/0123456789abcdef0123456789abcdef',
              CreatedAt: 1767225600000,
              again: 'AAAA-token',
            }),
          },
        },
        { id: 3, previousEventId: 2, type: 'TaskFailed', timestamp: new Date(5), taskFailedEventDetails: { error: 'States.TaskFailed', cause: 'Tue, 02 Dec 2025 10:00:00 GMT' } },
        { id: 4, previousEventId: 3, type: 'ExecutionFailed', timestamp: new Date(6), executionFailedEventDetails: { error: 'States.TaskFailed' } },
      ],
    } as Execution;

    expect(normaliseExecution(run)).toEqual({
      status: 'FAILED',
      error: 'States.TaskFailed',
      cause: { errorMessage: 'no', trace: '<stack trace>' },
      input: { taskToken: '<task-token>', started: '<timestamp>', requestId: '<uuid-1>' },
      states: [
        {
          state: 'Run',
          type: 'Task',
          input: {
            env: [{ Name: 'TASK_TOKEN', Value: '<task-token>' }],
            parent: 'arn:aws:states:<region>:<account>:execution:Flow:<execution-name>',
            task: 'arn:aws:ecs:<region>:<account>:task/c/<id>',
            CreatedAt: '<timestamp>',
            again: '<task-token>',
          },
          error: 'States.TaskFailed',
          cause: '<timestamp>',
        },
      ],
    });
  });
});

describe('Matcher: toMatchExecutionSnapshot', () => {
  it('snapshots the normalised execution', async () => {
    const run = await runFlow(harness, { flakyFailures: 2, right: 'Boom' });

    expect(run).toMatchExecutionSnapshot();
    expect(run).toMatchExecutionSnapshot('path only', { stateData: false });
  });

  it('cannot be negated', async () => {
    const run = await runFlow(harness, {});
    expect(failureMessage(() => expect(run).not.toMatchExecutionSnapshot())).toContain('toMatchExecutionSnapshot: cannot be used with .not');
  });
});

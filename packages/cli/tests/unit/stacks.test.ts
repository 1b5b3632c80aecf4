import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  UpdateStackCommand,
  type ResourceStatus,
  type StackEvent,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteStack, deployStack, formatStackEvent, sameTemplate, stackOutputs, waitForStack } from '../../src/aws/stacks.js';
import { StackOperationError, StackWaitTimeoutError } from '../../src/errors.js';

const cfnMock = mockClient(CloudFormationClient);
const client = new CloudFormationClient({ region: 'us-east-1' });
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/harness-dev-core/1';
const TEMPLATE = JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: { Table: { Type: 'AWS::DynamoDB::Table' } } });
const noSleep = { timeoutMs: 60_000, sleep: async () => {} };

const notFound = Object.assign(new Error('Stack with id harness-dev-core does not exist'), { name: 'ValidationError' });
const event = (id: string, logicalId: string, status: ResourceStatus, reason?: string): StackEvent => ({
  EventId: id,
  StackId: STACK_ID,
  StackName: 'harness-dev-core',
  LogicalResourceId: logicalId,
  ResourceType: logicalId === 'harness-dev-core' ? 'AWS::CloudFormation::Stack' : 'AWS::DynamoDB::Table',
  ResourceStatus: status,
  ...(reason ? { ResourceStatusReason: reason } : {}),
  Timestamp: new Date('2026-01-01T10:00:00Z'),
});
const stack = (status: StackStatus, extra: object = {}) => ({
  Stacks: [{ StackId: STACK_ID, StackName: 'harness-dev-core', StackStatus: status, CreationTime: new Date(), ...extra }],
});

beforeEach(() => cfnMock.reset());
afterEach(() => cfnMock.reset());

describe('Function: deployStack', () => {
  it('creates a stack that does not exist, with named-IAM capability and tags, and reports its events oldest first', async () => {
    // Arrange
    cfnMock.on(DescribeStacksCommand).rejectsOnce(notFound).resolvesOnce(stack('CREATE_IN_PROGRESS')).resolves(stack('CREATE_COMPLETE'));
    cfnMock.on(CreateStackCommand).resolves({ StackId: STACK_ID });
    cfnMock
      .on(DescribeStackEventsCommand)
      .resolvesOnce({ StackEvents: [event('e1', 'harness-dev-core', 'CREATE_IN_PROGRESS', 'User Initiated')] })
      .resolves({
        StackEvents: [
          event('e3', 'harness-dev-core', 'CREATE_COMPLETE'),
          event('e2', 'Table', 'CREATE_COMPLETE'),
          event('e1', 'harness-dev-core', 'CREATE_IN_PROGRESS', 'User Initiated'),
        ],
      });
    const seen: string[] = [];

    // Act
    const result = await deployStack(client, {
      stackName: 'harness-dev-core',
      templateBody: TEMPLATE,
      tags: [{ Key: 'harness:stack', Value: 'harness-dev' }],
      ...noSleep,
      onEvent: (stackEvent) => seen.push(`${stackEvent.LogicalResourceId} ${stackEvent.ResourceStatus}`),
    });

    // Assert
    expect(result.action).toBe('created');
    expect(result.stack.StackStatus).toBe('CREATE_COMPLETE');
    expect(cfnMock.commandCalls(CreateStackCommand)[0]?.args[0].input).toEqual({
      StackName: 'harness-dev-core',
      TemplateBody: TEMPLATE,
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      Tags: [{ Key: 'harness:stack', Value: 'harness-dev' }],
    });
    expect(seen).toEqual(['harness-dev-core CREATE_IN_PROGRESS', 'Table CREATE_COMPLETE', 'harness-dev-core CREATE_COMPLETE']);
  });

  it('leaves a stack alone when its deployed template is the same (key order and spacing aside)', async () => {
    // Arrange
    cfnMock.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));
    cfnMock.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(JSON.parse(TEMPLATE), null, 2) });

    // Act
    const result = await deployStack(client, { stackName: 'harness-dev-core', templateBody: TEMPLATE, ...noSleep });

    // Assert
    expect(result.action).toBe('unchanged');
    expect(cfnMock.commandCalls(UpdateStackCommand)).toHaveLength(0);
  });

  it('treats "No updates are to be performed" as success', async () => {
    // Arrange
    cfnMock.on(DescribeStacksCommand).resolves(stack('CREATE_COMPLETE'));
    cfnMock.on(GetTemplateCommand).resolves({ TemplateBody: '{"different": true}' });
    cfnMock.on(DescribeStackEventsCommand).resolves({ StackEvents: [event('e1', 'harness-dev-core', 'CREATE_COMPLETE')] });
    cfnMock.on(UpdateStackCommand).rejects(Object.assign(new Error('No updates are to be performed.'), { name: 'ValidationError' }));

    // Act
    const result = await deployStack(client, { stackName: 'harness-dev-core', templateBody: TEMPLATE, ...noSleep });

    // Assert
    expect(result.action).toBe('unchanged');
  });

  it('updates a changed stack and reports only the events of this update', async () => {
    // Arrange
    cfnMock.on(DescribeStacksCommand).resolvesOnce(stack('CREATE_COMPLETE')).resolves(stack('UPDATE_COMPLETE'));
    cfnMock.on(GetTemplateCommand).resolves({ TemplateBody: '{"old": true}' });
    cfnMock
      .on(DescribeStackEventsCommand)
      .resolvesOnce({ StackEvents: [event('old', 'harness-dev-core', 'CREATE_COMPLETE')] })
      .resolves({
        StackEvents: [
          event('u2', 'harness-dev-core', 'UPDATE_COMPLETE'),
          event('u1', 'harness-dev-core', 'UPDATE_IN_PROGRESS', 'User Initiated'),
          event('old', 'harness-dev-core', 'CREATE_COMPLETE'),
        ],
      });
    cfnMock.on(UpdateStackCommand).resolves({ StackId: STACK_ID });
    const seen: string[] = [];

    // Act
    const result = await deployStack(client, {
      stackName: 'harness-dev-core',
      templateBody: TEMPLATE,
      templateUrl: 'https://bucket.s3.us-east-1.amazonaws.com/templates/t.json',
      ...noSleep,
      onEvent: (stackEvent) => seen.push(stackEvent.EventId ?? ''),
    });

    // Assert
    expect(result.action).toBe('updated');
    expect(seen).toEqual(['u1', 'u2']);
    expect(cfnMock.commandCalls(UpdateStackCommand)[0]?.args[0].input).toMatchObject({
      StackName: STACK_ID,
      TemplateURL: 'https://bucket.s3.us-east-1.amazonaws.com/templates/t.json',
    });
  });

  it('replaces a stack left in ROLLBACK_COMPLETE by a failed create', async () => {
    // Arrange
    cfnMock
      .on(DescribeStacksCommand)
      .resolvesOnce(stack('ROLLBACK_COMPLETE')) // deployStack looks
      .resolvesOnce(stack('ROLLBACK_COMPLETE')) // deleteStack looks
      .resolvesOnce(stack('DELETE_COMPLETE')) // delete done
      .resolves(stack('CREATE_COMPLETE'));
    cfnMock.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    cfnMock.on(CreateStackCommand).resolves({ StackId: STACK_ID });
    const notes: string[] = [];

    // Act
    const result = await deployStack(client, { stackName: 'harness-dev-core', templateBody: TEMPLATE, ...noSleep, onNote: (note) => notes.push(note) });

    // Assert
    expect(result.action).toBe('created');
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(1);
    expect(notes).toEqual(['harness-dev-core is ROLLBACK_COMPLETE after a failed create; deleting it to create it again.']);
  });

  it('fails with the failed resources\' reasons when the create rolls back', async () => {
    // Arrange
    cfnMock.on(DescribeStacksCommand).rejectsOnce(notFound).resolves(stack('ROLLBACK_COMPLETE'));
    cfnMock.on(CreateStackCommand).resolves({ StackId: STACK_ID });
    cfnMock.on(DescribeStackEventsCommand).resolves({
      StackEvents: [
        event('e4', 'harness-dev-core', 'ROLLBACK_COMPLETE'),
        event('e3', 'Table', 'CREATE_FAILED', 'Resource handler returned message: "Access Denied"'),
        event('e2', 'harness-dev-core', 'CREATE_IN_PROGRESS', 'User Initiated'),
      ],
    });

    // Act
    const error = await deployStack(client, { stackName: 'harness-dev-core', templateBody: TEMPLATE, ...noSleep }).catch((thrown: unknown) => thrown);

    // Assert
    expect(error).toBeInstanceOf(StackOperationError);
    expect((error as Error).message).toMatchInlineSnapshot(`
      "Could not create stack harness-dev-core: it ended ROLLBACK_COMPLETE.
        Table (AWS::DynamoDB::Table): Resource handler returned message: "Access Denied"
      To fix this, correct what the reasons above name and run \`npx harness deploy\` again (it replaces the rolled-back stack harness-dev-core)."
    `);
  });
});

describe('Function: waitForStack', () => {
  it('gives up at the timeout, naming the stack and the last status it saw', async () => {
    // Arrange
    cfnMock.on(DescribeStacksCommand).resolves(stack('UPDATE_IN_PROGRESS'));
    cfnMock.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    let now = 0;

    // Act
    const error = await waitForStack(client, STACK_ID, 'harness-dev-core', 'update', {
      timeoutMs: 30 * 60_000,
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    }).catch((thrown: unknown) => thrown);

    // Assert
    expect(error).toBeInstanceOf(StackWaitTimeoutError);
    expect((error as Error).message).toMatchInlineSnapshot(`"Stack harness-dev-core was still UPDATE_IN_PROGRESS after 30 min. To fix this, look at its events in the CloudFormation console (it keeps going without the CLI), then run the command again, or raise --timeout."`);
  });

  it('backs off between polls up to the maximum', async () => {
    // Arrange
    cfnMock.on(DescribeStacksCommand).resolves(stack('UPDATE_IN_PROGRESS'));
    cfnMock.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    const sleeps: number[] = [];
    let now = 0;

    // Act
    await waitForStack(client, STACK_ID, 'harness-dev-core', 'update', {
      timeoutMs: 20_000,
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    }).catch(() => undefined);

    // Assert
    expect(sleeps.slice(0, 6)).toEqual([1000, 1500, 2250, 3375, 5000, 5000]);
  });
});

describe('Function: deleteStack', () => {
  it('says "absent" for a stack that is not there', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(notFound);

    await expect(deleteStack(client, { stackName: 'harness-dev-ecs', ...noSleep })).resolves.toBe('absent');
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it('deletes by stack id and waits for DELETE_COMPLETE', async () => {
    // Arrange
    cfnMock.on(DescribeStacksCommand).resolvesOnce(stack('CREATE_COMPLETE')).resolves(stack('DELETE_COMPLETE'));
    cfnMock.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });

    // Act
    const result = await deleteStack(client, { stackName: 'harness-dev-core', ...noSleep });

    // Assert
    expect(result).toBe('deleted');
    expect(cfnMock.commandCalls(DeleteStackCommand)[0]?.args[0].input).toEqual({ StackName: STACK_ID });
  });

  it('fails with the reason when the delete fails', async () => {
    // Arrange
    cfnMock.on(DescribeStacksCommand).resolvesOnce(stack('CREATE_COMPLETE')).resolves(stack('DELETE_FAILED'));
    cfnMock
      .on(DescribeStackEventsCommand)
      .resolvesOnce({ StackEvents: [] })
      .resolves({ StackEvents: [event('d1', 'Table', 'DELETE_FAILED', 'The bucket you tried to delete is not empty')] });

    // Act
    const error = await deleteStack(client, { stackName: 'harness-dev-core', ...noSleep }).catch((thrown: unknown) => thrown);

    // Assert
    expect(error).toBeInstanceOf(StackOperationError);
    expect((error as Error).message).toContain('Table (AWS::DynamoDB::Table): The bucket you tried to delete is not empty');
    expect((error as Error).message).toContain('run `npx harness destroy` again');
  });
});

describe('Helpers', () => {
  it('compares templates as JSON', () => {
    expect(sameTemplate('{"a":1,"b":[1,2]}', '{ "b": [1, 2], "a": 1 }')).toBe(true);
    expect(sameTemplate('{"a":1,"b":[2,1]}', '{"a":1,"b":[1,2]}')).toBe(false);
    expect(sameTemplate('Resources: {}', '{}')).toBe(false);
    expect(sameTemplate(undefined, '{}')).toBe(false);
  });

  it('turns outputs into a record', () => {
    expect(stackOutputs({ StackName: 's', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: [{ OutputKey: 'A', OutputValue: '1' }] })).toEqual({ A: '1' });
    expect(stackOutputs(undefined)).toEqual({});
  });

  it('formats an event as time, logical id, type, status and reason', () => {
    const line = formatStackEvent(event('e', 'Table', 'CREATE_FAILED', 'Access Denied'));

    expect(line).toMatch(/^\d\d:\d\d:\d\d {2}Table +AWS::DynamoDB::Table +CREATE_FAILED {2}Access Denied$/);
  });
});

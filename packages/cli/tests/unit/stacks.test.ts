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
  StackStatus as STACK_STATUSES,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  deleteStack,
  deployStack,
  formatStackEvent,
  sameTemplate,
  stackOutputs,
  stackStatusFix,
  stackStatusPlan,
  waitForStack,
  type StackOwnership,
} from '../../src/aws/stacks.js';
import { ForeignStackError, ResourcesLeftBehindError, StackOperationError, StackStateError, StackWaitTimeoutError } from '../../src/errors.js';

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
    expect(notes).toEqual(['harness-dev-core is ROLLBACK_COMPLETE; deleting it to create it again.']);
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

describe('Function: deployStack › ownership', () => {
  const harnessTags = [
    { Key: 'harness:stack', Value: 'harness-dev' },
    { Key: 'harness:component', Value: 'core' },
  ];
  const ownership: StackOwnership = { tags: harnessTags, command: 'deploy' };

  it('refuses a stack without harness\'s tags, naming it and the way forward, and touches nothing', async () => {
    // Arrange
    cfnMock.on(DescribeStacksCommand).resolves(stack('CREATE_COMPLETE', { Tags: [{ Key: 'team', Value: 'payments' }] }));

    // Act
    const error = await deployStack(client, { stackName: 'harness-dev-core', templateBody: TEMPLATE, tags: harnessTags, ownership, ...noSleep }).catch(
      (thrown: unknown) => thrown,
    );

    // Assert
    expect(error).toBeInstanceOf(ForeignStackError);
    expect((error as Error).message).toMatchInlineSnapshot(
      `"Stack harness-dev-core was not deployed by harness for this stack: it should carry the tags harness:stack=harness-dev, harness:component=core, and its tags are team=payments. harness deploy left it alone. To fix this, choose another harness stack name (--stack, or "stack" in harness.config.json); or, if harness-dev-core is a harness stack deployed without the CLI, pass --adopt to let harness tag it and take it over (its template is replaced by harness's)."`,
    );
    expect(cfnMock.commandCalls(UpdateStackCommand)).toHaveLength(0);
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it('refuses a stack tagged for another harness stack even with adopt', async () => {
    // Arrange
    cfnMock.on(DescribeStacksCommand).resolves(stack('ROLLBACK_COMPLETE', { Tags: [{ Key: 'harness:stack', Value: 'harness' }, { Key: 'harness:component', Value: 'dev-core' }] }));

    // Act
    const error = await deployStack(client, { stackName: 'harness-dev-core', templateBody: TEMPLATE, ownership: { ...ownership, adopt: true }, ...noSleep }).catch(
      (thrown: unknown) => thrown,
    );

    // Assert
    expect((error as ForeignStackError).untagged).toBe(false);
    expect((error as Error).message).toContain('belongs to another harness stack');
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it('adopts an untagged stack with adopt: the update puts harness\'s tags on it', async () => {
    // Arrange
    cfnMock.on(DescribeStacksCommand).resolvesOnce(stack('CREATE_COMPLETE')).resolves(stack('UPDATE_COMPLETE', { Tags: harnessTags }));
    cfnMock.on(GetTemplateCommand).resolves({ TemplateBody: TEMPLATE });
    cfnMock.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    cfnMock.on(UpdateStackCommand).resolves({});

    // Act
    const result = await deployStack(client, { stackName: 'harness-dev-core', templateBody: TEMPLATE, tags: harnessTags, ownership: { ...ownership, adopt: true }, ...noSleep });

    // Assert
    expect(result.action).toBe('updated');
    expect(cfnMock.commandCalls(UpdateStackCommand)[0]?.args[0].input.Tags).toEqual(harnessTags);
  });
});

describe('Function: deployStack › every stack status', () => {
  it('has a plan for every status CloudFormation defines, and only failed rollbacks need a person', () => {
    const plans = Object.values(STACK_STATUSES).map((status) => [status, stackStatusPlan(status)] as const);

    expect(plans.filter(([, plan]) => plan === 'stuck').map(([status]) => status).sort()).toEqual(['IMPORT_ROLLBACK_FAILED', 'UPDATE_ROLLBACK_FAILED']);
    expect(plans.filter(([, plan]) => plan === 'wait').every(([status]) => status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS')).toBe(true);
  });

  it.each(['CREATE_FAILED', 'ROLLBACK_FAILED', 'DELETE_FAILED', 'REVIEW_IN_PROGRESS'] as const)('deletes a stack in %s and creates it again, never calling it "no changes"', async (status) => {
    // Arrange
    cfnMock
      .on(DescribeStacksCommand)
      .resolvesOnce(stack(status, { StackStatusReason: 'The following resource(s) failed: [Table]' }))
      .resolvesOnce(stack(status))
      .resolvesOnce(stack('DELETE_COMPLETE'))
      .resolves(stack('CREATE_COMPLETE'));
    cfnMock.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    cfnMock.on(CreateStackCommand).resolves({ StackId: STACK_ID });
    const notes: string[] = [];

    // Act
    const result = await deployStack(client, { stackName: 'harness-dev-core', templateBody: TEMPLATE, ...noSleep, onNote: (note) => notes.push(note) });

    // Assert
    expect(result.action).toBe('created');
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(1);
    expect(cfnMock.commandCalls(GetTemplateCommand)).toHaveLength(0);
    expect(notes[0]).toBe(`harness-dev-core is ${status} (The following resource(s) failed: [Table]); deleting it to create it again.`);
  });

  it('fails on UPDATE_ROLLBACK_FAILED with the reason and how to finish the rollback, without updating', async () => {
    // Arrange
    cfnMock.on(DescribeStacksCommand).resolves(stack('UPDATE_ROLLBACK_FAILED', { StackStatusReason: 'Table could not be rolled back' }));

    // Act
    const error = await deployStack(client, { stackName: 'harness-dev-core', templateBody: TEMPLATE, ...noSleep }).catch((thrown: unknown) => thrown);

    // Assert
    expect(error).toBeInstanceOf(StackStateError);
    expect((error as Error).message).toContain('Stack harness-dev-core is UPDATE_ROLLBACK_FAILED (Table could not be rolled back), so harness cannot deploy it. To fix this, finish the rollback: `aws cloudformation continue-update-rollback --stack-name harness-dev-core`');
    expect(cfnMock.commandCalls(UpdateStackCommand)).toHaveLength(0);
  });

  it('updates a stack in UPDATE_FAILED again even when its template is the same', async () => {
    // Arrange
    cfnMock.on(DescribeStacksCommand).resolvesOnce(stack('UPDATE_FAILED')).resolves(stack('UPDATE_COMPLETE'));
    cfnMock.on(GetTemplateCommand).resolves({ TemplateBody: TEMPLATE });
    cfnMock.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    cfnMock.on(UpdateStackCommand).resolves({});

    // Act
    const result = await deployStack(client, { stackName: 'harness-dev-core', templateBody: TEMPLATE, ...noSleep });

    // Assert
    expect(result.action).toBe('updated');
    expect(cfnMock.commandCalls(UpdateStackCommand)).toHaveLength(1);
  });

  it('says how to go on from every status tests cannot use', () => {
    for (const status of Object.values(STACK_STATUSES)) {
      const fix = stackStatusFix('harness-dev-core', status);
      expect(fix).toMatch(stackStatusPlan(status) === 'update' ? /usable/ : /npx harness deploy|npx harness destroy/);
    }
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

describe('Function: deleteStack › what it leaves behind', () => {
  it('reports the resources whose delete failed although the stack ended DELETE_COMPLETE (as LocalStack does)', async () => {
    // Arrange
    cfnMock.on(DescribeStacksCommand).resolvesOnce(stack('CREATE_COMPLETE')).resolves(stack('DELETE_COMPLETE'));
    cfnMock
      .on(DescribeStackEventsCommand)
      .resolvesOnce({ StackEvents: [] })
      .resolves({
        StackEvents: [
          event('d3', 'harness-dev-core', 'DELETE_COMPLETE'),
          event('d2', 'Table', 'DELETE_FAILED', 'Table is in use'),
          event('d1', 'Table', 'DELETE_IN_PROGRESS'),
        ],
      });

    // Act
    const error = await deleteStack(client, { stackName: 'harness-dev-core', ...noSleep }).catch((thrown: unknown) => thrown);

    // Assert
    expect(error).toBeInstanceOf(ResourcesLeftBehindError);
    expect((error as Error).message).toBe(
      'Stack harness-dev-core is deleted, but 1 of its resource was not:\n  Table (AWS::DynamoDB::Table): Table is in use\nTo fix this, delete what is listed by hand (it no longer belongs to any stack), e.g. with the AWS CLI or the console.',
    );
  });

  it('refuses to delete a stack that is not harness\'s', async () => {
    // Arrange
    cfnMock.on(DescribeStacksCommand).resolves(stack('CREATE_COMPLETE'));

    // Act
    const error = await deleteStack(client, {
      stackName: 'harness-dev-core',
      ownership: { tags: [{ Key: 'harness:stack', Value: 'harness-dev' }], command: 'destroy' },
      ...noSleep,
    }).catch((thrown: unknown) => thrown);

    // Assert
    expect(error).toBeInstanceOf(ForeignStackError);
    expect((error as Error).message).toContain('harness destroy left it alone and deleted nothing');
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
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

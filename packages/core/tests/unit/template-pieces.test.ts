import { describe, expect, it } from 'vitest';
import * as core from '../../src/index.js';
import {
  accountArn,
  arnOutput,
  getAttArn,
  inlinePolicy,
  logGroupResource,
  logStreamsArn,
  policyDocument,
  readTablesStatement,
  refOutput,
  roleResource,
  sendToSessionQueuesStatement,
  serviceRoleTrust,
  taskCallbackStatement,
  writeLogsStatement,
} from '../../src/template-pieces.js';

const SAME_ACCOUNT = { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } };

describe('Module: template-pieces', () => {
  it('is exported from the package entry point', () => {
    expect(core.serviceRoleTrust).toBe(serviceRoleTrust);
    expect(core.readTablesStatement).toBe(readTablesStatement);
    expect(core.sendToSessionQueuesStatement).toBe(sendToSessionQueuesStatement);
    expect(core.taskCallbackStatement).toBe(taskCallbackStatement);
    expect(core.IAM_POLICY_VERSION).toBe('2012-10-17');
  });

  it('accountArn builds an Fn::Sub ARN in the stack account and region', () => {
    expect(accountArn('sqs', 'q-*')).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q-*' });
  });

  it('getAttArn takes the Arn attribute of a resource', () => {
    expect(getAttArn('Role')).toEqual({ 'Fn::GetAtt': ['Role', 'Arn'] });
  });

  it('serviceRoleTrust trusts one service for this account only by default', () => {
    expect(JSON.stringify(serviceRoleTrust('lambda.amazonaws.com'))).toBe(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: SAME_ACCOUNT },
        ],
      }),
    );
  });

  it('serviceRoleTrust can leave out the aws:SourceAccount condition', () => {
    const trust = serviceRoleTrust('ecs-tasks.amazonaws.com', { sameAccountOnly: false });
    expect(trust.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    expect(trust.Statement[0]).not.toHaveProperty('Condition');
  });

  it('returns fresh objects on every call', () => {
    const a = serviceRoleTrust('states.amazonaws.com');
    const b = serviceRoleTrust('states.amazonaws.com');
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    expect(a.Statement[0]?.Condition).not.toBe(b.Statement[0]?.Condition);
  });

  it('readTablesStatement allows GetItem and BatchGetItem on the routes and results tables only', () => {
    expect(readTablesStatement({ routesTable: 'routes-T', resultsTable: 'results-T' })).toEqual({
      Sid: 'ReadRouteAndResult',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
      Resource: [
        { 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/routes-T' },
        { 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/results-T' },
      ],
    });
  });

  it('sendToSessionQueuesStatement allows SendMessage on the stack session queues', () => {
    expect(sendToSessionQueuesStatement('harness-dev')).toEqual({
      Sid: 'SendInvocation',
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:harness-dev-session-*' },
    });
  });

  it('taskCallbackStatement allows answering task tokens (no resource-level permissions)', () => {
    expect(taskCallbackStatement()).toEqual({
      Sid: 'AnswerTaskToken',
      Effect: 'Allow',
      Action: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
      Resource: '*',
    });
  });

  it('writeLogsStatement writes log events, with a Sid first when given one', () => {
    const streams = logStreamsArn('/aws/lambda/F');
    expect(streams).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/F:*' });
    expect(JSON.stringify(writeLogsStatement([streams], 'WriteOwnLogs'))).toBe(
      JSON.stringify({ Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [streams] }),
    );
    expect(writeLogsStatement(streams)).toEqual({ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: streams });
    expect(writeLogsStatement(streams)).not.toHaveProperty('Sid');
  });

  it('policyDocument, inlinePolicy and roleResource assemble an IAM role', () => {
    const statements = [taskCallbackStatement()];
    expect(policyDocument(statements)).toEqual({ Version: '2012-10-17', Statement: statements });
    const policy = inlinePolicy('answer', statements);
    expect(policy).toEqual({ PolicyName: 'answer', PolicyDocument: { Version: '2012-10-17', Statement: statements } });
    const trust = serviceRoleTrust('states.amazonaws.com');
    expect(JSON.stringify(roleResource('a role', trust, [policy]))).toBe(
      JSON.stringify({ Type: 'AWS::IAM::Role', Properties: { Description: 'a role', AssumeRolePolicyDocument: trust, Policies: [policy] } }),
    );
  });

  it('logGroupResource names a log group and its retention', () => {
    expect(logGroupResource('/harness/x/ecs', 7)).toEqual({
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: '/harness/x/ecs', RetentionInDays: 7 },
    });
  });

  it('refOutput and arnOutput describe a resource reference', () => {
    expect(refOutput('Cluster name', 'Cluster')).toEqual({ Description: 'Cluster name', Value: { Ref: 'Cluster' } });
    expect(arnOutput('Cluster ARN', 'Cluster')).toEqual({ Description: 'Cluster ARN', Value: { 'Fn::GetAtt': ['Cluster', 'Arn'] } });
  });
});

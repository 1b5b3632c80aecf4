import { sessionQueuePrefix } from './stacks.js';
import type { CloudFormationOutput, CloudFormationResource, CoreResources } from './types/adapter.js';

/**
 * Small pure building blocks the adapters' CloudFormation templates share:
 * service roles, the IAM statements every double needs to answer through the
 * harness, log groups and outputs. Each returns a fresh plain object.
 */

/** The IAM policy language version every harness policy is written in. */
export const IAM_POLICY_VERSION = '2012-10-17';

/** One statement of an IAM policy document. */
export type IamStatement = {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Record<string, unknown>;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, unknown>;
};

/** An IAM policy document. */
export type IamPolicyDocument = {
  Version: typeof IAM_POLICY_VERSION;
  Statement: IamStatement[];
};

/** An inline policy of an `AWS::IAM::Role`. */
export type IamInlinePolicy = {
  PolicyName: string;
  PolicyDocument: IamPolicyDocument;
};

/**
 * ARN of a resource of this stack's account and region, as `Fn::Sub` (so
 * `${LogicalId}` references in `resource` resolve too).
 *
 * @example
 * accountArn('sqs', 'harness-dev-session-*');
 * // { 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:harness-dev-session-*' }
 */
export function accountArn(service: string, resource: string): { 'Fn::Sub': string } {
  return { 'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}` };
}

/** `Fn::GetAtt` of a resource's `Arn`. */
export function getAttArn(logicalId: string): { 'Fn::GetAtt': [string, 'Arn'] } {
  return { 'Fn::GetAtt': [logicalId, 'Arn'] };
}

/** A policy document of the given statements. */
export function policyDocument(statements: IamStatement[]): IamPolicyDocument {
  return { Version: IAM_POLICY_VERSION, Statement: statements };
}

/** An inline role policy of the given statements. */
export function inlinePolicy(name: string, statements: IamStatement[]): IamInlinePolicy {
  return { PolicyName: name, PolicyDocument: policyDocument(statements) };
}

/**
 * Trust policy of a role one AWS service assumes; by default for this
 * stack's account only (the `aws:SourceAccount` condition).
 *
 * @example
 * serviceRoleTrust('lambda.amazonaws.com');
 * serviceRoleTrust('ecs-tasks.amazonaws.com', { sameAccountOnly: false });
 */
export function serviceRoleTrust(service: string, options: { sameAccountOnly?: boolean } = {}): IamPolicyDocument {
  const { sameAccountOnly = true } = options;
  return policyDocument([
    {
      Effect: 'Allow',
      Principal: { Service: service },
      Action: 'sts:AssumeRole',
      ...(sameAccountOnly ? { Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } } : {}),
    },
  ]);
}

/** An `AWS::IAM::Role` with a trust policy and inline policies. */
export function roleResource(description: string, trust: IamPolicyDocument, policies: IamInlinePolicy[]): CloudFormationResource {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: description,
      AssumeRolePolicyDocument: trust,
      Policies: policies,
    },
  };
}

/**
 * A double may read its route and its result: `dynamodb:GetItem`, and `dynamodb:BatchGetItem` (the result
 * and the route in one read while it waits), on the routes and results tables.
 */
export function readTablesStatement(core: Pick<CoreResources, 'routesTable' | 'resultsTable'>): IamStatement {
  return {
    Sid: 'ReadRouteAndResult',
    Effect: 'Allow',
    Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
    Resource: [accountArn('dynamodb', `table/${core.routesTable}`), accountArn('dynamodb', `table/${core.resultsTable}`)],
  };
}

/** A double may send an invocation to any session queue of the stack. */
export function sendToSessionQueuesStatement(stack: string): IamStatement {
  return {
    Sid: 'SendInvocation',
    Effect: 'Allow',
    Action: 'sqs:SendMessage',
    Resource: accountArn('sqs', `${sessionQueuePrefix(stack)}*`),
  };
}

/** A double may answer a Step Functions task token. */
export function taskCallbackStatement(): IamStatement {
  return {
    // SendTaskSuccess and SendTaskFailure have no resource-level permissions
    // (the task token is the authorization), so `*` is the only valid resource.
    Sid: 'AnswerTaskToken',
    Effect: 'Allow',
    Action: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
    Resource: '*',
  };
}

/** The log streams of a log group (its name may be a `${LogicalId}` reference). */
export function logStreamsArn(logGroupName: string): { 'Fn::Sub': string } {
  return accountArn('logs', `log-group:${logGroupName}:*`);
}

/** Writing log events (not creating log groups) to the given log streams. */
export function writeLogsStatement(resource: unknown, sid?: string): IamStatement {
  return {
    ...(sid !== undefined ? { Sid: sid } : {}),
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: resource,
  };
}

/** An `AWS::Logs::LogGroup` with a name and a retention. */
export function logGroupResource(name: string, retentionInDays: number): CloudFormationResource {
  return {
    Type: 'AWS::Logs::LogGroup',
    Properties: { LogGroupName: name, RetentionInDays: retentionInDays },
  };
}

/** An output of a resource's `Ref`. */
export function refOutput(description: string, logicalId: string): CloudFormationOutput {
  return { Description: description, Value: { Ref: logicalId } };
}

/** An output of a resource's ARN (`Fn::GetAtt … Arn`). */
export function arnOutput(description: string, logicalId: string): CloudFormationOutput {
  return { Description: description, Value: getAttArn(logicalId) };
}

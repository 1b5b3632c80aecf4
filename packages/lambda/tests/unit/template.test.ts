import type { TemplateContext } from '@harness/core';
import { describe, expect, it } from 'vitest';
import { parseLambdaConfig } from '../../src/config.js';
import { LambdaConfigError } from '../../src/errors.js';
import { deployedFunctionName, functionArnOutputKey, functionLogicalName, lambdaTemplate } from '../../src/template.js';

const context: TemplateContext = {
  stackName: 'hx',
  core: { routesTable: 'hx-routes', resultsTable: 'hx-results', artifactsBucket: 'hx-artifacts' },
  artifacts: { 'lambda-double': { key: 'agents/lambda-double-abc.zip', sha256: 'abc' } },
};
const config = parseLambdaConfig({ functions: { ChargeCard: {}, 'ship-order': { runtime: 'nodejs20.x', timeoutSeconds: 60, memoryMb: 512 } } });
const sub = (text: string) => ({ 'Fn::Sub': text });

describe('Function: lambdaTemplate', () => {
  it('declares a function per configured name running the Lambda double from the artifacts bucket', () => {
    // Act
    const template = lambdaTemplate(config, context);

    // Assert
    expect(template.Resources.FunctionChargeCard).toEqual({
      Type: 'AWS::Lambda::Function',
      DependsOn: 'LogGroupChargeCard',
      Properties: {
        FunctionName: 'hx-ChargeCard',
        Description: 'harness double of ChargeCard: forwards each invocation to the test session that mocked it',
        Runtime: 'nodejs22.x',
        Handler: 'lambda-double.handler',
        Code: { S3Bucket: 'hx-artifacts', S3Key: 'agents/lambda-double-abc.zip' },
        Role: { 'Fn::GetAtt': ['FunctionRole', 'Arn'] },
        Timeout: 30,
        MemorySize: 256,
        Environment: {
          Variables: {
            HARNESS_ROUTES_TABLE: 'hx-routes',
            HARNESS_RESULTS_TABLE: 'hx-results',
            HARNESS_DOUBLE: 'lambda:ChargeCard',
            HARNESS_TIMEOUT_MS: '30000',
          },
        },
      },
    });
    expect(template.Resources.Functionshiporder?.Properties).toMatchObject({
      FunctionName: 'hx-ship-order',
      Runtime: 'nodejs20.x',
      Timeout: 60,
      MemorySize: 512,
      Environment: { Variables: { HARNESS_DOUBLE: 'lambda:ship-order', HARNESS_TIMEOUT_MS: '60000' } },
    });
  });

  it('declares each function\'s log group with a retention, and outputs each function\'s ARN', () => {
    // Act
    const template = lambdaTemplate(config, context);

    // Assert
    expect(template.Resources.LogGroupChargeCard).toEqual({
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: '/aws/lambda/hx-ChargeCard', RetentionInDays: 14 },
    });
    expect(template.Resources.LogGroupshiporder?.Properties).toEqual({ LogGroupName: '/aws/lambda/hx-ship-order', RetentionInDays: 14 });
    expect(template.Outputs).toEqual({
      FunctionArnChargeCard: { Description: 'ARN of the ChargeCard double', Value: { 'Fn::GetAtt': ['FunctionChargeCard', 'Arn'] } },
      FunctionArnshiporder: { Description: 'ARN of the ship-order double', Value: { 'Fn::GetAtt': ['Functionshiporder', 'Arn'] } },
    });
    expect(Object.keys(template.Resources).sort()).toEqual(
      ['FunctionRole', 'FunctionChargeCard', 'Functionshiporder', 'LogGroupChargeCard', 'LogGroupshiporder'].sort(),
    );
  });

  it('gives the functions one role, assumable by Lambda for this account only, allowed exactly what the double does', () => {
    // Act
    const role = lambdaTemplate(config, context).Resources.FunctionRole;

    // Assert
    expect(role?.Type).toBe('AWS::IAM::Role');
    expect(role?.Properties?.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    expect(role?.Properties?.ManagedPolicyArns).toBeUndefined();
    expect(role?.Properties?.Policies).toEqual([
      {
        PolicyName: 'answer-through-harness',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'ReadRouteAndResult',
              Effect: 'Allow',
              Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
              Resource: [
                sub('arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/hx-routes'),
                sub('arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/hx-results'),
              ],
            },
            {
              Sid: 'SendInvocation',
              Effect: 'Allow',
              Action: 'sqs:SendMessage',
              Resource: sub('arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:hx-session-*'),
            },
            {
              Sid: 'AnswerTaskToken',
              Effect: 'Allow',
              Action: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
              Resource: '*',
            },
            {
              Sid: 'WriteOwnLogs',
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: [
                sub('arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/hx-ChargeCard:*'),
                sub('arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/hx-ship-order:*'),
              ],
            },
          ],
        },
      },
    ]);
  });

  it('is plain JSON: no transforms, no macros', () => {
    // Act
    const template = lambdaTemplate(config, context);

    // Assert
    expect(JSON.parse(JSON.stringify(template))).toEqual(template);
    expect(template).not.toHaveProperty('Transform');
    expect(template.Description).toBe('harness hx: Lambda function doubles (2 functions)');
  });

  it.each([
    ['without the lambda-double artifact', config, { ...context, artifacts: {} }, "adapters.lambda cannot be deployed to stack hx without the 'lambda-double' artifact"],
    ['with no function listed', parseLambdaConfig({}), context, 'adapters.lambda.functions lists no function, so stack hx would have no Lambda double to deploy'],
    [
      'with names that differ only in hyphens and underscores',
      parseLambdaConfig({ functions: { 'ship-order': {}, ship_order: {} } }),
      context,
      'which differ only in hyphens and underscores, so their stack outputs would both be FunctionArnshiporder',
    ],
    ['with a name without a letter or digit', parseLambdaConfig({ functions: { '--': {} } }), context, 'which has no letter or digit'],
  ])('refuses to make a template %s', (_case, badConfig, badContext, message) => {
    // Act + Assert
    expect(() => lambdaTemplate(badConfig, badContext)).toThrow(LambdaConfigError);
    expect(() => lambdaTemplate(badConfig, badContext)).toThrow(message);
  });
});

describe('Function: functionArnOutputKey', () => {
  it.each([
    ['ChargeCard', 'FunctionArnChargeCard'],
    ['charge-card_v2', 'FunctionArnchargecardv2'],
  ])('names the output of %s', (name, key) => {
    expect(functionArnOutputKey(name)).toBe(key);
    expect(functionLogicalName(name)).toBe(key.slice('FunctionArn'.length));
  });
});

describe('Function: deployedFunctionName', () => {
  it('prefixes the function with the stack, so two stacks in one account never clash', () => {
    expect(deployedFunctionName('harness-dev', 'ChargeCard')).toBe('harness-dev-ChargeCard');
    expect(deployedFunctionName('harness-ci', 'ChargeCard')).not.toBe(deployedFunctionName('harness-dev', 'ChargeCard'));
  });

  it("keeps a long name within Lambda's 64 characters, unique and stable, by ending it in a hash", () => {
    // Arrange: 25 + 1 + 50 = 76 characters.
    const stack = 's'.repeat(25);
    const long = `${'F'.repeat(49)}1`;
    const other = `${'F'.repeat(49)}2`;

    // Act
    const name = deployedFunctionName(stack, long);

    // Assert
    expect(name).toHaveLength(64);
    expect(name).toMatch(new RegExp(`^${stack}-F{29}-[0-9a-f]{8}$`));
    expect(deployedFunctionName(stack, long)).toBe(name);
    expect(deployedFunctionName(stack, other)).not.toBe(name);
    expect(deployedFunctionName('s', 'F'.repeat(62))).toHaveLength(64);
  });
});

import {
  arnOutput,
  doubleId,
  getAttArn,
  HARNESS_ENV,
  inlinePolicy,
  logGroupResource,
  logStreamsArn,
  readTablesStatement,
  roleResource,
  sendToSessionQueuesStatement,
  serviceRoleTrust,
  taskCallbackStatement,
  validateStackName,
  writeLogsStatement,
  type Artifact,
  type CloudFormationResource,
  type CloudFormationTemplate,
  type IamStatement,
  type TemplateContext,
} from '@harness/core';
import { createHash } from 'node:crypto';
import { readLambdaArtifact } from '@harness/container-agent';
import type { LambdaConfig, LambdaFunctionConfig } from './config.js';
import { LAMBDA_LIMITS } from './constants.js';
import { LambdaConfigError } from './errors.js';

/** Name of the Lambda double's code among the artifacts (key of `TemplateContext.artifacts`). */
export const LAMBDA_ARTIFACT = 'lambda-double';

/** The handler every Lambda double runs: `handler` of `lambda-double.mjs` in the artifact zip. */
export const LAMBDA_DOUBLE_HANDLER = 'lambda-double.handler';

/** Logical ids of the Lambda stack's shared resources. */
export const LAMBDA_RESOURCES = {
  role: 'FunctionRole',
} as const;

/** Days the doubles' log groups keep their events. */
export const LAMBDA_LOG_RETENTION_DAYS = 14;

/** A function name as it appears in logical ids and output keys: its letters and digits (`charge-card` → `chargecard`). */
export function functionLogicalName(functionName: string): string {
  return functionName.replace(/[^A-Za-z0-9]/g, '');
}

/** Output key of a function double's ARN, e.g. `FunctionArnChargeCard`. */
export function functionArnOutputKey(functionName: string): string {
  return `FunctionArn${functionLogicalName(functionName)}`;
}

/**
 * The name a function double is deployed under: `<stack>-<functionName>`, so
 * that two harness stacks in one account and region never clash (Lambda
 * function names are unique per account and region). A name over Lambda's 64
 * characters keeps its first 55 and ends in `-` and 8 hex digits of its
 * SHA-256, so it stays unique and stable.
 *
 * Workflows reach the double by its ARN, which `npx harness outputs` prints
 * (`FunctionArn<Name>` of stack `<stack>-lambda`); mocks still use the bare
 * name: `harness.lambda.mockFunction('ChargeCard', handler)`.
 *
 * @example
 * deployedFunctionName('harness-dev', 'ChargeCard'); // 'harness-dev-ChargeCard'
 */
export function deployedFunctionName(stack: string, functionName: string): string {
  const name = `${stack}-${functionName}`;
  const max = LAMBDA_LIMITS.maxFunctionNameLength;
  if (name.length <= max) return name;
  return `${name.slice(0, max - 9)}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}

/** The log group Lambda writes a function's logs to: `/aws/lambda/<deployed name>` (see {@link deployedFunctionName}). */
export function functionLogGroupName(deployedName: string): string {
  return `/aws/lambda/${deployedName}`;
}

/**
 * The Lambda double's code as an artifact: the zipped `lambda-double.mjs` of
 * @harness/container-agent, content-addressed so a new version never replaces
 * the object a deployed function was created from.
 *
 * @example
 * const [code] = await lambdaArtifacts(config);
 * code.key; // 'agents/lambda-double-<sha256>.zip'
 */
export async function lambdaArtifacts(_config: LambdaConfig): Promise<readonly Artifact[]> {
  const { body, sha256 } = readLambdaArtifact();
  return [{ name: LAMBDA_ARTIFACT, key: `agents/lambda-double-${sha256}.zip`, body, sha256, contentType: 'application/zip' }];
}

/**
 * The Lambda adapter's stack: per configured function, an
 * `AWS::Lambda::Function` named `<stack>-<name>` ({@link deployedFunctionName})
 * running the Lambda double, and its log group; one least-privilege role for them all.
 *
 * @example
 * const template = lambdaTemplate(parseLambdaConfig({ functions: { ChargeCard: {} } }), {
 *   stackName: 'harness-dev',
 *   core: { routesTable, resultsTable, artifactsBucket },
 *   artifacts: { 'lambda-double': { key, sha256 } },
 * });
 */
export function lambdaTemplate(config: LambdaConfig, context: TemplateContext): CloudFormationTemplate {
  const stack = validateStackName(context.stackName);
  const code = context.artifacts[LAMBDA_ARTIFACT];
  if (!code) {
    throw new LambdaConfigError(
      'adapters.lambda',
      `cannot be deployed to stack ${stack} without the '${LAMBDA_ARTIFACT}' artifact`,
      'upload lambdaArtifacts(config) to the artifacts bucket first and pass their keys and SHA-256 in the template context (`npx harness deploy` does both)',
    );
  }
  const functions = Object.values(config.functions);
  if (functions.length === 0) {
    throw new LambdaConfigError(
      'adapters.lambda.functions',
      `lists no function, so stack ${stack} would have no Lambda double to deploy`,
      'list the functions your workflow invokes, e.g. {"functions": {"ChargeCard": {}}} (the local target needs no list and no deploy)',
    );
  }
  checkLogicalNames(functions);

  const resources: Record<string, CloudFormationResource> = {
    [LAMBDA_RESOURCES.role]: roleResource(
      `harness ${stack}: what a Lambda function double may do`,
      serviceRoleTrust('lambda.amazonaws.com'),
      [inlinePolicy('answer-through-harness', roleStatements(stack, context, functions.map((fn) => deployedFunctionName(stack, fn.functionName))))],
    ),
  };
  const outputs: NonNullable<CloudFormationTemplate['Outputs']> = {};

  for (const fn of functions) {
    const logical = functionLogicalName(fn.functionName);
    const deployedName = deployedFunctionName(stack, fn.functionName);
    resources[`LogGroup${logical}`] = logGroupResource(functionLogGroupName(deployedName), LAMBDA_LOG_RETENTION_DAYS);
    resources[`Function${logical}`] = functionResource(fn, deployedName, context, code.key, logical);
    outputs[functionArnOutputKey(fn.functionName)] = arnOutput(`ARN of the ${fn.functionName} double`, `Function${logical}`);
  }

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `harness ${stack}: Lambda function doubles (${functions.length} ${functions.length === 1 ? 'function' : 'functions'})`,
    Resources: resources,
    Outputs: outputs,
  };
}

function functionResource(fn: LambdaFunctionConfig, deployedName: string, context: TemplateContext, key: string, logical: string): CloudFormationResource {
  return {
    Type: 'AWS::Lambda::Function',
    // The role may write to the declared log group only (no logs:CreateLogGroup): it must exist before the function runs.
    DependsOn: `LogGroup${logical}`,
    Properties: {
      FunctionName: deployedName,
      Description: `harness double of ${fn.functionName}: forwards each invocation to the test session that mocked it`,
      Runtime: fn.runtime,
      Handler: LAMBDA_DOUBLE_HANDLER,
      Code: { S3Bucket: context.core.artifactsBucket, S3Key: key },
      Role: getAttArn(LAMBDA_RESOURCES.role),
      Timeout: fn.timeoutSeconds,
      MemorySize: fn.memoryMb,
      Environment: {
        // AWS_REGION and the credentials come from Lambda itself (it refuses them here).
        Variables: {
          [HARNESS_ENV.routesTable]: context.core.routesTable,
          [HARNESS_ENV.resultsTable]: context.core.resultsTable,
          [HARNESS_ENV.double]: doubleId('lambda', fn.functionName),
          // The double also stops 1 s before the function's own end, to say why.
          [HARNESS_ENV.timeoutMs]: String(fn.timeoutSeconds * 1000),
        },
      },
    },
  };
}

/** The role may read its route and result, send to session queues, call back Step Functions and write its functions' logs. Nothing else. */
function roleStatements(stack: string, context: TemplateContext, deployedNames: readonly string[]): IamStatement[] {
  return [
    readTablesStatement(context.core),
    sendToSessionQueuesStatement(stack),
    taskCallbackStatement(),
    writeLogsStatement(
      deployedNames.map((name) => logStreamsArn(functionLogGroupName(name))),
      'WriteOwnLogs',
    ),
  ];
}

function checkLogicalNames(functions: readonly LambdaFunctionConfig[]): void {
  const seen = new Map<string, string>();
  for (const { functionName } of functions) {
    const logical = functionLogicalName(functionName);
    if (logical.length === 0) {
      throw new LambdaConfigError(
        'adapters.lambda.functions',
        `has ${JSON.stringify(functionName)}, which has no letter or digit to name its resources and stack outputs`,
        'use a function name with at least one letter or digit',
        functionName,
      );
    }
    const clash = seen.get(logical);
    if (clash !== undefined) {
      throw new LambdaConfigError(
        'adapters.lambda.functions',
        `has ${JSON.stringify(clash)} and ${JSON.stringify(functionName)}, which differ only in hyphens and underscores, so their stack outputs would both be ${functionArnOutputKey(functionName)}`,
        'double one of them in another harness stack, or rename one',
        functionName,
      );
    }
    seen.set(logical, functionName);
  }
}

import {
  getAttArn,
  inlinePolicy,
  readTablesStatement,
  refOutput,
  roleResource,
  sendToSessionQueuesStatement,
  serviceRoleTrust,
  validateStackName,
  type CloudFormationResource,
  type CloudFormationTemplate,
  type IamStatement,
  type TemplateContext,
} from '@harness/core';
import type { StepFunctionsConfig } from './config.js';
import { stateMachineDoubleDefinition } from './double-definition.js';

/** Logical ids of the Step Functions stack's shared resources. */
export const STEP_FUNCTIONS_RESOURCES = {
  role: 'DoubleRole',
} as const;

/** Output key of a state machine double's ARN, e.g. `StateMachineArnCharge` (hyphens and underscores dropped). */
export function stateMachineArnOutputKey(name: string): string {
  return `StateMachineArn${logicalName(name)}`;
}

/** Logical id of a state machine double's resource, e.g. `StateMachineCharge`. */
export function stateMachineLogicalId(name: string): string {
  return `StateMachine${logicalName(name)}`;
}

/** CloudFormation logical ids and output keys are alphanumeric; a short hash keeps `a-b` and `ab` apart. */
function logicalName(name: string): string {
  const alphanumeric = name.replace(/[^A-Za-z0-9]/g, '');
  if (alphanumeric === name) return name;
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `${alphanumeric}${hash.toString(36)}`;
}

/**
 * The Step Functions adapter's stack: one STANDARD state machine per
 * configured name (see {@link stateMachineDoubleDefinition}) and one role
 * they share, allowed to read the two harness tables and send to session
 * queues, nothing else.
 *
 * The definition is given as `DefinitionString` (JSON text without
 * intrinsics): AWS takes it as is, and moto's CloudFormation reads no other form.
 *
 * @example
 * const template = stepFunctionsTemplate(parseStepFunctionsConfig({ stateMachines: { Charge: {} } }), {
 *   stackName: 'harness-dev',
 *   core: { routesTable, resultsTable, artifactsBucket },
 *   artifacts: {},
 * });
 * template.Outputs?.StateMachineArnCharge; // { Value: { Ref: 'StateMachineCharge' }, … }
 */
export function stepFunctionsTemplate(config: StepFunctionsConfig, context: TemplateContext): CloudFormationTemplate {
  const stack = validateStackName(context.stackName);
  const names = Object.keys(config.stateMachines);
  const resources: Record<string, CloudFormationResource> = {
    [STEP_FUNCTIONS_RESOURCES.role]: roleResource(
      `harness ${stack}: what a state machine double may do`,
      serviceRoleTrust('states.amazonaws.com'),
      [inlinePolicy('answer-through-harness', stateMachineRoleStatements(stack, context))],
    ),
  };
  const outputs: NonNullable<CloudFormationTemplate['Outputs']> = {};

  for (const name of names) {
    const logicalId = stateMachineLogicalId(name);
    const definition = stateMachineDoubleDefinition({
      name,
      core: context.core,
      ...(config.stateMachines[name]?.timeoutSeconds !== undefined ? { timeoutSeconds: config.stateMachines[name]?.timeoutSeconds } : {}),
    });
    resources[logicalId] = {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        StateMachineName: name,
        StateMachineType: 'STANDARD',
        DefinitionString: JSON.stringify(definition),
        RoleArn: getAttArn(STEP_FUNCTIONS_RESOURCES.role),
      },
    };
    outputs[stateMachineArnOutputKey(name)] = refOutput(`ARN of the ${name} state machine double`, logicalId);
  }

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `harness ${stack}: Step Functions state machine doubles (${names.length} ${names.length === 1 ? 'state machine' : 'state machines'})`,
    Resources: resources,
    Outputs: outputs,
  };
}

/** Read its route and its result, send to a session queue. Nothing else. */
function stateMachineRoleStatements(stack: string, context: TemplateContext): IamStatement[] {
  return [readTablesStatement(context.core), sendToSessionQueuesStatement(stack)];
}

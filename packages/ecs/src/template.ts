import {
  accountArn,
  arnOutput,
  doubleId,
  getAttArn,
  HARNESS_ENV,
  inlinePolicy,
  logGroupResource,
  logStreamsArn,
  readTablesStatement,
  refOutput,
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
import { bootstrapEntryPoint, readAgentArtifact } from '@harness/container-agent';
import { familyLogicalName, type EcsConfig, type EcsFamilyConfig } from './config.js';
import { EcsConfigError } from './errors.js';

/** Name of the container agent among the artifacts (key of `TemplateContext.artifacts`). */
export const AGENT_ARTIFACT = 'container-agent';

/** Logical ids of the ECS stack's shared resources. */
export const ECS_RESOURCES = {
  cluster: 'Cluster',
  logGroup: 'LogGroup',
  executionRole: 'ExecutionRole',
  taskRole: 'TaskRole',
} as const;

/** The service principal both ECS roles trust. */
const ECS_TASKS_SERVICE = 'ecs-tasks.amazonaws.com';

/** Outputs of the ECS stack that do not depend on the families. */
export const ECS_OUTPUTS = {
  clusterArn: 'ClusterArn',
  clusterName: 'ClusterName',
  logGroupName: 'LogGroupName',
  taskRoleArn: 'TaskRoleArn',
  executionRoleArn: 'ExecutionRoleArn',
} as const;

/** Output key of a family's task definition ARN, e.g. `TaskDefinitionRenderPdf`. */
export function taskDefinitionOutputKey(family: string): string {
  return `TaskDefinition${familyLogicalName(family)}`;
}

/** Output key of a family's container names (a comma list), e.g. `ContainerNamesRenderPdf`. */
export function containerNamesOutputKey(family: string): string {
  return `ContainerNames${familyLogicalName(family)}`;
}

/** Name of the cluster the doubles run in. */
export function ecsClusterName(stack: string): string {
  return `${stack}-doubles`;
}

/** Name of the doubles' log group. */
export function ecsLogGroupName(stack: string): string {
  return `/harness/${stack}/ecs`;
}

/**
 * The container agent as an artifact: content-addressed, so a new agent never
 * replaces the object a running task is fetching.
 *
 * @example
 * const [agent] = await ecsArtifacts(config);
 * agent.key; // 'agents/container-agent-<sha256>.cjs'
 */
export async function ecsArtifacts(_config: EcsConfig): Promise<Artifact[]> {
  const { body, sha256 } = readAgentArtifact();
  return [
    {
      name: AGENT_ARTIFACT,
      key: `agents/container-agent-${sha256}.cjs`,
      body,
      sha256,
      contentType: 'text/javascript',
    },
  ];
}

/**
 * The ECS adapter's stack: a Fargate cluster, a log group, an execution role,
 * a least-privilege task role, and one task definition per configured family
 * whose containers run the container agent (fetched by the bootstrap
 * entryPoint and checked against its pinned SHA-256).
 *
 * @example
 * const template = ecsTemplate(parseEcsConfig(raw), {
 *   stackName: 'harness-dev',
 *   core: { routesTable, resultsTable, artifactsBucket },
 *   artifacts: { 'container-agent': { key, sha256 } },
 * });
 */
export function ecsTemplate(config: EcsConfig, context: TemplateContext): CloudFormationTemplate {
  const stack = validateStackName(context.stackName);
  const agent = context.artifacts[AGENT_ARTIFACT];
  if (!agent) {
    throw new EcsConfigError(
      'adapters.ecs',
      `cannot be deployed to stack ${stack} without the '${AGENT_ARTIFACT}' artifact`,
      'upload ecsArtifacts(config) to the artifacts bucket first and pass their keys and SHA-256 in the template context (`npx harness deploy` does both)',
    );
  }
  const entryPoint = bootstrapEntryPoint();
  const families = Object.values(config.families);

  const resources: Record<string, CloudFormationResource> = {
    [ECS_RESOURCES.cluster]: {
      Type: 'AWS::ECS::Cluster',
      Properties: {
        ClusterName: ecsClusterName(stack),
        CapacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        DefaultCapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }],
        ClusterSettings: [{ Name: 'containerInsights', Value: 'disabled' }],
      },
    },
    [ECS_RESOURCES.logGroup]: logGroupResource(ecsLogGroupName(stack), config.logRetentionDays),
    [ECS_RESOURCES.executionRole]: roleResource(
      `harness ${stack}: lets ECS start the task doubles and ship their logs`,
      serviceRoleTrust(ECS_TASKS_SERVICE, { sameAccountOnly: false }),
      [
        // The image comes from a public registry: no ECR permissions.
        inlinePolicy('write-double-logs', [writeLogsStatement(logStreamsArn(`\${${ECS_RESOURCES.logGroup}}`))]),
      ],
    ),
    [ECS_RESOURCES.taskRole]: roleResource(
      `harness ${stack}: what the container agent in an ECS task double may do`,
      serviceRoleTrust(ECS_TASKS_SERVICE),
      [inlinePolicy('answer-through-harness', taskRoleStatements(stack, context, agent.key))],
    ),
  };

  const outputs: NonNullable<CloudFormationTemplate['Outputs']> = {
    [ECS_OUTPUTS.clusterArn]: arnOutput('Cluster the ECS task doubles run in', ECS_RESOURCES.cluster),
    [ECS_OUTPUTS.clusterName]: refOutput('Cluster name', ECS_RESOURCES.cluster),
    [ECS_OUTPUTS.logGroupName]: refOutput('Log group of the doubles\' containers', ECS_RESOURCES.logGroup),
    // The code under test passes these roles to ECS when it runs a double: it needs iam:PassRole on them.
    [ECS_OUTPUTS.taskRoleArn]: arnOutput('Task role of the doubles', ECS_RESOURCES.taskRole),
    [ECS_OUTPUTS.executionRoleArn]: arnOutput('Execution role of the doubles', ECS_RESOURCES.executionRole),
  };

  for (const family of families) {
    const logicalId = taskDefinitionOutputKey(family.family);
    resources[logicalId] = taskDefinition(family, context, agent, entryPoint);
    outputs[taskDefinitionOutputKey(family.family)] = refOutput(`Task definition of the ${family.family} double`, logicalId);
    outputs[containerNamesOutputKey(family.family)] = {
      Description: `Containers of the ${family.family} double`,
      Value: family.containers.map((container) => container.name).join(','),
    };
  }

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `harness ${stack}: ECS task doubles (${families.length} ${families.length === 1 ? 'family' : 'families'})`,
    Resources: resources,
    Outputs: outputs,
  };
}

/** The task role may read its own agent, its route and result, send to session queues, describe its own tasks and call back Step Functions. Nothing else. */
function taskRoleStatements(stack: string, context: TemplateContext, agentKey: string): IamStatement[] {
  return [
    {
      Sid: 'FetchAgent',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${context.core.artifactsBucket}/${agentKey}` },
    },
    readTablesStatement(context.core),
    sendToSessionQueuesStatement(stack),
    {
      Sid: 'DescribeOwnTask',
      Effect: 'Allow',
      Action: 'ecs:DescribeTasks',
      Resource: accountArn('ecs', `task/\${${ECS_RESOURCES.cluster}}/*`),
      Condition: { ArnEquals: { 'ecs:cluster': getAttArn(ECS_RESOURCES.cluster) } },
    },
    taskCallbackStatement(),
  ];
}

/** ECS refuses task definitions over 64 KiB; the bootstrap in every container's entryPoint counts. */
const MAX_TASK_DEFINITION_BYTES = 65_536;

function taskDefinition(
  family: EcsFamilyConfig,
  context: TemplateContext,
  agent: Pick<Artifact, 'key' | 'sha256'>,
  entryPoint: readonly string[],
): CloudFormationResource {
  const environment: { Name: string; Value: unknown }[] = [
    { Name: HARNESS_ENV.routesTable, Value: context.core.routesTable },
    { Name: HARNESS_ENV.resultsTable, Value: context.core.resultsTable },
    { Name: HARNESS_ENV.double, Value: doubleId('ecs', family.family) },
    { Name: HARNESS_ENV.timeoutMs, Value: String(family.timeoutSeconds * 1000) },
    { Name: HARNESS_ENV.agentBucket, Value: context.core.artifactsBucket },
    { Name: HARNESS_ENV.agentKey, Value: agent.key },
    { Name: HARNESS_ENV.agentSha256, Value: agent.sha256 },
    ...(family.taskTokenVariable !== undefined ? [{ Name: HARNESS_ENV.taskTokenVariable, Value: family.taskTokenVariable }] : []),
    { Name: 'AWS_REGION', Value: { Ref: 'AWS::Region' } },
  ];
  // Each container's even share of the task's memory as a soft reservation.
  // Fargate sizes the task by its Memory alone and accepts this; moto cannot
  // place a task (RunTask fails) unless every container states some memory.
  const memoryReservation = Math.floor(family.memory / family.containers.length);
  const containerDefinitions = family.containers.map((container) => ({
    Name: container.name,
    Image: family.image,
    Essential: container.essential,
    MemoryReservation: memoryReservation,
    EntryPoint: [...entryPoint],
    Environment: environment,
    LogConfiguration: {
      LogDriver: 'awslogs',
      Options: {
        'awslogs-group': { Ref: ECS_RESOURCES.logGroup },
        'awslogs-region': { Ref: 'AWS::Region' },
        'awslogs-stream-prefix': family.family,
      },
    },
  }));
  const size = Buffer.byteLength(JSON.stringify(containerDefinitions));
  if (size > MAX_TASK_DEFINITION_BYTES) {
    throw new EcsConfigError(
      `adapters.ecs.families.${family.family}.containers`,
      `would make a task definition of ${Math.ceil(size / 1024)} KiB (each container carries the agent's bootstrap), over ECS's 64 KiB limit`,
      'double fewer containers in this family',
      family.family,
    );
  }
  return {
    Type: 'AWS::ECS::TaskDefinition',
    Properties: {
      Family: family.family,
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      Cpu: String(family.cpu),
      Memory: String(family.memory),
      ExecutionRoleArn: getAttArn(ECS_RESOURCES.executionRole),
      TaskRoleArn: getAttArn(ECS_RESOURCES.taskRole),
      ContainerDefinitions: containerDefinitions,
    },
  };
}

import { createHash } from 'node:crypto';
import { bootstrapEntryPoint, BOOTSTRAP_SCRIPT } from '@harness/container-agent';
import { HARNESS_ENV, type TemplateContext } from '@harness/core';
import { describe, expect, it } from 'vitest';
import { parseEcsConfig } from '../../src/config.js';
import { EcsConfigError } from '../../src/errors.js';
import { AGENT_ARTIFACT, ecsArtifacts, ecsTemplate } from '../../src/template.js';

const SHA256 = 'ab'.repeat(32);
const context: TemplateContext = {
  stackName: 'harness-dev',
  core: {
    routesTable: 'harness-dev-core-RoutesTable-ABC',
    resultsTable: 'harness-dev-core-ResultsTable-DEF',
    artifactsBucket: 'harness-dev-core-artifactsbucket-ghi',
  },
  artifacts: { [AGENT_ARTIFACT]: { key: `agents/container-agent-${SHA256}.cjs`, sha256: SHA256 } },
};

const config = parseEcsConfig({
  families: {
    RenderPdf: { containers: ['Main', { name: 'Sidecar', essential: false }], taskTokenVariable: 'TASK_TOKEN' },
    'nightly-report': { containers: ['Report'], cpu: 512, memory: 1024, timeoutSeconds: 60 },
  },
});

type Statement = { Sid?: string; Action: unknown; Resource: unknown; Condition?: unknown; Effect: string };
type Role = { Properties: { AssumeRolePolicyDocument: { Statement: Statement[] }; Policies: { PolicyDocument: { Statement: Statement[] } }[] } };
type ContainerDefinition = { Name: string; EntryPoint: string[]; Environment: { Name: string; Value: unknown }[]; Essential: boolean };

/** Replaces the (long, changing) bootstrap script so a snapshot shows the template's shape. */
function withoutBootstrap(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_, item: unknown) => (item === BOOTSTRAP_SCRIPT ? '<BOOTSTRAP_SCRIPT>' : item)));
}

describe('Function: ecsTemplate', () => {
  const template = ecsTemplate(config, context);
  const resources = template.Resources;
  const taskRole = resources.TaskRole as unknown as Role;
  const executionRole = resources.ExecutionRole as unknown as Role;
  const taskDefinitions = Object.values(resources).filter((resource) => resource.Type === 'AWS::ECS::TaskDefinition');
  const containers = taskDefinitions.flatMap((resource) => (resource.Properties?.ContainerDefinitions ?? []) as ContainerDefinition[]);

  it('is the same for the same input', () => {
    expect(JSON.stringify(ecsTemplate(config, context))).toBe(JSON.stringify(template));
  });

  it('declares a Fargate cluster with its capacity providers on the cluster itself', () => {
    expect(resources.Cluster).toEqual({
      Type: 'AWS::ECS::Cluster',
      Properties: {
        ClusterName: 'harness-dev-doubles',
        CapacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        DefaultCapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }],
        ClusterSettings: [{ Name: 'containerInsights', Value: 'disabled' }],
      },
    });
  });

  it('gives the task role exactly what the agent needs, and nothing else', () => {
    // Assert
    expect(taskRole.Properties.Policies).toHaveLength(1);
    expect(taskRole.Properties.Policies[0]?.PolicyDocument.Statement).toEqual([
      {
        Sid: 'FetchAgent',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::harness-dev-core-artifactsbucket-ghi/agents/container-agent-${SHA256}.cjs` },
      },
      {
        Sid: 'ReadRouteAndResult',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
        Resource: [
          { 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/harness-dev-core-RoutesTable-ABC' },
          { 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/harness-dev-core-ResultsTable-DEF' },
        ],
      },
      {
        Sid: 'SendInvocation',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:harness-dev-session-*' },
      },
      {
        Sid: 'DescribeOwnTask',
        Effect: 'Allow',
        Action: 'ecs:DescribeTasks',
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task/${Cluster}/*' },
        Condition: { ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': ['Cluster', 'Arn'] } } },
      },
      {
        Sid: 'AnswerTaskToken',
        Effect: 'Allow',
        Action: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
        Resource: '*',
      },
    ]);
  });

  it('lets only ECS tasks of this account assume the task role', () => {
    expect(taskRole.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'ecs-tasks.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  it('lets the execution role write to the doubles\' log group only (no ECR for a public image)', () => {
    expect(executionRole.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(executionRole.Properties.Policies.flatMap((policy) => policy.PolicyDocument.Statement)).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${LogGroup}:*' },
      },
    ]);
    expect(resources.LogGroup?.Properties).toEqual({ LogGroupName: '/harness/harness-dev/ecs', RetentionInDays: 3 });
  });

  it('has one Fargate task definition per family, named as the family', () => {
    expect(taskDefinitions.map((resource) => resource.Properties?.Family)).toEqual(['RenderPdf', 'nightly-report']);
    for (const resource of taskDefinitions) {
      expect(resource.Properties).toMatchObject({
        RequiresCompatibilities: ['FARGATE'],
        NetworkMode: 'awsvpc',
        ExecutionRoleArn: { 'Fn::GetAtt': ['ExecutionRole', 'Arn'] },
        TaskRoleArn: { 'Fn::GetAtt': ['TaskRole', 'Arn'] },
      });
    }
    expect(resources.TaskDefinitionnightlyreport?.Properties).toMatchObject({ Cpu: '512', Memory: '1024' });
  });

  it('reserves each container an even share of the task memory (a soft limit)', () => {
    expect(containers.map((container) => [container.Name, (container as unknown as { MemoryReservation: number }).MemoryReservation])).toEqual([
      ['Main', 256],
      ['Sidecar', 256],
      ['Report', 1024],
    ]);
  });

  it('starts every container with the bootstrap entryPoint and pins the agent\'s SHA-256', () => {
    expect(containers.map((container) => container.Name)).toEqual(['Main', 'Sidecar', 'Report']);
    for (const container of containers) {
      expect(container.EntryPoint).toEqual(bootstrapEntryPoint());
      const environment = Object.fromEntries(container.Environment.map(({ Name, Value }) => [Name, Value]));
      expect(environment).toMatchObject({
        [HARNESS_ENV.agentBucket]: 'harness-dev-core-artifactsbucket-ghi',
        [HARNESS_ENV.agentKey]: `agents/container-agent-${SHA256}.cjs`,
        [HARNESS_ENV.agentSha256]: SHA256,
        [HARNESS_ENV.routesTable]: 'harness-dev-core-RoutesTable-ABC',
        [HARNESS_ENV.resultsTable]: 'harness-dev-core-ResultsTable-DEF',
        AWS_REGION: { Ref: 'AWS::Region' },
      });
    }
  });

  it('tells each container its double, its timeout and, when configured, its task token variable', () => {
    const environmentOf = (name: string) =>
      Object.fromEntries((containers.find((container) => container.Name === name)?.Environment ?? []).map(({ Name, Value }) => [Name, Value]));

    expect(environmentOf('Sidecar')).toMatchObject({
      [HARNESS_ENV.double]: 'ecs:RenderPdf',
      [HARNESS_ENV.timeoutMs]: '900000',
      [HARNESS_ENV.taskTokenVariable]: 'TASK_TOKEN',
    });
    expect(environmentOf('Report')).toMatchObject({ [HARNESS_ENV.double]: 'ecs:nightly-report', [HARNESS_ENV.timeoutMs]: '60000' });
    expect(environmentOf('Report')).not.toHaveProperty(HARNESS_ENV.taskTokenVariable);
  });

  it('outputs the cluster, and per family its task definition and container names', () => {
    expect(Object.fromEntries(Object.entries(template.Outputs ?? {}).map(([key, output]) => [key, output.Value]))).toEqual({
      ClusterArn: { 'Fn::GetAtt': ['Cluster', 'Arn'] },
      ClusterName: { Ref: 'Cluster' },
      LogGroupName: { Ref: 'LogGroup' },
      TaskRoleArn: { 'Fn::GetAtt': ['TaskRole', 'Arn'] },
      ExecutionRoleArn: { 'Fn::GetAtt': ['ExecutionRole', 'Arn'] },
      TaskDefinitionRenderPdf: { Ref: 'TaskDefinitionRenderPdf' },
      ContainerNamesRenderPdf: 'Main,Sidecar',
      TaskDefinitionnightlyreport: { Ref: 'TaskDefinitionnightlyreport' },
      ContainerNamesnightlyreport: 'Report',
    });
  });

  it('refuses a context without the container agent artifact', () => {
    expect(() => ecsTemplate(config, { ...context, artifacts: {} })).toThrow(EcsConfigError);
    expect(() => ecsTemplate(config, { ...context, artifacts: {} })).toThrowErrorMatchingInlineSnapshot(`[EcsConfigError: adapters.ecs cannot be deployed to stack harness-dev without the 'container-agent' artifact. To fix this, upload ecsArtifacts(config) to the artifacts bucket first and pass their keys and SHA-256 in the template context (\`npx harness deploy\` does both).]`);
  });

  it('matches the snapshot of a one-family template', () => {
    const small = ecsTemplate(parseEcsConfig({ families: { Job: { containers: ['Main'] } }, logRetentionDays: 7 }), context);

    expect(withoutBootstrap(small)).toMatchInlineSnapshot(`
      {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "harness harness-dev: ECS task doubles (1 family)",
        "Outputs": {
          "ClusterArn": {
            "Description": "Cluster the ECS task doubles run in",
            "Value": {
              "Fn::GetAtt": [
                "Cluster",
                "Arn",
              ],
            },
          },
          "ClusterName": {
            "Description": "Cluster name",
            "Value": {
              "Ref": "Cluster",
            },
          },
          "ContainerNamesJob": {
            "Description": "Containers of the Job double",
            "Value": "Main",
          },
          "ExecutionRoleArn": {
            "Description": "Execution role of the doubles",
            "Value": {
              "Fn::GetAtt": [
                "ExecutionRole",
                "Arn",
              ],
            },
          },
          "LogGroupName": {
            "Description": "Log group of the doubles' containers",
            "Value": {
              "Ref": "LogGroup",
            },
          },
          "TaskDefinitionJob": {
            "Description": "Task definition of the Job double",
            "Value": {
              "Ref": "TaskDefinitionJob",
            },
          },
          "TaskRoleArn": {
            "Description": "Task role of the doubles",
            "Value": {
              "Fn::GetAtt": [
                "TaskRole",
                "Arn",
              ],
            },
          },
        },
        "Resources": {
          "Cluster": {
            "Properties": {
              "CapacityProviders": [
                "FARGATE",
                "FARGATE_SPOT",
              ],
              "ClusterName": "harness-dev-doubles",
              "ClusterSettings": [
                {
                  "Name": "containerInsights",
                  "Value": "disabled",
                },
              ],
              "DefaultCapacityProviderStrategy": [
                {
                  "CapacityProvider": "FARGATE",
                  "Weight": 1,
                },
              ],
            },
            "Type": "AWS::ECS::Cluster",
          },
          "ExecutionRole": {
            "Properties": {
              "AssumeRolePolicyDocument": {
                "Statement": [
                  {
                    "Action": "sts:AssumeRole",
                    "Effect": "Allow",
                    "Principal": {
                      "Service": "ecs-tasks.amazonaws.com",
                    },
                  },
                ],
                "Version": "2012-10-17",
              },
              "Description": "harness harness-dev: lets ECS start the task doubles and ship their logs",
              "Policies": [
                {
                  "PolicyDocument": {
                    "Statement": [
                      {
                        "Action": [
                          "logs:CreateLogStream",
                          "logs:PutLogEvents",
                        ],
                        "Effect": "Allow",
                        "Resource": {
                          "Fn::Sub": "arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:\${LogGroup}:*",
                        },
                      },
                    ],
                    "Version": "2012-10-17",
                  },
                  "PolicyName": "write-double-logs",
                },
              ],
            },
            "Type": "AWS::IAM::Role",
          },
          "LogGroup": {
            "Properties": {
              "LogGroupName": "/harness/harness-dev/ecs",
              "RetentionInDays": 7,
            },
            "Type": "AWS::Logs::LogGroup",
          },
          "TaskDefinitionJob": {
            "Properties": {
              "ContainerDefinitions": [
                {
                  "EntryPoint": [
                    "node",
                    "-e",
                    "<BOOTSTRAP_SCRIPT>",
                    "--",
                  ],
                  "Environment": [
                    {
                      "Name": "HARNESS_ROUTES_TABLE",
                      "Value": "harness-dev-core-RoutesTable-ABC",
                    },
                    {
                      "Name": "HARNESS_RESULTS_TABLE",
                      "Value": "harness-dev-core-ResultsTable-DEF",
                    },
                    {
                      "Name": "HARNESS_DOUBLE",
                      "Value": "ecs:Job",
                    },
                    {
                      "Name": "HARNESS_TIMEOUT_MS",
                      "Value": "900000",
                    },
                    {
                      "Name": "HARNESS_AGENT_BUCKET",
                      "Value": "harness-dev-core-artifactsbucket-ghi",
                    },
                    {
                      "Name": "HARNESS_AGENT_KEY",
                      "Value": "agents/container-agent-abababababababababababababababababababababababababababababababab.cjs",
                    },
                    {
                      "Name": "HARNESS_AGENT_SHA256",
                      "Value": "abababababababababababababababababababababababababababababababab",
                    },
                    {
                      "Name": "AWS_REGION",
                      "Value": {
                        "Ref": "AWS::Region",
                      },
                    },
                  ],
                  "Essential": true,
                  "Image": "node:20-slim",
                  "LogConfiguration": {
                    "LogDriver": "awslogs",
                    "Options": {
                      "awslogs-group": {
                        "Ref": "LogGroup",
                      },
                      "awslogs-region": {
                        "Ref": "AWS::Region",
                      },
                      "awslogs-stream-prefix": "Job",
                    },
                  },
                  "MemoryReservation": 512,
                  "Name": "Main",
                },
              ],
              "Cpu": "256",
              "ExecutionRoleArn": {
                "Fn::GetAtt": [
                  "ExecutionRole",
                  "Arn",
                ],
              },
              "Family": "Job",
              "Memory": "512",
              "NetworkMode": "awsvpc",
              "RequiresCompatibilities": [
                "FARGATE",
              ],
              "TaskRoleArn": {
                "Fn::GetAtt": [
                  "TaskRole",
                  "Arn",
                ],
              },
            },
            "Type": "AWS::ECS::TaskDefinition",
          },
          "TaskRole": {
            "Properties": {
              "AssumeRolePolicyDocument": {
                "Statement": [
                  {
                    "Action": "sts:AssumeRole",
                    "Condition": {
                      "StringEquals": {
                        "aws:SourceAccount": {
                          "Ref": "AWS::AccountId",
                        },
                      },
                    },
                    "Effect": "Allow",
                    "Principal": {
                      "Service": "ecs-tasks.amazonaws.com",
                    },
                  },
                ],
                "Version": "2012-10-17",
              },
              "Description": "harness harness-dev: what the container agent in an ECS task double may do",
              "Policies": [
                {
                  "PolicyDocument": {
                    "Statement": [
                      {
                        "Action": "s3:GetObject",
                        "Effect": "Allow",
                        "Resource": {
                          "Fn::Sub": "arn:\${AWS::Partition}:s3:::harness-dev-core-artifactsbucket-ghi/agents/container-agent-abababababababababababababababababababababababababababababababab.cjs",
                        },
                        "Sid": "FetchAgent",
                      },
                      {
                        "Action": [
                          "dynamodb:GetItem",
                          "dynamodb:BatchGetItem",
                        ],
                        "Effect": "Allow",
                        "Resource": [
                          {
                            "Fn::Sub": "arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/harness-dev-core-RoutesTable-ABC",
                          },
                          {
                            "Fn::Sub": "arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/harness-dev-core-ResultsTable-DEF",
                          },
                        ],
                        "Sid": "ReadRouteAndResult",
                      },
                      {
                        "Action": "sqs:SendMessage",
                        "Effect": "Allow",
                        "Resource": {
                          "Fn::Sub": "arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:harness-dev-session-*",
                        },
                        "Sid": "SendInvocation",
                      },
                      {
                        "Action": "ecs:DescribeTasks",
                        "Condition": {
                          "ArnEquals": {
                            "ecs:cluster": {
                              "Fn::GetAtt": [
                                "Cluster",
                                "Arn",
                              ],
                            },
                          },
                        },
                        "Effect": "Allow",
                        "Resource": {
                          "Fn::Sub": "arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:task/\${Cluster}/*",
                        },
                        "Sid": "DescribeOwnTask",
                      },
                      {
                        "Action": [
                          "states:SendTaskSuccess",
                          "states:SendTaskFailure",
                        ],
                        "Effect": "Allow",
                        "Resource": "*",
                        "Sid": "AnswerTaskToken",
                      },
                    ],
                    "Version": "2012-10-17",
                  },
                  "PolicyName": "answer-through-harness",
                },
              ],
            },
            "Type": "AWS::IAM::Role",
          },
        },
      }
    `);
  });
});

describe('Function: ecsArtifacts', () => {
  it('offers the built agent under a key named by its SHA-256', async () => {
    // Act
    const [agent, ...others] = await ecsArtifacts(config);

    // Assert
    expect(others).toEqual([]);
    const sha256 = createHash('sha256').update(agent?.body ?? new Uint8Array()).digest('hex');
    expect(agent).toMatchObject({
      name: 'container-agent',
      key: `agents/container-agent-${sha256}.cjs`,
      sha256,
      contentType: 'text/javascript',
    });
    expect(agent?.body.byteLength).toBeGreaterThan(0);
  });
});

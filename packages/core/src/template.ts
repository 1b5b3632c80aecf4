import { TABLE_KEYS } from './protocol.js';
import { CORE_OUTPUTS, validateStackName } from './stacks.js';
import type { CloudFormationResource, CloudFormationTemplate } from './types/adapter.js';

/** Logical ids of the core stack's resources. */
export const CORE_RESOURCES = {
  routesTable: 'RoutesTable',
  resultsTable: 'ResultsTable',
  artifactsBucket: 'ArtifactsBucket',
  artifactsBucketPolicy: 'ArtifactsBucketPolicy',
} as const;

/**
 * The core stack: the routes table, the results table and the artifacts
 * bucket every adapter's doubles share. Names are left to CloudFormation
 * (so a replacement never collides with the old resource); they travel
 * through the outputs in {@link CORE_OUTPUTS}.
 *
 * The same stack name always gives the same template.
 *
 * @example
 * const template = coreTemplate('harness-dev');
 * template.Outputs?.[CORE_OUTPUTS.routesTable]; // { Value: { Ref: 'RoutesTable' }, ... }
 */
export function coreTemplate(stack: string): CloudFormationTemplate {
  validateStackName(stack);
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `harness ${stack}: routes and results tables and the artifacts bucket shared by the test doubles`,
    Resources: {
      [CORE_RESOURCES.routesTable]: table(TABLE_KEYS.routes),
      [CORE_RESOURCES.resultsTable]: table(TABLE_KEYS.results),
      [CORE_RESOURCES.artifactsBucket]: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          VersioningConfiguration: { Status: 'Enabled' },
          // Artifacts are content-addressed, so old versions only matter to
          // tasks still running the previous agent: a month is plenty.
          LifecycleConfiguration: {
            Rules: [
              {
                Id: 'expire-noncurrent-versions',
                Status: 'Enabled',
                NoncurrentVersionExpiration: { NoncurrentDays: 30 },
                AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
              },
            ],
          },
          Tags: [{ Key: 'harness:stack', Value: stack }],
        },
      },
      [CORE_RESOURCES.artifactsBucketPolicy]: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          Bucket: { Ref: CORE_RESOURCES.artifactsBucket },
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'DenyInsecureTransport',
                Effect: 'Deny',
                Principal: '*',
                Action: 's3:*',
                Resource: [
                  { 'Fn::GetAtt': [CORE_RESOURCES.artifactsBucket, 'Arn'] },
                  { 'Fn::Sub': `\${${CORE_RESOURCES.artifactsBucket}.Arn}/*` },
                ],
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
            ],
          },
        },
      },
    },
    Outputs: {
      [CORE_OUTPUTS.routesTable]: {
        Description: 'DynamoDB table of routes: which session answers which double',
        Value: { Ref: CORE_RESOURCES.routesTable },
      },
      [CORE_OUTPUTS.resultsTable]: {
        Description: 'DynamoDB table of invocation results',
        Value: { Ref: CORE_RESOURCES.resultsTable },
      },
      [CORE_OUTPUTS.artifactsBucket]: {
        Description: 'S3 bucket of the doubles\' code (container agent, Lambda code)',
        Value: { Ref: CORE_RESOURCES.artifactsBucket },
      },
    },
  };
}

function table(hashKey: string): CloudFormationResource {
  return {
    Type: 'AWS::DynamoDB::Table',
    Properties: {
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: hashKey, KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttl, Enabled: true },
      SSESpecification: { SSEEnabled: true },
    },
  };
}

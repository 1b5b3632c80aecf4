import { describe, expect, it } from 'vitest';
import { CORE_OUTPUTS } from '../../src/stacks.js';
import { CORE_RESOURCES, coreTemplate } from '../../src/template.js';

describe('Function: coreTemplate', () => {
  const template = coreTemplate('harness-dev');
  const resources = template.Resources;

  it('is the same for the same stack name', () => {
    expect(JSON.stringify(coreTemplate('harness-dev'))).toBe(JSON.stringify(template));
  });

  it('refuses a stack name that cannot prefix AWS names', () => {
    expect(() => coreTemplate('harness_dev')).toThrow(/'harness_dev' is not a valid harness stack name\. To fix this/);
  });

  it.each([
    [CORE_RESOURCES.routesTable, 'double'],
    [CORE_RESOURCES.resultsTable, 'invocationId'],
  ])('declares %s on-demand, keyed by %s, with TTL and SSE', (logicalId, key) => {
    expect(resources[logicalId]).toEqual({
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true },
      },
    });
  });

  it('locks the artifacts bucket down: encrypted, private, owner-enforced, versioned', () => {
    const bucket = resources[CORE_RESOURCES.artifactsBucket];

    expect(bucket?.Type).toBe('AWS::S3::Bucket');
    expect(bucket?.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
    });
  });

  it('denies every request to the bucket that does not use TLS', () => {
    expect(resources[CORE_RESOURCES.artifactsBucketPolicy]).toEqual({
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: { Ref: 'ArtifactsBucket' },
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [{ 'Fn::GetAtt': ['ArtifactsBucket', 'Arn'] }, { 'Fn::Sub': '${ArtifactsBucket.Arn}/*' }],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    });
  });

  it('outputs the names under the keys of CORE_OUTPUTS', () => {
    expect(Object.keys(template.Outputs ?? {}).sort()).toEqual(Object.values(CORE_OUTPUTS).sort());
    expect(template.Outputs?.[CORE_OUTPUTS.routesTable]?.Value).toEqual({ Ref: CORE_RESOURCES.routesTable });
    expect(template.Outputs?.[CORE_OUTPUTS.resultsTable]?.Value).toEqual({ Ref: CORE_RESOURCES.resultsTable });
    expect(template.Outputs?.[CORE_OUTPUTS.artifactsBucket]?.Value).toEqual({ Ref: CORE_RESOURCES.artifactsBucket });
  });

  it('uses no transform, macro or parameter', () => {
    expect(template).not.toHaveProperty('Transform');
    expect(template).not.toHaveProperty('Parameters');
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
  });
});

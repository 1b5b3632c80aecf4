import { StackNotReadyError } from '@harness/core';
import { describe, expect, it } from 'vitest';
import { coreResourcesFromOutputs, placeholderCoreResources, stackTags, templateContext, templateFileName, templateUrl } from '../../src/stack-plan.js';

describe('Module: stack-plan', () => {
  it('reads the core resources from the core stack outputs', () => {
    expect(
      coreResourcesFromOutputs('harness-dev', {
        RoutesTableName: 'harness-dev-core-RoutesTable-1A2B',
        ResultsTableName: 'harness-dev-core-ResultsTable-3C4D',
        ArtifactsBucketName: 'harness-dev-core-artifactsbucket-5e6f',
        Other: 'x',
      }),
    ).toEqual({
      routesTable: 'harness-dev-core-RoutesTable-1A2B',
      resultsTable: 'harness-dev-core-ResultsTable-3C4D',
      artifactsBucket: 'harness-dev-core-artifactsbucket-5e6f',
    });
  });

  it('refuses core outputs that an endpoint could not resolve, naming each', () => {
    expect(() =>
      coreResourcesFromOutputs('harness-dev', { RoutesTableName: 'unknown-table-x', ResultsTableName: 'ok', ArtifactsBucketName: 'Not_A_Bucket' }),
    ).toThrow(
      'Stack harness-dev-core has outputs that its template cannot have made: ResultsTableName = "ok" (not a DynamoDB table name); ArtifactsBucketName = "Not_A_Bucket" (not an S3 bucket name).',
    );
  });

  it('refuses a core stack without its outputs, naming the missing ones', () => {
    expect(() => coreResourcesFromOutputs('harness-dev', { RoutesTableName: 'r' })).toThrow(StackNotReadyError);
    expect(() => coreResourcesFromOutputs('harness-dev', { RoutesTableName: 'r' })).toThrow(
      /^Stack harness-dev-core has no outputs ResultsTableName, ArtifactsBucketName\. To fix this, deploy it/,
    );
  });

  it('hands adapters their artifacts by name, with key and SHA-256 only', () => {
    const context = templateContext('harness-dev', placeholderCoreResources('harness-dev'), [
      { name: 'container-agent', key: 'agents/a.mjs', sha256: 'abc' },
    ]);

    expect(context).toEqual({
      stackName: 'harness-dev',
      core: {
        routesTable: '<harness-dev-core.RoutesTableName>',
        resultsTable: '<harness-dev-core.ResultsTableName>',
        artifactsBucket: '<harness-dev-core.ArtifactsBucketName>',
      },
      artifacts: { 'container-agent': { key: 'agents/a.mjs', sha256: 'abc' } },
    });
  });

  it('tags every stack with the harness stack and its component', () => {
    expect(stackTags('harness-dev', 'ecs')).toEqual([
      { Key: 'harness:stack', Value: 'harness-dev' },
      { Key: 'harness:component', Value: 'ecs' },
    ]);
  });

  it('names template files after their stacks', () => {
    expect(templateFileName('harness-dev-core')).toBe('harness-dev-core.template.json');
  });

  it('builds the S3 URL CloudFormation reads a large template from', () => {
    expect(templateUrl('bucket', 'templates/t.json', 'eu-west-1')).toBe('https://bucket.s3.eu-west-1.amazonaws.com/templates/t.json');
    expect(templateUrl('bucket', 't.json', 'cn-north-1')).toBe('https://bucket.s3.cn-north-1.amazonaws.com.cn/t.json');
  });
});

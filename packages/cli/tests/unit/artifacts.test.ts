import { createHash } from 'node:crypto';
import {
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Artifact } from '@harness/core';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { emptyBucket, uploadArtifacts } from '../../src/aws/artifacts.js';

const s3Mock = mockClient(S3Client);
const client = new S3Client({ region: 'us-east-1' });
const body = new TextEncoder().encode('export {};\n');
const sha256 = createHash('sha256').update(body).digest('hex');
const agent: Artifact = { name: 'container-agent', key: `agents/container-agent-${sha256}.cjs`, body, sha256, contentType: 'text/javascript' };
const notFound = Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });

beforeEach(() => s3Mock.reset());

describe('Function: uploadArtifacts', () => {
  it('puts a new artifact with its content type and SHA-256 checksum', async () => {
    // Arrange
    s3Mock.on(HeadObjectCommand).rejects(notFound);
    s3Mock.on(PutObjectCommand).resolves({});

    // Act
    const results = await uploadArtifacts(client, 'bucket', [agent]);

    // Assert
    expect(results).toEqual([{ name: 'container-agent', key: agent.key, sha256, action: 'uploaded' }]);
    expect(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'bucket',
      Key: agent.key,
      Body: body,
      ContentType: 'text/javascript',
      ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
    });
  });

  it('skips an artifact whose content-addressed key is already there', async () => {
    s3Mock.on(HeadObjectCommand).resolves({});

    const results = await uploadArtifacts(client, 'bucket', [agent]);

    expect(results[0]?.action).toBe('exists');
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('refuses an artifact whose bytes do not have the SHA-256 it declares', async () => {
    await expect(uploadArtifacts(client, 'bucket', [{ ...agent, sha256: '0'.repeat(64) }])).rejects.toThrow(
      /declares SHA-256 0{64} but its bytes hash to [0-9a-f]{64}\. To fix this, rebuild/,
    );
  });

  it('passes on errors other than "not found"', async () => {
    s3Mock.on(HeadObjectCommand).rejects(Object.assign(new Error('Forbidden'), { name: 'Forbidden', $metadata: { httpStatusCode: 403 } }));

    await expect(uploadArtifacts(client, 'bucket', [agent])).rejects.toThrow('Forbidden');
  });
});

describe('Function: emptyBucket', () => {
  it('deletes every version and delete marker, page by page', async () => {
    // Arrange
    s3Mock
      .on(ListObjectVersionsCommand)
      .resolvesOnce({
        Versions: [
          { Key: 'a', VersionId: 'v1' },
          { Key: 'a', VersionId: 'v2' },
        ],
        DeleteMarkers: [{ Key: 'b', VersionId: 'm1' }],
        IsTruncated: true,
        NextKeyMarker: 'b',
        NextVersionIdMarker: 'm1',
      })
      .resolves({ Versions: [{ Key: 'c', VersionId: 'null' }], IsTruncated: false });
    s3Mock.on(DeleteObjectsCommand).resolves({});

    // Act
    const deleted = await emptyBucket(client, 'bucket');

    // Assert
    expect(deleted).toBe(4);
    expect(s3Mock.commandCalls(DeleteObjectsCommand).map((call) => call.args[0].input.Delete?.Objects)).toEqual([
      [
        { Key: 'a', VersionId: 'v1' },
        { Key: 'a', VersionId: 'v2' },
        { Key: 'b', VersionId: 'm1' },
      ],
      [{ Key: 'c', VersionId: 'null' }],
    ]);
    expect(s3Mock.commandCalls(ListObjectVersionsCommand)[1]?.args[0].input).toMatchObject({ KeyMarker: 'b', VersionIdMarker: 'm1' });
  });

  it('counts a bucket that is already gone as empty', async () => {
    s3Mock.on(ListObjectVersionsCommand).rejects(Object.assign(new Error('gone'), { name: 'NoSuchBucket' }));

    await expect(emptyBucket(client, 'bucket')).resolves.toBe(0);
  });

  it('says which objects it could not delete', async () => {
    s3Mock.on(ListObjectVersionsCommand).resolves({ Versions: [{ Key: 'a', VersionId: 'v1' }] });
    s3Mock.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'a', Code: 'AccessDenied', Message: 'Access Denied' }] });

    await expect(emptyBucket(client, 'bucket')).rejects.toThrow(
      'Could not empty bucket bucket: 1 objects were not deleted (first: a AccessDenied Access Denied). To fix this, check your s3:DeleteObjectVersion permission, then run `npx harness destroy` again.',
    );
  });
});

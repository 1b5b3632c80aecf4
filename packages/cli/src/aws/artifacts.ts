import { createHash } from 'node:crypto';
import {
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type ObjectIdentifier,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Artifact } from '@harness/core';
import { HARNESS_COMMAND } from '../constants.js';

export interface UploadedArtifact {
  readonly name: string;
  readonly key: string;
  readonly sha256: string;
  /** `exists`: an object with that (content-addressed) key was already there. */
  readonly action: 'uploaded' | 'exists';
}

/**
 * Uploads each artifact unless its key is already in the bucket. Keys are
 * content-addressed, so an existing key means the same bytes; S3 checks the
 * SHA-256 of what it receives.
 */
export async function uploadArtifacts(
  s3: S3Client,
  bucket: string,
  artifacts: readonly Artifact[],
  onUpload?: (artifact: UploadedArtifact) => void,
): Promise<UploadedArtifact[]> {
  const results: UploadedArtifact[] = [];
  for (const artifact of artifacts) {
    const sha256 = createHash('sha256').update(artifact.body).digest();
    if (sha256.toString('hex') !== artifact.sha256) {
      throw new Error(
        `Artifact ${artifact.name} declares SHA-256 ${artifact.sha256} but its bytes hash to ${sha256.toString('hex')}. To fix this, rebuild the adapter package that produced it.`,
      );
    }
    const exists = await objectExists(s3, bucket, artifact.key);
    if (!exists) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: artifact.key,
          Body: artifact.body,
          ContentType: artifact.contentType,
          ChecksumSHA256: sha256.toString('base64'),
        }),
      );
    }
    const result: UploadedArtifact = { name: artifact.name, key: artifact.key, sha256: artifact.sha256, action: exists ? 'exists' : 'uploaded' };
    onUpload?.(result);
    results.push(result);
  }
  return results;
}

export async function objectExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (name === 'NotFound' || name === 'NoSuchKey' || $metadata?.httpStatusCode === 404) return false;
    throw error;
  }
}

/**
 * Deletes every object version and delete marker of a (versioned) bucket, so
 * CloudFormation can delete it. Returns how many it deleted; a bucket that is
 * already gone counts as empty.
 */
export async function emptyBucket(s3: S3Client, bucket: string): Promise<number> {
  let deleted = 0;
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    let page;
    try {
      page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchBucket') return deleted;
      throw error;
    }
    const objects: ObjectIdentifier[] = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      .filter((entry) => entry.Key !== undefined)
      .map((entry) => ({ Key: entry.Key as string, ...(entry.VersionId ? { VersionId: entry.VersionId } : {}) }));
    // ListObjectVersions pages hold at most 1 000 entries per kind, DeleteObjects takes 1 000.
    for (let start = 0; start < objects.length; start += 1000) {
      const batch = objects.slice(start, start + 1000);
      const { Errors } = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
      if (Errors?.length) {
        const first = Errors[0];
        throw new Error(
          `Could not empty bucket ${bucket}: ${Errors.length} objects were not deleted (first: ${first?.Key} ${first?.Code} ${first?.Message}). To fix this, check your s3:DeleteObjectVersion permission, then run \`${HARNESS_COMMAND} destroy\` again.`,
        );
      }
      deleted += batch.length;
    }
    if (!page.IsTruncated) return deleted;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}

import type { JsonObject, ObjectStore, StoredObjectSummary } from '../../types.js';
import { compareUtf8, isBucketAware } from '../object-store.js';
import { noSuchBucketCause, readerFailure } from './common.js';

/** The `ListObjectsV2` request parameters an `ItemReader` passes on. */
export interface ListObjectsRequest {
  readonly Bucket: string;
  readonly Prefix?: string;
  /** Keys holding the delimiter after the prefix are common prefixes, not objects, and are left out. */
  readonly Delimiter?: string;
  /** Only keys after this one, in S3's order. */
  readonly StartAfter?: string;
}

/**
 * The objects of a bucket (under a prefix), every page of `ListObjectsV2`
 * together, as the items of a distributed Map. Each item is what the
 * developer guide shows for an S3-objects dataset ("ItemReader (Map)"):
 * `{ Etag, Key, LastModified, Size, StorageClass }`, with `Etag` spelled so
 * (not `ETag`) and `LastModified` in epoch seconds (`1668699881`), unlike the
 * S3 API's ISO date.
 *
 * A missing bucket fails the read with S3's `NoSuchBucket` message when the
 * store can tell (see `BucketAwareObjectStore`).
 *
 * @example
 * ```ts
 * await listObjectItems(store, { Bucket: 'photos', Prefix: 'raw/' });
 * // [{ Etag: '"9b2c…"', Key: 'raw/1.jpg', LastModified: 1704067200, Size: 34910, StorageClass: 'STANDARD' }]
 * ```
 */
export async function listObjectItems(store: ObjectStore, request: ListObjectsRequest): Promise<JsonObject[]> {
  const summaries = await listObjects(store, request);
  return summaries.map((summary) => ({
    Etag: summary.ETag,
    Key: summary.Key,
    LastModified: Math.floor(Date.parse(summary.LastModified) / 1000),
    Size: summary.Size,
    StorageClass: summary.StorageClass,
  }));
}

/** The object summaries `ListObjectsV2` would return for the request, in key order. */
export async function listObjects(store: ObjectStore, request: ListObjectsRequest): Promise<StoredObjectSummary[]> {
  if (isBucketAware(store) && !(await store.bucketExists(request.Bucket))) throw readerFailure(noSuchBucketCause());
  const prefix = request.Prefix ?? '';
  const listed = await store.listObjects(request.Bucket, prefix);
  return listed.filter((summary) => {
    if (request.StartAfter !== undefined && compareUtf8(summary.Key, request.StartAfter) <= 0) return false;
    if (request.Delimiter !== undefined && request.Delimiter !== '' && summary.Key.slice(prefix.length).includes(request.Delimiter)) return false;
    return true;
  });
}

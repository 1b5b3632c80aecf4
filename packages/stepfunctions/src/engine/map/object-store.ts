import { createHash } from 'node:crypto';
import type { ObjectStore, StoredObjectSummary } from '../types.js';

/** Options of {@link MemoryObjectStore}. */
export interface MemoryObjectStoreOptions {
  /** The clock that stamps `LastModified` (milliseconds since the epoch). Defaults to `Date.now`. */
  readonly now?: () => number;
}

/**
 * An object store that can also say whether a bucket exists, so a reader can
 * fail a missing bucket with S3's `NoSuchBucket` rather than `NoSuchKey`.
 * `ObjectStore` itself cannot tell the two apart.
 */
export interface BucketAwareObjectStore extends ObjectStore {
  bucketExists(bucket: string): Promise<boolean>;
}

/** Whether `store` can answer {@link BucketAwareObjectStore.bucketExists}. */
export function isBucketAware(store: ObjectStore): store is BucketAwareObjectStore {
  return typeof (store as Partial<BucketAwareObjectStore>).bucketExists === 'function';
}

interface StoredObject {
  readonly body: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: string;
}

/**
 * An in-memory S3 double for a distributed Map's `ItemReader` and
 * `ResultWriter`. Buckets come into being on their first `putObject` (or
 * {@link MemoryObjectStore.createBucket}); objects carry what
 * `ListObjectsV2` reports: `Size` in bytes of UTF-8, `ETag` the quoted MD5
 * hex of the body (S3's ETag for a single-part, unencrypted upload),
 * `LastModified` from the injected clock, to the second as S3 lists it, and
 * `StorageClass` `STANDARD`.
 *
 * Bodies are text. A binary body (a gzipped S3 inventory file, a Parquet
 * file) is held as a latin1 string, one character per byte; `Size` and `ETag`
 * then count those bytes.
 *
 * @example
 * ```ts
 * const store = new MemoryObjectStore({ now: () => Date.UTC(2024, 0, 1) });
 * await store.putObject('bucket', 'items.json', '[1,2,3]');
 * await store.getObject('bucket', 'items.json'); // '[1,2,3]'
 * await store.listObjects('bucket'); // [{ Key: 'items.json', Size: 7, ETag: '"…"', … }]
 * ```
 */
export class MemoryObjectStore implements BucketAwareObjectStore {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();
  private readonly now: () => number;

  constructor(options: MemoryObjectStoreOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Creates an empty bucket (listing it then gives `[]` rather than a missing bucket). Idempotent. */
  createBucket(bucket: string): void {
    if (!this.buckets.has(bucket)) this.buckets.set(bucket, new Map());
  }

  /** Whether the bucket exists. */
  async bucketExists(bucket: string): Promise<boolean> {
    return this.buckets.has(bucket);
  }

  /** The object's body, or `undefined` when the bucket or the key is missing. */
  async getObject(bucket: string, key: string): Promise<string | undefined> {
    return this.buckets.get(bucket)?.get(key)?.body;
  }

  /** Stores the body under the key, replacing any object there, and creates the bucket if needed. */
  async putObject(bucket: string, key: string, body: string): Promise<void> {
    const binary = isLatin1Binary(body) || isParquetBody(body);
    this.store(bucket, key, body, binary ? Buffer.from(body, 'latin1') : Buffer.from(body, 'utf8'));
  }

  /**
   * Stores bytes: UTF-8 text as text (a CSV or JSON file given as a Buffer
   * reads as the same characters), anything else one character per byte,
   * as the binary readers (gzip, Parquet) expect. Size and ETag are the bytes'.
   */
  async putObjectBytes(bucket: string, key: string, bytes: Uint8Array): Promise<void> {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const text = utf8Text(buffer);
    this.store(bucket, key, text !== undefined && !isLatin1Binary(text) && !isParquetBody(text) ? text : buffer.toString('latin1'), buffer);
  }

  private store(bucket: string, key: string, body: string, bytes: Buffer): void {
    this.createBucket(bucket);
    this.buckets.get(bucket)?.set(key, {
      body,
      size: bytes.length,
      etag: `"${createHash('md5').update(bytes).digest('hex')}"`,
      // S3 lists LastModified to the second (`…T12:00:00.000Z`).
      lastModified: new Date(Math.floor(this.now() / 1000) * 1000).toISOString(),
    });
  }

  /** Removes an object; a missing one is no error, as in S3. */
  async deleteObject(bucket: string, key: string): Promise<void> {
    this.buckets.get(bucket)?.delete(key);
  }

  /**
   * The objects whose keys start with `prefix`, in UTF-8 binary order of
   * their keys as `ListObjectsV2` returns them (not JavaScript's UTF-16
   * order: they differ for characters beyond U+FFFF). A missing bucket lists
   * as empty; use {@link MemoryObjectStore.bucketExists} to tell.
   */
  async listObjects(bucket: string, prefix = ''): Promise<readonly StoredObjectSummary[]> {
    const objects = this.buckets.get(bucket);
    if (objects === undefined) return [];
    const keys = [...objects.keys()].filter((key) => key.startsWith(prefix)).sort(compareUtf8);
    return keys.map((key) => {
      const stored = objects.get(key) as StoredObject;
      return { Key: key, Size: stored.size, ETag: stored.etag, LastModified: stored.lastModified, StorageClass: 'STANDARD' };
    });
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as text when they are valid UTF-8, else `undefined`. */
export function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Orders strings by their UTF-8 bytes, as S3 orders keys. */
export function compareUtf8(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));
}

/** A body that starts with the gzip magic bytes, held one character per byte. */
export function isLatin1Binary(body: string): boolean {
  return body.charCodeAt(0) === 0x1f && body.charCodeAt(1) === 0x8b;
}

/** A Parquet file held one character per byte: it starts and ends with the magic `PAR1`. */
export function isParquetBody(body: string): boolean {
  return body.length >= 8 && body.startsWith('PAR1') && body.endsWith('PAR1');
}

import type { S3Client } from '@aws-sdk/client-s3';
import { MemoryObjectStore, utf8Text } from './engine/map/object-store.js';
import type { ObjectStore, StoredObjectSummary } from './engine/types.js';
import { StepFunctionsError } from './errors.js';

/**
 * `harness.stepFunctions.s3`: the S3 objects a distributed Map reads
 * (ItemReader) and writes (ResultWriter). On the local target an in-memory
 * double the session shares with every execution it runs; on the aws target
 * the real buckets, through the standard AWS environment.
 */
export interface S3ObjectsApi {
  /**
   * Puts an object: text as it is, bytes (a `Uint8Array`, `Buffer`,
   * `ArrayBuffer` or other typed array, such as a Parquet or gzip file) as
   * they are, anything else as JSON text.
   *
   * @example
   * await harness.stepFunctions.s3.putObject('orders', 'batch.json', [{ orderId: 'o-1' }]);
   * await harness.stepFunctions.s3.putObject('orders', 'batch.csv', 'orderId,total\no-1,10\n');
   * await harness.stepFunctions.s3.putObject('orders', 'batch.parquet', await readFile('fixtures/batch.parquet'));
   */
  putObject(bucket: string, key: string, body: unknown): Promise<void>;
  /** The object's body as text, or `undefined` when there is no such object. */
  getObject(bucket: string, key: string): Promise<string | undefined>;
  /**
   * The object's body parsed as JSON (a ResultWriter's manifest and result files).
   *
   * @example
   * const manifest = await harness.stepFunctions.s3.getJson<{ ResultFiles: unknown }>('results', run.output.ResultWriterDetails.Key);
   */
  getJson<T = unknown>(bucket: string, key: string): Promise<T | undefined>;
  /** The objects under a prefix, as ListObjectsV2 lists them. */
  listObjects(bucket: string, prefix?: string): Promise<readonly StoredObjectSummary[]>;
}

/** The store an API serves, for the local runner. */
export interface S3Objects extends S3ObjectsApi {
  readonly store: ObjectStore;
}

/** A store that can take bytes as they are (real S3); others hold them as latin1 text. */
interface ByteObjectStore extends ObjectStore {
  putObjectBytes(bucket: string, key: string, body: Uint8Array): Promise<void>;
}

function acceptsBytes(store: ObjectStore): store is ByteObjectStore {
  return typeof (store as Partial<ByteObjectStore>).putObjectBytes === 'function';
}

/** The bytes of a binary body, or `undefined` for anything else. */
function bodyBytes(body: unknown): Uint8Array | undefined {
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return undefined;
}

function bodyText(body: unknown, bucket: string, key: string): string {
  if (typeof body === 'string') return body;
  const bytes = bodyBytes(body);
  // The engine's store holds bodies as strings: bytes go one character per byte, as its readers expect.
  if (bytes !== undefined) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const text = JSON.stringify(body);
  if (text === undefined) {
    throw new StepFunctionsError(`The body for s3://${bucket}/${key} is not text or JSON data. To fix this, pass a string, a Uint8Array or plain JSON data.`);
  }
  return text;
}

function parse<T>(text: string | undefined, bucket: string, key: string): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new StepFunctionsError(`s3://${bucket}/${key} is not JSON (${(error as Error).message}). To fix this, read it with getObject.`, { cause: error });
  }
}

/** Wraps a store in the API. */
export function s3ObjectsApi(store: ObjectStore): S3Objects {
  return {
    store,
    putObject: (bucket, key, body) => {
      const bytes = bodyBytes(body);
      if (bytes !== undefined && acceptsBytes(store)) return store.putObjectBytes(bucket, key, bytes);
      return store.putObject(bucket, key, bodyText(body, bucket, key));
    },
    getObject: (bucket, key) => store.getObject(bucket, key),
    getJson: async <T>(bucket: string, key: string) => parse<T>(await store.getObject(bucket, key), bucket, key),
    listObjects: (bucket, prefix) => store.listObjects(bucket, prefix),
  };
}

/** The local target's S3 double. */
export function localS3Objects(): S3Objects {
  return s3ObjectsApi(new MemoryObjectStore());
}

/** The aws target's real buckets (the SDK's S3 client, imported on first use). */
export function awsS3Objects(): S3Objects {
  let client: Promise<{ client: S3Client; sdk: typeof import('@aws-sdk/client-s3') }> | undefined;
  const s3 = () =>
    (client ??= import('@aws-sdk/client-s3').then((sdk) => ({ client: new sdk.S3Client({}), sdk })));
  const store: ByteObjectStore = {
    async getObject(bucket, key) {
      const { client: c, sdk } = await s3();
      try {
        const response = await c.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!response.Body) return '';
        // Text as text; other bytes one character per byte, as the local double holds them.
        const bytes = Buffer.from(await response.Body.transformToByteArray());
        return utf8Text(bytes) ?? bytes.toString('latin1');
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    async putObject(bucket, key, body) {
      const { client: c, sdk } = await s3();
      await c.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    // Sent as bytes: a latin1 string would reach S3 re-encoded as UTF-8, corrupting every byte above 0x7F.
    async putObjectBytes(bucket, key, body) {
      const { client: c, sdk } = await s3();
      await c.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async listObjects(bucket, prefix) {
      const { client: c, sdk } = await s3();
      const objects: StoredObjectSummary[] = [];
      let token: string | undefined;
      do {
        const page = await c.send(new sdk.ListObjectsV2Command({ Bucket: bucket, ...(prefix ? { Prefix: prefix } : {}), ...(token ? { ContinuationToken: token } : {}) }));
        for (const entry of page.Contents ?? []) {
          objects.push({
            Key: entry.Key ?? '',
            Size: entry.Size ?? 0,
            ETag: entry.ETag ?? '',
            LastModified: (entry.LastModified ?? new Date(0)).toISOString(),
            StorageClass: entry.StorageClass ?? 'STANDARD',
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return objects;
    },
  };
  return s3ObjectsApi(store);
}

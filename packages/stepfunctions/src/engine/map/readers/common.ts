import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { StepFunctionsError } from '../../../errors.js';
import { STATES_ERRORS } from '../../errors/names.js';
import { StateFailure, type ObjectStore, type StateLocation } from '../../types.js';
import { isBucketAware, isLatin1Binary } from '../object-store.js';

/** An `ItemReader` failure: the Map Run fails with `States.ItemReaderFailed` and this cause. */
export function readerFailure(cause: string): StateFailure {
  return new StateFailure(STATES_ERRORS.ItemReaderFailed, cause);
}

/**
 * An `ItemReader` configuration this engine does not run (an unknown
 * `InputType`, another resource): not a workflow failure AWS would report, so it is not
 * a `StateFailure` a `Catch` could swallow.
 */
export class UnsupportedItemReaderError extends StepFunctionsError {
  constructor(
    readonly state: string,
    readonly feature: string,
    fix: string,
  ) {
    super(`Map state "${state}": ${feature}. To fix this, ${fix}`);
  }
}

/** S3's request ids as the AWS SDK quotes them in an error message: 16 characters, and a base64 extended id. */
function s3RequestIds(): string {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const extended = randomBytes(57).toString('base64');
  return `Service: S3, Status Code: 404, Request ID: ${requestId}, Extended Request ID: ${extended}`;
}

/**
 * The cause of a read from a missing bucket, in the AWS SDK's words (recorded
 * AWS response, `error_handling/test_aws_sdk::test_no_such_bucket`: `The
 * specified bucket does not exist (Service: S3, Status Code: 404, Request ID:
 * …, Extended Request ID: …)`).
 */
export function noSuchBucketCause(): string {
  return `The specified bucket does not exist (${s3RequestIds()})`;
}

/** The cause of a read of a missing key: S3's `NoSuchKey` message in the AWS SDK's form. */
export function noSuchKeyCause(): string {
  return `The specified key does not exist. (${s3RequestIds()})`;
}

/**
 * Reads an object's body for a reader, failing the read as a missing bucket
 * or key would on AWS. A gzipped body (an S3 inventory file, held as a latin1
 * string) is unzipped.
 */
export async function fetchObject(store: ObjectStore, bucket: string, key: string): Promise<string> {
  const body = await store.getObject(bucket, key);
  if (body === undefined) {
    if (isBucketAware(store) && !(await store.bucketExists(bucket))) throw readerFailure(noSuchBucketCause());
    throw readerFailure(noSuchKeyCause());
  }
  return decodeBody(body);
}

/** The text of a body: unzipped when it is gzip held one character per byte, as is otherwise. */
export function decodeBody(body: string): string {
  if (!isLatin1Binary(body)) return body;
  try {
    return gunzipSync(Buffer.from(body, 'latin1')).toString('utf8');
  } catch (error) {
    throw readerFailure(`The object could not be decompressed: ${(error as Error).message}`);
  }
}

/** A required string parameter of the reader (`Bucket`, `Key`). */
export function stringParameter(parameters: Record<string, unknown>, name: string, location: StateLocation, resource: string): string {
  const value = parameters[name];
  if (typeof value === 'string') return value;
  throw new UnsupportedItemReaderError(
    location.stateName,
    `the ItemReader for ${resource} needs a string "${name}" in its Parameters or Arguments (got ${value === undefined ? 'none' : JSON.stringify(value)})`,
    `give "${name}" (or "${name}.$" in JSONPath, "{% … %}" in JSONata) in the ItemReader's Parameters or Arguments.`,
  );
}

import { createHash, createHmac } from 'node:crypto';

/** AWS credentials as the signer uses them. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Present for temporary credentials (a task role, an assumed role). */
  readonly sessionToken?: string;
}

/** A request to sign with Signature Version 4. */
export interface SignRequestInput {
  /** HTTP method, in upper case (`GET`, `POST`). */
  readonly method: string;
  /**
   * The URL the request is sent to. The path is signed as the URL carries it:
   * encode S3 keys per segment with {@link encodeRfc3986}, as the AWS SDKs do.
   * The query string should encode spaces as `%20`, not `+`.
   */
  readonly url: string | URL;
  /** Headers to sign and send. `undefined` values are left out. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  /** The body; omitted means an empty body. */
  readonly body?: string | Uint8Array;
  /** Signing name of the service: `s3`, `sqs`, `dynamodb`, `states`, `ecs`… */
  readonly service: string;
  readonly region: string;
  readonly credentials: AwsCredentials;
  /** Signing time; defaults to now. */
  readonly date?: Date;
}

/** Header names (lower case) and values to send: the input headers plus `host`, `x-amz-date`, `authorization`… */
export type SignedHeaders = Record<string, string>;

/** Hex SHA-256 of an empty body. */
export const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The `x-amz-content-sha256` value that tells S3 the payload is not part of the signature. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const CONTENT_SHA256 = 'x-amz-content-sha256';

// Headers that proxies and HTTP stacks add, drop or rewrite in flight: signing
// them would make a valid request fail verification on the way.
const UNSIGNED_HEADERS =
  /^(authorization|cache-control|connection|expect|from|keep-alive|max-forwards|pragma|referer|te|trailer|transfer-encoding|upgrade|user-agent|x-amzn-trace-id|proxy-.*|sec-.*)$/;

/**
 * Signs a request with AWS Signature Version 4 (header-based) and returns the
 * headers to send with it, names in lower case: the input headers, `host`,
 * `x-amz-date`, `x-amz-security-token` (temporary credentials),
 * `x-amz-content-sha256` (S3) and `authorization`.
 *
 * An `x-amz-content-sha256` input header (e.g. {@link UNSIGNED_PAYLOAD}) is used
 * as the payload hash instead of hashing the body.
 *
 * @example
 * const headers = signRequest({
 *   method: 'POST',
 *   url: 'https://dynamodb.eu-west-1.amazonaws.com/',
 *   headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' },
 *   body,
 *   service: 'dynamodb',
 *   region: 'eu-west-1',
 *   credentials: { accessKeyId, secretAccessKey, sessionToken },
 * });
 * await fetch(url, { method: 'POST', headers, body });
 */
export function signRequest(input: SignRequestInput): SignedHeaders {
  const { service, region, credentials } = input;
  const url = new URL(input.url);
  const headers: SignedHeaders = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  headers.host ??= url.host;
  const amzDate = (input.date ?? new Date()).toISOString().replace(/[-:]|\.\d{3}/g, '');
  headers['x-amz-date'] = amzDate;
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const payloadHash = headers[CONTENT_SHA256] ?? sha256Hex(input.body ?? '');
  if (service === 's3') headers[CONTENT_SHA256] = payloadHash;

  const signedNames = Object.keys(headers)
    .filter((name) => !UNSIGNED_HEADERS.test(name))
    .sort();
  const signedHeaders = signedNames.join(';');
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalUri(url.pathname, service === 's3'),
    canonicalQueryString(url.search),
    signedNames.map((name) => `${name}:${canonicalHeaderValue(headers[name] ?? '')}\n`).join(''),
    signedHeaders,
    payloadHash,
  ].join('\n');

  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/${service}/aws4_request`;
  let key: Buffer = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const signature = hmac(key, [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n')).toString('hex');

  headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}

/** Percent-encodes everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`). */
export function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Hex SHA-256 of a string (UTF-8) or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

// The server decodes the query it receives and encodes it again; a malformed
// escape (`%zz`) cannot be decoded and is encoded as it stands.
function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * S3 signs the path exactly as sent (its segments are already URI-encoded
 * once). Every other service normalises the path (no empty, `.` or `..`
 * segments) and encodes the sent path a second time.
 */
function canonicalUri(pathname: string, s3: boolean): string {
  if (s3) return pathname || '/';
  const segments: string[] = [];
  for (const segment of pathname.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(encodeRfc3986(segment));
  }
  const trailing = segments.length > 0 && pathname.endsWith('/') ? '/' : '';
  return `/${segments.join('/')}${trailing}`;
}

function canonicalQueryString(search: string): string {
  return search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair): [string, string] => {
      const [name = '', ...value] = pair.split('=');
      return [encodeRfc3986(decode(name)), encodeRfc3986(decode(value.join('=')))];
    })
    .sort(([nameA, valueA], [nameB, valueB]) => compare(nameA, nameB) || compare(valueA, valueB))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Whitespace a proxy may fold: line breaks and runs of spaces or tabs become
// one space, and the value is trimmed.
function canonicalHeaderValue(value: string): string {
  return value.replace(/[ \t\r\n]+/g, ' ').replace(/^ | $/g, '');
}

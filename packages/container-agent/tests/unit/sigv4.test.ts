import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { EMPTY_PAYLOAD_SHA256, UNSIGNED_PAYLOAD, encodeRfc3986, signRequest, type AwsCredentials } from '../../src/sigv4.js';
import { seededRandom } from '../../../core/tests/support/fault-proxy.mjs';

// The credentials, scope and date of the AWS SigV4 test suite (aws-sig-v4-test-suite).
const SUITE_CREDENTIALS: AwsCredentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const SUITE_DATE = new Date('2015-08-30T12:36:00Z');
const SUITE_SCOPE = 'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';

describe('Function: signRequest', () => {
  describe('AWS SigV4 test suite vectors', () => {
    it.each([
      ['get-vanilla', 'GET', 'https://example.amazonaws.com/', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
      ['post-vanilla', 'POST', 'https://example.amazonaws.com/', '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'],
      [
        'get-vanilla-query-order-key-case',
        'GET',
        'https://example.amazonaws.com/?Param2=value2&Param1=value1',
        'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
      ],
    ])('reproduces %s', (_name, method, url, signature) => {
      // Arrange
      const request = { method, url, service: 'service', region: 'us-east-1', credentials: SUITE_CREDENTIALS, date: SUITE_DATE };

      // Act
      const headers = signRequest(request);

      // Assert
      expect(headers.authorization).toBe(
        `AWS4-HMAC-SHA256 Credential=${SUITE_SCOPE}, SignedHeaders=host;x-amz-date, Signature=${signature}`,
      );
      expect(headers['x-amz-date']).toBe('20150830T123600Z');
      expect(headers.host).toBe('example.amazonaws.com');
      expect(headers).not.toHaveProperty('x-amz-content-sha256');
      expect(headers).not.toHaveProperty('x-amz-security-token');
    });

    it('reproduces the S3 GetObject example of the S3 API reference (range header, empty payload hash)', () => {
      // Arrange
      const request = {
        method: 'GET',
        url: 'https://examplebucket.s3.amazonaws.com/test.txt',
        headers: { Range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256 },
        service: 's3',
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
        date: new Date('2013-05-24T00:00:00Z'),
      };

      // Act
      const headers = signRequest(request);

      // Assert
      expect(headers.authorization).toBe(
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
          'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
          'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
      );
    });
  });

  describe('headers it adds', () => {
    it('adds x-amz-security-token for temporary credentials and signs it', () => {
      // Arrange
      const credentials = { ...SUITE_CREDENTIALS, sessionToken: 'token/with+chars=' };

      // Act
      const headers = signRequest({ method: 'GET', url: 'https://sqs.us-east-1.amazonaws.com/', service: 'sqs', region: 'us-east-1', credentials });

      // Assert
      expect(headers['x-amz-security-token']).toBe('token/with+chars=');
      expect(headers.authorization).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token,');
    });

    it('adds x-amz-content-sha256 for S3 only: the body hash, or the value given', () => {
      // Arrange
      const base = { method: 'PUT', url: 'https://b.s3.us-east-1.amazonaws.com/k', region: 'us-east-1', credentials: SUITE_CREDENTIALS };

      // Act
      const s3 = signRequest({ ...base, service: 's3', body: 'hello' });
      const unsigned = signRequest({ ...base, service: 's3', body: 'hello', headers: { 'X-Amz-Content-Sha256': UNSIGNED_PAYLOAD } });
      const sqs = signRequest({ ...base, service: 'sqs', body: 'hello' });

      // Assert
      expect(s3['x-amz-content-sha256']).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
      expect(unsigned['x-amz-content-sha256']).toBe(UNSIGNED_PAYLOAD);
      expect(sqs).not.toHaveProperty('x-amz-content-sha256');
    });

    it('does not sign headers a proxy may rewrite (user-agent, connection, sec-*, proxy-*)', () => {
      // Act
      const headers = signRequest({
        method: 'GET',
        url: 'https://example.amazonaws.com/',
        headers: { 'User-Agent': 'harness', Connection: 'keep-alive', 'Sec-Fetch-Mode': 'cors', 'Proxy-Authorization': 'x', 'X-Kept': 'y' },
        service: 'service',
        region: 'us-east-1',
        credentials: SUITE_CREDENTIALS,
        date: SUITE_DATE,
      });

      // Assert
      expect(headers.authorization).toContain('SignedHeaders=host;x-amz-date;x-kept,');
      expect(headers['user-agent']).toBe('harness');
    });
  });

  describe('against @smithy/signature-v4 (the AWS SDK signer)', () => {
    const requests = Array.from({ length: 200 }, (_, index) => randomRequest(index));

    it.each(requests.map((request) => [request.label, request] as const))('signs %s like the SDK', async (_label, request) => {
      // Arrange
      const oracle = new SignatureV4({
        service: request.service,
        region: request.region,
        credentials: request.credentials,
        sha256: Sha256,
        uriEscapePath: request.service !== 's3',
        applyChecksum: request.service === 's3',
      });
      const url = new URL(request.url);

      // Act
      const ours = signRequest(request);
      const theirs = await oracle.sign(
        {
          method: request.method,
          protocol: url.protocol,
          hostname: url.hostname,
          path: url.pathname,
          query: request.query,
          headers: { ...request.headers, host: url.host },
          ...(request.body === undefined ? {} : { body: request.body }),
        },
        { signingDate: request.date },
      );

      // Assert
      const expected = lowerCaseKeys(theirs.headers);
      expect(ours.authorization).toBe(expected.authorization);
      expect(ours['x-amz-date']).toBe(expected['x-amz-date']);
      expect(ours['x-amz-security-token']).toBe(expected['x-amz-security-token']);
      expect(ours['x-amz-content-sha256']).toBe(expected['x-amz-content-sha256']);
    });
  });
});

describe('Function: encodeRfc3986', () => {
  it('keeps only unreserved characters and encodes UTF-8 bytes in upper-case hex', () => {
    // Act
    const encoded = encodeRfc3986("a-b_c.d~e f!g'h(i)j*k/é");

    // Assert
    expect(encoded).toBe('a-b_c.d~e%20f%21g%27h%28i%29j%2Ak%2F%C3%A9');
  });
});

// ----- seeded pseudo-random requests -----

interface GeneratedRequest {
  readonly label: string;
  readonly method: string;
  readonly url: string;
  readonly query: Record<string, string | string[]>;
  readonly headers: Record<string, string>;
  readonly body?: string | Uint8Array;
  readonly service: string;
  readonly region: string;
  readonly credentials: AwsCredentials;
  readonly date: Date;
}

const PIECES = ['a', 'Z', '0', 'key', ' ', '  ', 'é', '日本', '😀', '!', '*', "'", '(', ')', ';', ':', '@', '&', '=', '+', '$', ',', '[', ']', '%', '~', '-', '.', '_', '%41', 'a b'];
const RAW_PATH_PIECES = ['a', 'b', ' ', 'é', '!', '*', "'", '(', ')', ';', ':', '@', '&', '=', '+', '$', ',', '%20', '%zz', '~', '-', '_'];

function lowerCaseKeys(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function randomRequest(index: number): GeneratedRequest {
  const next = seededRandom(0x5eed + index);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const text = (pieces: readonly string[], max: number): string => Array.from({ length: Math.floor(next() * max) }, () => pick(pieces)).join('');

  const service = pick(['s3', 'sqs', 'dynamodb', 'states']);
  const region = pick(['us-east-1', 'eu-west-3', 'ap-southeast-2', 'cn-north-1']);
  const method = pick(['GET', 'POST', 'PUT', 'DELETE', 'HEAD']);
  const host = pick(['example.amazonaws.com', `${service}.${region}.amazonaws.com`, '127.0.0.1:4566', 'localhost:5000']);

  // Paths: segments encoded the way an SDK encodes them, or raw text the URL parser keeps as it is.
  const encoded = next() < 0.7;
  const segments = Array.from({ length: Math.floor(next() * 5) }, () => {
    if (service !== 's3' && next() < 0.1) return pick(['', '.', '..']);
    return encoded ? encodeRfc3986(text(PIECES, 4) || 'x') : text(RAW_PATH_PIECES, 4) || 'x';
  });
  const path = `/${segments.join('/')}${next() < 0.2 ? '/' : ''}`;

  // Query: repeated keys, empty values, keys without a value.
  const query: Record<string, string | string[]> = {};
  const wire: string[] = [];
  for (let i = Math.floor(next() * 5); i > 0; i--) {
    const key = next() < 0.3 && Object.keys(query).length > 0 ? pick(Object.keys(query)) : text(PIECES, 3) || 'k';
    const value = next() < 0.2 ? '' : text(PIECES, 4);
    const previous = query[key];
    query[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
    wire.push(value === '' && next() < 0.5 ? encodeRfc3986(key) : `${encodeRfc3986(key)}=${encodeRfc3986(value)}`);
  }

  const headers: Record<string, string> = {};
  for (let i = Math.floor(next() * 4); i > 0; i--) {
    const name = `X-Test-${pick(['a', 'b', 'c', 'd', 'e', 'f'])}${i}`;
    headers[name] = `${pick(['', ' ', '  '])}${pick(['v', 'two  words', 'tab\there', 'a \t b', 'x'])}${pick(['', ' ', '   '])}`;
  }
  if (next() < 0.3) headers['User-Agent'] = 'harness/1.0';
  if (method === 'POST' && service !== 's3') {
    headers['Content-Type'] = 'application/x-amz-json-1.0';
    headers['X-Amz-Target'] = 'Service.Operation';
  }
  if (service === 's3' && next() < 0.3) headers['x-amz-content-sha256'] = UNSIGNED_PAYLOAD;

  const bodyKind = method === 'GET' || method === 'HEAD' ? 'none' : pick(['none', 'text', 'bytes']);
  const body =
    bodyKind === 'text'
      ? text(PIECES, 30)
      : bodyKind === 'bytes'
        ? Uint8Array.from({ length: Math.floor(next() * 64) }, () => Math.floor(next() * 256))
        : undefined;

  const credentials: AwsCredentials =
    next() < 0.5
      ? { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: `secret/${index}+key`, sessionToken: `session-token-${index}==` }
      : { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: `secret-${index}` };
  const date = new Date(Date.UTC(2015, 0, 1) + Math.floor(next() * 15 * 365 * 86_400) * 1000);
  const url = `http://${host}${path}${wire.length > 0 ? `?${wire.join('&')}` : ''}`;

  return {
    label: `#${index} ${method} ${service} ${url.slice(0, 60)}`,
    method,
    url,
    query,
    headers,
    ...(body === undefined ? {} : { body }),
    service,
    region,
    credentials,
    date,
  };
}

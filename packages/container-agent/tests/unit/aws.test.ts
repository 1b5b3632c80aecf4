import { describe, expect, it } from 'vitest';
import {
  CREDENTIALS_REFRESH_MARGIN_MS,
  callJson,
  createAwsContext,
  createCredentialProvider,
  getItem,
  isTransientFailure,
  resolveEndpoint,
  s3GetObject,
  s3ObjectUrl,
  type Env,
  type FetchLike,
} from '../../src/aws.js';
import { AwsRequestError, CredentialsError } from '../../src/errors.js';

interface RecordedCall {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** A fetch that records calls and answers from a queue (the last answer repeats). */
function fakeFetch(...answers: (() => Response)[]): FetchLike & { calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  let index = 0;
  const fn = async (url: string, init?: RequestInit): Promise<Response> => {
    calls.push({
      url,
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
    });
    const answer = answers[Math.min(index++, answers.length - 1)];
    if (!answer) throw new Error('no answer configured');
    return answer();
  };
  return Object.assign(fn, { calls });
}

const json = (body: unknown, status = 200): (() => Response) => () => new Response(JSON.stringify(body), { status });

const TASK_ROLE = {
  AccessKeyId: 'ASIATASKROLE',
  SecretAccessKey: 'task-secret',
  Token: 'task-token',
  Expiration: '2030-01-01T01:00:00Z',
  RoleArn: 'arn:aws:iam::123456789012:role/task',
};

describe('Function: createCredentialProvider', () => {
  it('prefers AWS_CONTAINER_CREDENTIALS_FULL_URI and sends AWS_CONTAINER_AUTHORIZATION_TOKEN', async () => {
    // Arrange
    const fetch = fakeFetch(json(TASK_ROLE));
    const env: Env = {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:5555/credentials',
      AWS_CONTAINER_AUTHORIZATION_TOKEN: 'auth-token',
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/relative',
      AWS_ACCESS_KEY_ID: 'AKIASTATIC',
      AWS_SECRET_ACCESS_KEY: 'static-secret',
    };

    // Act
    const credentials = await createCredentialProvider({ env, fetch })();

    // Assert
    expect(credentials).toEqual({ accessKeyId: 'ASIATASKROLE', secretAccessKey: 'task-secret', sessionToken: 'task-token' });
    expect(fetch.calls).toHaveLength(1);
    expect(fetch.calls[0]?.url).toBe('http://127.0.0.1:5555/credentials');
    expect(fetch.calls[0]?.headers.authorization).toBe('auth-token');
  });

  it('uses the ECS task role endpoint (169.254.170.2 + relative URI) without an authorization header', async () => {
    // Arrange
    const fetch = fakeFetch(json(TASK_ROLE));
    const env: Env = {
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/abc',
      AWS_CONTAINER_AUTHORIZATION_TOKEN: 'not-for-the-ecs-endpoint',
      AWS_ACCESS_KEY_ID: 'AKIASTATIC',
      AWS_SECRET_ACCESS_KEY: 'static-secret',
    };

    // Act
    const credentials = await createCredentialProvider({ env, fetch })();

    // Assert
    expect(credentials.accessKeyId).toBe('ASIATASKROLE');
    expect(fetch.calls[0]?.url).toBe('http://169.254.170.2/v2/credentials/abc');
    expect(fetch.calls[0]?.headers).not.toHaveProperty('authorization');
  });

  it('falls back to static AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN without any request', async () => {
    // Arrange
    const fetch = fakeFetch(json(TASK_ROLE));
    const env: Env = { AWS_ACCESS_KEY_ID: 'AKIASTATIC', AWS_SECRET_ACCESS_KEY: 'static-secret', AWS_SESSION_TOKEN: 'static-token' };

    // Act
    const credentials = await createCredentialProvider({ env, fetch })();

    // Assert
    expect(credentials).toEqual({ accessKeyId: 'AKIASTATIC', secretAccessKey: 'static-secret', sessionToken: 'static-token' });
    expect(fetch.calls).toHaveLength(0);
  });

  it('caches endpoint credentials until 5 minutes before Expiration, then fetches again', async () => {
    // Arrange
    const expiration = Date.parse(TASK_ROLE.Expiration);
    let now = expiration - CREDENTIALS_REFRESH_MARGIN_MS - 1_000;
    const fetch = fakeFetch(json(TASK_ROLE), json({ ...TASK_ROLE, AccessKeyId: 'ASIAREFRESHED' }));
    const provider = createCredentialProvider({ env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/creds' }, fetch, now: () => now });

    // Act
    const first = await provider();
    const cached = await provider();
    now += 1_000;
    const refreshed = await provider();

    // Assert
    expect(first.accessKeyId).toBe('ASIATASKROLE');
    expect(cached.accessKeyId).toBe('ASIATASKROLE');
    expect(refreshed.accessKeyId).toBe('ASIAREFRESHED');
    expect(fetch.calls).toHaveLength(2);
  });

  it('shares one request between concurrent callers', async () => {
    // Arrange
    const fetch = fakeFetch(json(TASK_ROLE));
    const provider = createCredentialProvider({ env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/creds' }, fetch });

    // Act
    const results = await Promise.all([provider(), provider(), provider()]);

    // Assert
    expect(results.map((credentials) => credentials.accessKeyId)).toEqual(['ASIATASKROLE', 'ASIATASKROLE', 'ASIATASKROLE']);
    expect(fetch.calls).toHaveLength(1);
  });

  it('retries a credentials endpoint that answers 5xx', async () => {
    // Arrange
    const fetch = fakeFetch(json({ message: 'busy' }, 503), json(TASK_ROLE));

    // Act
    const credentials = await createCredentialProvider({ env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/creds' }, fetch })();

    // Assert
    expect(credentials.accessKeyId).toBe('ASIATASKROLE');
    expect(fetch.calls).toHaveLength(2);
  });

  it('refuses to send the authorization token over plain HTTP to a non-local host', async () => {
    // Arrange
    const fetch = fakeFetch(json(TASK_ROLE));
    const env: Env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://credentials.example.com/creds', AWS_CONTAINER_AUTHORIZATION_TOKEN: 'secret-token' };

    // Act
    const attempt = createCredentialProvider({ env, fetch })();

    // Assert
    await expect(attempt).rejects.toThrow(CredentialsError);
    await expect(attempt).rejects.toThrow(/must be https, or http on loopback/);
    expect(fetch.calls).toHaveLength(0);
  });

  it('fails with a CredentialsError that names the variables when nothing is set', async () => {
    // Act
    const attempt = createCredentialProvider({ env: {}, fetch: fakeFetch() })();

    // Assert
    await expect(attempt).rejects.toThrow(CredentialsError);
    await expect(attempt).rejects.toThrow(/AWS_CONTAINER_CREDENTIALS_RELATIVE_URI.*task role/);
  });

  it('does not quote a failing endpoint body in its error (it could hold secrets)', async () => {
    // Arrange
    const fetch = fakeFetch(() => new Response('SecretAccessKey=leaked', { status: 403 }));

    // Act
    const attempt = createCredentialProvider({ env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/creds?x=1' }, fetch })();

    // Assert
    await expect(attempt).rejects.toThrow('GET http://169.254.170.2/creds failed: HTTP 403');
    await expect(attempt).rejects.not.toThrow(/leaked/);
  });
});

describe('Function: resolveEndpoint', () => {
  it.each([
    ['sqs', 'https://sqs.eu-west-1.amazonaws.com', 'sqs'],
    ['dynamodb', 'https://dynamodb.eu-west-1.amazonaws.com', 'dynamodb'],
    ['sfn', 'https://states.eu-west-1.amazonaws.com', 'states'],
    ['ecs', 'https://ecs.eu-west-1.amazonaws.com', 'ecs'],
    ['s3', 'https://s3.eu-west-1.amazonaws.com', 's3'],
  ] as const)('resolves %s to the regional AWS endpoint', (service, url, signingName) => {
    // Act
    const endpoint = resolveEndpoint(service, { AWS_REGION: 'eu-west-1' });

    // Assert
    expect(endpoint).toEqual({ url, region: 'eu-west-1', signingName, custom: false });
  });

  it('prefers AWS_ENDPOINT_URL_<SERVICE> over AWS_ENDPOINT_URL, and AWS_REGION over AWS_DEFAULT_REGION', () => {
    // Arrange
    const env: Env = {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000/',
      AWS_ENDPOINT_URL_SFN: 'http://127.0.0.1:8083',
      AWS_REGION: 'eu-central-1',
      AWS_DEFAULT_REGION: 'us-west-2',
    };

    // Act
    const sfn = resolveEndpoint('sfn', env);
    const sqs = resolveEndpoint('sqs', env);

    // Assert
    expect(sfn).toEqual({ url: 'http://127.0.0.1:8083', region: 'eu-central-1', signingName: 'states', custom: true });
    expect(sqs).toEqual({ url: 'http://127.0.0.1:5000', region: 'eu-central-1', signingName: 'sqs', custom: true });
  });

  it('uses AWS_DEFAULT_REGION when AWS_REGION is not set, and the .cn suffix in China', () => {
    // Act
    const endpoint = resolveEndpoint('dynamodb', { AWS_DEFAULT_REGION: 'cn-north-1' });

    // Assert
    expect(endpoint.url).toBe('https://dynamodb.cn-north-1.amazonaws.com.cn');
  });

  it('fails with a clear error when there is no region and no custom endpoint', () => {
    // Act
    const resolve = () => resolveEndpoint('sqs', {});

    // Assert
    expect(resolve).toThrow(/no AWS region for sqs: set AWS_REGION/);
  });
});

describe('Function: s3ObjectUrl', () => {
  it('is virtual-hosted on AWS, path style on a custom endpoint or for dotted buckets, key encoded per segment', () => {
    // Arrange
    const aws = resolveEndpoint('s3', { AWS_REGION: 'eu-west-1' });
    const moto = resolveEndpoint('s3', { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' });

    // Act
    const urls = [
      s3ObjectUrl(aws, 'artifacts', 'agent/v1 (new)/agent.mjs'),
      s3ObjectUrl(moto, 'artifacts', 'agent/agent.mjs'),
      s3ObjectUrl(aws, 'my.bucket', 'a.mjs'),
    ];

    // Assert
    expect(urls).toEqual([
      'https://artifacts.s3.eu-west-1.amazonaws.com/agent/v1%20%28new%29/agent.mjs',
      'http://127.0.0.1:5000/artifacts/agent/agent.mjs',
      'https://s3.eu-west-1.amazonaws.com/my.bucket/a.mjs',
    ]);
  });
});

describe('Function: callJson', () => {
  const credentials = async () => ({ accessKeyId: 'AKIATEST', secretAccessKey: 'test-secret', sessionToken: 'test-token' });

  it.each([
    ['dynamodb', 'GetItem', 'DynamoDB_20120810.GetItem', 'application/x-amz-json-1.0', 'dynamodb'],
    ['sqs', 'SendMessage', 'AmazonSQS.SendMessage', 'application/x-amz-json-1.0', 'sqs'],
    ['sfn', 'SendTaskSuccess', 'AWSStepFunctions.SendTaskSuccess', 'application/x-amz-json-1.0', 'states'],
    ['ecs', 'DescribeTasks', 'AmazonEC2ContainerServiceV20141113.DescribeTasks', 'application/x-amz-json-1.1', 'ecs'],
  ] as const)('POSTs %s %s with X-Amz-Target and its content type, signed', async (service, operation, target, contentType, signingName) => {
    // Arrange
    const fetch = fakeFetch(json({ ok: true }));
    const context = createAwsContext({ AWS_REGION: 'eu-west-1' }, { fetch, credentials });

    // Act
    const answer = await callJson(context, service, operation, { some: 'input' });

    // Assert
    expect(answer).toEqual({ ok: true });
    const call = fetch.calls[0];
    expect(call?.method).toBe('POST');
    expect(call?.url).toBe(`https://${signingName}.eu-west-1.amazonaws.com/`);
    expect(call?.headers['x-amz-target']).toBe(target);
    expect(call?.headers['content-type']).toBe(contentType);
    expect(call?.headers['x-amz-security-token']).toBe('test-token');
    expect(call?.headers.authorization).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIATEST/\\d{8}/eu-west-1/${signingName}/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$`),
    );
    expect(call?.body).toBe('{"some":"input"}');
  });

  it('turns an AWS error into an AwsRequestError with service, operation, status, type and message, and no credentials', async () => {
    // Arrange
    const fetch = fakeFetch(
      json({ __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'Requested resource not found' }, 400),
    );
    const context = createAwsContext({ AWS_REGION: 'eu-west-1' }, { fetch, credentials });

    // Act
    const error = await callJson(context, 'dynamodb', 'GetItem', {}).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(AwsRequestError);
    expect(error).toMatchObject({
      service: 'dynamodb',
      operation: 'GetItem',
      status: 400,
      errorType: 'ResourceNotFoundException',
      awsMessage: 'Requested resource not found',
      message: 'dynamodb GetItem failed: HTTP 400 ResourceNotFoundException: Requested resource not found',
    });
    const serialised = JSON.stringify({ ...(error as object), message: (error as Error).message, stack: (error as Error).stack });
    expect(serialised).not.toMatch(/test-secret|test-token|AKIATEST|Signature=/);
  });

  it('keeps the canonical request and the session token of a signature mismatch answer out of the error', async () => {
    // Arrange
    const fetch = fakeFetch(
      json(
        {
          __type: 'com.amazon.coral.service#InvalidSignatureException',
          message:
            "The request signature we calculated does not match the signature you provided. The Canonical String for this request should have been 'POST\n/\n\nx-amz-security-token:test-token\n' The String-to-Sign should have been 'AWS4-HMAC-SHA256'",
        },
        400,
      ),
    );
    const context = createAwsContext({ AWS_REGION: 'eu-west-1' }, { fetch, credentials });

    // Act
    const error = (await callJson(context, 'sqs', 'SendMessage', {}).catch((caught: unknown) => caught)) as AwsRequestError;

    // Assert
    expect(error.errorType).toBe('InvalidSignatureException');
    expect(error.message).toMatch(/^sqs SendMessage failed: HTTP 400 InvalidSignatureException: The request signature we calculated/);
    expect(error.message).not.toContain('test-token');
    expect(error.awsMessage).not.toContain('test-token');
  });

  it('retries throttling and 5xx answers, then succeeds', async () => {
    // Arrange
    const fetch = fakeFetch(json({ __type: 'ThrottlingException', message: 'slow down' }, 400), json({}, 500), json({ Item: {} }));
    const context = createAwsContext({ AWS_REGION: 'eu-west-1' }, { fetch, credentials });

    // Act
    const answer = await callJson(context, 'dynamodb', 'GetItem', {});

    // Assert
    expect(answer).toEqual({ Item: {} });
    expect(fetch.calls).toHaveLength(3);
  });

  it('does not retry a client error', async () => {
    // Arrange
    const fetch = fakeFetch(json({ __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'no queue' }, 400));
    const context = createAwsContext({ AWS_REGION: 'eu-west-1' }, { fetch, credentials });

    // Act
    const attempt = callJson(context, 'sqs', 'SendMessage', {});

    // Assert
    await expect(attempt).rejects.toThrow('sqs SendMessage failed: HTTP 400 QueueDoesNotExist: no queue');
    expect(fetch.calls).toHaveLength(1);
  });
});

describe('Function: s3GetObject', () => {
  const credentials = async () => ({ accessKeyId: 'AKIATEST', secretAccessKey: 'test-secret' });

  it('GETs the object with a signed empty-payload hash and returns its bytes', async () => {
    // Arrange
    const fetch = fakeFetch(() => new Response(new Uint8Array([1, 2, 3])));
    const context = createAwsContext({ AWS_REGION: 'eu-west-1' }, { fetch, credentials });

    // Act
    const body = await s3GetObject(context, 'artifacts', 'agent/agent.mjs');

    // Assert
    expect([...body]).toEqual([1, 2, 3]);
    expect(fetch.calls[0]?.url).toBe('https://artifacts.s3.eu-west-1.amazonaws.com/agent/agent.mjs');
    expect(fetch.calls[0]?.headers['x-amz-content-sha256']).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(fetch.calls[0]?.headers.authorization).toContain('SignedHeaders=host;x-amz-content-sha256;x-amz-date,');
  });

  it('reads the code and message of an S3 XML error', async () => {
    // Arrange
    const xml = '<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>';
    const fetch = fakeFetch(() => new Response(xml, { status: 404 }));
    const context = createAwsContext({ AWS_REGION: 'eu-west-1' }, { fetch, credentials });

    // Act
    const attempt = s3GetObject(context, 'artifacts', 'missing.mjs');

    // Assert
    await expect(attempt).rejects.toMatchObject({ status: 404, errorType: 'NoSuchKey', message: 's3 GetObject failed: HTTP 404 NoSuchKey: The specified key does not exist.' });
  });
});

describe('Function: getItem', () => {
  it('reads with ConsistentRead and converts the item to plain values', async () => {
    // Arrange
    const fetch = fakeFetch(
      json({
        Item: {
          double: { S: 'ecs:RenderPdf' },
          expiresAt: { N: '1700000000' },
          live: { BOOL: true },
          nothing: { NULL: true },
          nested: { M: { list: { L: [{ S: 'a' }, { N: '2' }] }, tags: { SS: ['x', 'y'] }, sizes: { NS: ['1', '2.5'] } } },
        },
      }),
    );
    const context = createAwsContext({ AWS_REGION: 'eu-west-1' }, { fetch, credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }) });

    // Act
    const item = await getItem(context, 'routes', { double: 'ecs:RenderPdf' });

    // Assert
    expect(JSON.parse(fetch.calls[0]?.body ?? '')).toEqual({ TableName: 'routes', Key: { double: { S: 'ecs:RenderPdf' } }, ConsistentRead: true });
    expect(item).toEqual({
      double: 'ecs:RenderPdf',
      expiresAt: 1_700_000_000,
      live: true,
      nothing: null,
      nested: { list: ['a', 2], tags: ['x', 'y'], sizes: [1, 2.5] },
    });
  });

  it('returns undefined when there is no item', async () => {
    // Arrange
    const fetch = fakeFetch(json({}));
    const context = createAwsContext({ AWS_REGION: 'eu-west-1' }, { fetch, credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }) });

    // Act
    const item = await getItem(context, 'results', { invocationId: 'i-1' });

    // Assert
    expect(item).toBeUndefined();
  });
});

describe('Function: isTransientFailure', () => {
  it.each([
    ['no answer (status 0)', 0, undefined, true],
    ['a 500', 500, 'InternalFailure', true],
    ['a 501 (not implemented)', 501, 'NotImplemented', false],
    ['DynamoDB RequestLimitExceeded (core retries it too)', 400, 'RequestLimitExceeded', true],
    ['SQS RequestThrottled', 400, 'RequestThrottled', true],
    ['a task token already closed', 400, 'TaskTimedOut', false],
  ])('%s → %s', (_case, status, errorType, expected) => {
    const error = new AwsRequestError({ service: 'sqs', operation: 'SendMessage', status, ...(errorType ? { errorType } : {}) }, 'failed');

    expect(isTransientFailure(error)).toBe(expected);
  });

  it('is false for an error that is not an AWS call\'s', () => {
    expect(isTransientFailure(new Error('boom'))).toBe(false);
  });
});

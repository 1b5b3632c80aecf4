import { CloudFormationServiceException } from '@aws-sdk/client-cloudformation';
import { ExpiredTokenException } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { describeAwsFailure } from '../../src/aws/failures.js';
import { hostNotFound, noCredentials, refusedConnection, RETRIED } from '../helpers/sdk-errors.js';

const MOTO = { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' };

describe('Function: describeAwsFailure', () => {
  it('says a refused connection to the configured endpoint is one, and how to fix it', () => {
    const failure = describeAwsFailure(refusedConnection('127.0.0.1', 5000), MOTO);

    expect(failure).toEqual({
      kind: 'connection',
      summary: 'Could not connect to the AWS endpoint http://127.0.0.1:5000 (connection refused)',
      fix: 'start the endpoint or unset AWS_ENDPOINT_URL',
    });
  });

  it('matches an endpoint given by host name (localhost) by its port', () => {
    const failure = describeAwsFailure(refusedConnection('::1', 4566), { AWS_ENDPOINT_URL: 'http://localhost:4566' });

    expect(failure?.summary).toBe('Could not connect to the AWS endpoint http://localhost:4566 (connection refused)');
    expect(failure?.fix).toBe('start the endpoint or unset AWS_ENDPOINT_URL');
  });

  it('names every variable that points at the refusing endpoint', () => {
    const env = { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:5000' };

    expect(describeAwsFailure(refusedConnection('127.0.0.1', 9000), env)?.fix).toBe('start the endpoint or unset AWS_ENDPOINT_URL_S3');
    expect(describeAwsFailure(refusedConnection('127.0.0.1', 5000), env)?.fix).toBe(
      'start the endpoint or unset AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_STS',
    );
  });

  it('names the address when no configured endpoint matches', () => {
    const failure = describeAwsFailure(refusedConnection('10.0.0.1', 443), {});

    expect(failure?.kind).toBe('connection');
    expect(failure?.summary).toBe('Could not connect to the AWS endpoint 10.0.0.1:443 (connection refused)');
    expect(failure?.fix).toContain("check this machine's network access to AWS");
  });

  it.each([
    ['a connect timeout (the SDK names it TimeoutError, without a code)', Object.assign(new Error('@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 1000 ms.'), { name: 'TimeoutError', $metadata: RETRIED }), 'timed out'],
    ['a reset connection (renamed TimeoutError so that it is retried)', Object.assign(new Error('read ECONNRESET'), { name: 'TimeoutError', errno: -104, code: 'ECONNRESET', syscall: 'read', $metadata: RETRIED }), 'connection reset'],
    ['an unreachable host', Object.assign(new Error('connect EHOSTUNREACH 10.1.2.3:5000'), { errno: -113, code: 'EHOSTUNREACH', syscall: 'connect', address: '10.1.2.3', port: 5000, $metadata: RETRIED }), 'host unreachable'],
  ])('says %s is a connection failure, not a refusal', (_case, error, reason) => {
    const failure = describeAwsFailure(error, { AWS_ENDPOINT_URL: 'http://10.1.2.3:5000' });

    expect(failure?.kind).toBe('connection');
    expect(failure?.summary).toBe(`Could not connect to the AWS endpoint http://10.1.2.3:5000 (${reason})`);
    expect(failure?.fix).toBe('check that the endpoint is up and reachable from here, or unset AWS_ENDPOINT_URL');
  });

  it('says a host name that does not resolve is a DNS failure, and which variable to correct', () => {
    const failure = describeAwsFailure(hostNotFound('moto'), { AWS_ENDPOINT_URL: 'http://moto:5000' });

    expect(failure).toEqual({
      kind: 'dns',
      summary: 'Could not connect to the AWS endpoint http://moto:5000 (host name not found)',
      fix: 'correct the host name in AWS_ENDPOINT_URL, or unset AWS_ENDPOINT_URL',
    });
  });

  it('suspects the region when an AWS host name does not resolve', () => {
    const failure = describeAwsFailure(hostNotFound('cloudformation.eu-wset-1.amazonaws.com'), {});

    expect(failure?.kind).toBe('dns');
    expect(failure?.summary).toBe('Could not connect to the AWS endpoint cloudformation.eu-wset-1.amazonaws.com (host name not found)');
    expect(failure?.fix).toBe(
      'check that eu-wset-1 is an AWS region (e.g. eu-west-1; set AWS_REGION, add "region" to harness.config.json, or pass --region) and that this machine can reach AWS',
    );
  });

  it('says a DNS lookup that failed for now is the network, not the region', () => {
    const error = Object.assign(new Error('getaddrinfo EAI_AGAIN sts.eu-west-1.amazonaws.com'), {
      code: 'EAI_AGAIN',
      syscall: 'getaddrinfo',
      hostname: 'sts.eu-west-1.amazonaws.com',
      $metadata: RETRIED,
    });

    expect(describeAwsFailure(error, {})).toMatchObject({ kind: 'dns', fix: "check this machine's network and DNS, then run the command again" });
  });

  it.each([
    ['against AWS, how to log in', {}, 'configure credentials: `aws configure`, `aws sso login`, AWS_PROFILE, or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY'],
    ['against a local endpoint, that any keys will do', MOTO, 'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (any value works for moto and LocalStack)'],
  ])('says missing credentials are missing and, %s', (_case, env, fix) => {
    expect(describeAwsFailure(noCredentials(), env)).toEqual({
      kind: 'credentials',
      summary: 'Could not load AWS credentials: Could not load credentials from any providers',
      fix,
    });
  });

  it('says an expired SSO token is a credentials problem too', () => {
    const error = Object.assign(new Error('The SSO session token associated with profile=dev was not found or is invalid. To refresh this SSO session run aws sso login with the corresponding profile.'), {
      name: 'TokenProviderError',
      tryNextLink: false,
    });

    expect(describeAwsFailure(error, {})?.kind).toBe('credentials');
  });

  it.each([
    ['missing', new Error('Region is missing'), 'No AWS region is configured', 'set AWS_REGION, add "region" to harness.config.json, or pass --region'],
    [
      'not a region name',
      new Error('Region not accepted: region="eu west 1" is not a valid hostname component.'),
      '"eu west 1" is not an AWS region name',
      'use a region such as eu-west-1: set AWS_REGION, add "region" to harness.config.json, or pass --region',
    ],
  ])('says a region that is %s is a region problem', (_case, error, summary, fix) => {
    expect(describeAwsFailure(error, {})).toEqual({ kind: 'region', summary, fix });
  });

  it('says AWS refused the call only when AWS answered', () => {
    const error = new ExpiredTokenException({
      message: 'The security token included in the request is expired',
      $metadata: { httpStatusCode: 400, requestId: 'req-1', attempts: 1, totalRetryDelay: 0 },
    });

    expect(describeAwsFailure(error, {})).toEqual({
      kind: 'refused',
      summary: 'AWS refused the call: ExpiredTokenException: The security token included in the request is expired',
      fix: 'check the credentials, region and endpoint with `npx harness doctor`',
    });
  });

  it('says which endpoint refused when it is not AWS, with what it answered', () => {
    const error = Object.assign(new Error('XML parse error'), {
      $metadata: { httpStatusCode: 400 },
      $response: { body: new TextEncoder().encode('{"__type": "ResourceAlreadyExistsException"}') },
    });

    expect(describeAwsFailure(error, MOTO)).toMatchObject({
      kind: 'refused',
      summary: 'The endpoint http://127.0.0.1:5000 refused the call: Error: XML parse error',
      answer: '{"__type": "ResourceAlreadyExistsException"}',
    });
  });

  it('says a 5xx is a failure of the service, to be tried again', () => {
    const error = new CloudFormationServiceException({
      name: 'ServiceUnavailable',
      $fault: 'server',
      message: 'Service is unavailable.',
      $metadata: { httpStatusCode: 503, attempts: 3, totalRetryDelay: 1200 },
    });

    expect(describeAwsFailure(error, {})).toEqual({
      kind: 'server-error',
      summary: 'AWS failed the call (HTTP 503): ServiceUnavailable: Service is unavailable',
      fix: 'run the command again; if it keeps failing, look at the AWS Health Dashboard',
    });
  });

  it('says an HTTP 501 is an endpoint that does not implement the call, not something to try again', () => {
    const error = Object.assign(new Error('XML parse error'), { name: 'Error', $metadata: { httpStatusCode: 501 } });

    expect(describeAwsFailure(error, MOTO)).toEqual({
      kind: 'server-error',
      summary: 'The endpoint http://127.0.0.1:5000 does not implement the call (HTTP 501): Error: XML parse error',
      fix: 'use an endpoint that implements this service (moto server does), or unset AWS_ENDPOINT_URL to use AWS',
    });
  });

  it('never says AWS refused an error that has $metadata but no answer', () => {
    const error = Object.assign(new Error('socket hang up'), { name: 'Error', $metadata: RETRIED });

    expect(describeAwsFailure(error, {})).toMatchObject({ kind: 'unanswered', summary: 'The AWS call failed before any answer came: Error: socket hang up' });
  });

  it('leaves errors that are not from an AWS call alone (a missing file is not a connection failure)', () => {
    const error = Object.assign(new Error("ENOENT: no such file or directory, open 'agent.js'"), { errno: -2, code: 'ENOENT', syscall: 'open', path: 'agent.js' });

    expect(describeAwsFailure(error, {})).toBeUndefined();
    expect(describeAwsFailure('a string', {})).toBeUndefined();
  });
});

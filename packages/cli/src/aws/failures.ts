import { isIP } from 'node:net';
import { HARNESS_COMMAND } from '../constants.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Why an AWS SDK call failed. Only `refused` and `server-error` mean the
 * endpoint answered; the others happened on this machine or on the way.
 */
export type AwsFailureKind =
  /** The endpoint answered with an error (HTTP 4xx): permissions, validation, a bad token. */
  | 'refused'
  /** The endpoint answered with HTTP 5xx. */
  | 'server-error'
  /** No usable connection: refused, reset, unreachable, timed out. */
  | 'connection'
  /** The endpoint's host name did not resolve. */
  | 'dns'
  /** The SDK found no credentials (or could not refresh them). */
  | 'credentials'
  /** No region, or one that cannot be part of a host name. */
  | 'region'
  /** The SDK gave up before any answer, for a reason not listed above. */
  | 'unanswered';

/** One failed AWS call, told in words. */
export interface AwsFailure {
  readonly kind: AwsFailureKind;
  /** What happened, without a final period, e.g. `Could not connect to the AWS endpoint http://127.0.0.1:5000 (connection refused)`. */
  readonly summary: string;
  /** What to do, completing "To fix this, …" (no final period). */
  readonly fix: string;
  /** The body the endpoint sent, when the SDK could not make an error of it (an AWS-compatible endpoint's, say). */
  readonly answer?: string;
}

/** The fields the SDK's errors carry; every one is optional because any value can be thrown. */
interface SdkErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  /** Node's network error code: ECONNREFUSED, ENOTFOUND… */
  readonly code?: unknown;
  readonly syscall?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
  readonly hostname?: unknown;
  /** Set by the SDK's retry step on every error it passes on; `httpStatusCode` only when a response came. */
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  readonly $response?: { readonly body?: unknown };
}

const CONNECTION_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host down',
  ENETDOWN: 'network down',
  EADDRNOTAVAIL: 'address not available',
};

const DNS_CODES: Readonly<Record<string, string>> = {
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed for now',
  EAI_FAIL: 'host name lookup failed',
};

const CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'TokenProviderError']);

const REGION_FIX = 'set AWS_REGION, add "region" to harness.config.json, or pass --region';

/**
 * Classifies an error an AWS SDK v3 client threw, by its name, code and
 * `$metadata` — never by its class, which differs per client. Returns
 * undefined for anything that is not such an error.
 *
 * Only an error whose `$metadata.httpStatusCode` is set means the endpoint
 * answered. The SDK puts `$metadata` (attempts, retry delay) on every error
 * it passes on, a refused connection included, so `$metadata` alone says
 * nothing about who failed.
 *
 * @example
 * const failure = describeAwsFailure(error, process.env);
 * // { kind: 'connection', summary: 'Could not connect to the AWS endpoint http://127.0.0.1:5000 (connection refused)',
 * //   fix: 'start the endpoint or unset AWS_ENDPOINT_URL' }
 */
export function describeAwsFailure(error: unknown, env: Env): AwsFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const shape = error as SdkErrorShape;
  const name = typeof shape.name === 'string' ? shape.name : 'Error';
  const message = typeof shape.message === 'string' ? shape.message : '';
  const code = typeof shape.code === 'string' ? shape.code : undefined;

  if (CREDENTIAL_ERRORS.has(name)) {
    return {
      kind: 'credentials',
      summary: `Could not load AWS credentials: ${withoutPeriod(message)}`,
      fix: credentialsFix(env),
    };
  }

  if (message === 'Region is missing') return { kind: 'region', summary: 'No AWS region is configured', fix: REGION_FIX };
  const badRegion = /^Region not accepted: region="([^"]*)"/.exec(message);
  if (badRegion) {
    return {
      kind: 'region',
      summary: `"${badRegion[1]}" is not an AWS region name`,
      fix: `use a region such as eu-west-1: ${REGION_FIX}`,
    };
  }

  const status = shape.$metadata?.httpStatusCode;
  if (typeof status === 'number') {
    const who = answeringEndpoint(env);
    const answer = rawAnswer(shape);
    const said = `${name}: ${withoutPeriod(message)}`;
    if (status === 501) {
      // Not Implemented: the endpoint (LocalStack without the service, say) will not answer it however often it is asked.
      return {
        kind: 'server-error',
        summary: `${who} does not implement the call (HTTP 501): ${said}`,
        fix: configuredEndpoints(env).length
          ? 'use an endpoint that implements this service (moto server does), or unset AWS_ENDPOINT_URL to use AWS'
          : 'check that the service is available in this region',
        ...(answer ? { answer } : {}),
      };
    }
    if (status >= 500) {
      return {
        kind: 'server-error',
        summary: `${who} failed the call (HTTP ${status}): ${said}`,
        fix: `run the command again; if it keeps failing, ${configuredEndpoints(env).length ? "look at the endpoint's log" : 'look at the AWS Health Dashboard'}`,
        ...(answer ? { answer } : {}),
      };
    }
    return {
      kind: 'refused',
      summary: `${who} refused the call: ${said}`,
      fix: `check the credentials, region and endpoint with \`${HARNESS_COMMAND} doctor\``,
      ...(answer ? { answer } : {}),
    };
  }

  if (code !== undefined && code in DNS_CODES) return dnsFailure(shape, code, env);
  // Any other socket error the SDK passed on (it has `$metadata`), but not a file error (ENOENT, syscall open) of ours.
  const socketError = code !== undefined && (code in CONNECTION_CODES || (shape.$metadata !== undefined && typeof shape.syscall === 'string'));
  if (socketError || name === 'TimeoutError') return connectionFailure(shape, code, env);

  if (shape.$metadata !== undefined) {
    return {
      kind: 'unanswered',
      summary: `The AWS call failed before any answer came: ${name}: ${withoutPeriod(message)}`,
      fix: `check the credentials, region and endpoint with \`${HARNESS_COMMAND} doctor\``,
    };
  }
  return undefined;
}

/** The fix for missing credentials: any value does for a local endpoint, a real login for AWS. */
export function credentialsFix(env: Env): string {
  return configuredEndpoints(env).length
    ? 'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (any value works for moto and LocalStack)'
    : 'configure credentials: `aws configure`, `aws sso login`, AWS_PROFILE, or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY';
}

function connectionFailure(shape: SdkErrorShape, code: string | undefined, env: Env): AwsFailure {
  const endpoint = failedEndpoint(shape, env);
  // The SDK renames ECONNRESET and EPIPE to TimeoutError (so it retries them); the code says what happened.
  const reason = code === undefined ? 'timed out' : (CONNECTION_CODES[code] ?? code);
  const fix = endpoint.variable
    ? code === 'ECONNREFUSED'
      ? `start the endpoint or unset ${endpoint.variable}`
      : `check that the endpoint is up and reachable from here, or unset ${endpoint.variable}`
    : "check this machine's network access to AWS (firewall, VPN, proxy), then run the command again";
  return {
    kind: 'connection',
    summary: `Could not connect to ${endpoint.description} (${reason})`,
    fix,
  };
}

function dnsFailure(shape: SdkErrorShape, code: string, env: Env): AwsFailure {
  const endpoint = failedEndpoint(shape, env);
  const summary = `Could not connect to ${endpoint.description} (${DNS_CODES[code]})`;
  if (code === 'EAI_AGAIN') {
    return { kind: 'dns', summary, fix: "check this machine's network and DNS, then run the command again" };
  }
  if (endpoint.variable) {
    return { kind: 'dns', summary, fix: `correct the host name in ${endpoint.variable}, or unset ${endpoint.variable}` };
  }
  // An AWS host name that does not resolve is usually a region that does not exist: cloudformation.eu-wset-1.amazonaws.com.
  const region = typeof shape.hostname === 'string' ? regionOfAwsHost(shape.hostname) : undefined;
  return {
    kind: 'dns',
    summary,
    fix: region
      ? `check that ${region} is an AWS region (e.g. eu-west-1; ${REGION_FIX}) and that this machine can reach AWS`
      : "check this machine's network and DNS, then run the command again",
  };
}

interface FailedEndpoint {
  /** `the AWS endpoint http://127.0.0.1:5000`, or `AWS` when nothing better is known. */
  readonly description: string;
  /** The environment variables that chose the endpoint (`AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_S3`), when any did. */
  readonly variable?: string;
}

/**
 * The endpoint a network error was about: the AWS_ENDPOINT_URL(_<SERVICE>)
 * whose host and port the error names, else the host and port themselves.
 */
function failedEndpoint(shape: SdkErrorShape, env: Env): FailedEndpoint {
  const configured = configuredEndpoints(env);
  const hostname = typeof shape.hostname === 'string' ? shape.hostname : undefined;
  const address = typeof shape.address === 'string' ? shape.address : undefined;
  const port = typeof shape.port === 'number' ? shape.port : undefined;
  let matches = configured.filter(({ url }) => {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (hostname !== undefined) return host === hostname;
    if (port === undefined) return false;
    const urlPort = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    // A host name (localhost) was resolved to the address; only an IP literal can be compared with it.
    return urlPort === port && (isIP(host) === 0 || host === address);
  });
  // A timeout names no host: with a single endpoint configured, it was that one.
  if (matches.length === 0 && hostname === undefined && address === undefined && new Set(configured.map(({ value }) => value)).size === 1) {
    matches = configured;
  }
  const [first] = matches;
  if (first) {
    return { description: `the AWS endpoint ${first.value}`, variable: matches.map(({ variable }) => variable).join(' and ') };
  }
  if (hostname !== undefined) return { description: `the AWS endpoint ${hostname}` };
  if (address !== undefined) {
    const host = isIP(address) === 6 ? `[${address}]` : address;
    return { description: `the AWS endpoint ${port === undefined ? host : `${host}:${port}`}` };
  }
  return { description: configured.length ? 'the AWS endpoint' : 'AWS' };
}

interface ConfiguredEndpoint {
  readonly variable: string;
  readonly value: string;
  readonly url: URL;
}

/** AWS_ENDPOINT_URL and the AWS_ENDPOINT_URL_<SERVICE> overrides that are set, AWS_ENDPOINT_URL first. */
function configuredEndpoints(env: Env): ConfiguredEndpoint[] {
  return Object.keys(env)
    .filter((variable) => variable === 'AWS_ENDPOINT_URL' || variable.startsWith('AWS_ENDPOINT_URL_'))
    .sort()
    .flatMap((variable) => {
      const value = env[variable];
      if (!value) return [];
      try {
        return [{ variable, value, url: new URL(value) }];
      } catch {
        return [];
      }
    });
}

/** Who answered: `AWS`, or the endpoint that stands in for it. */
function answeringEndpoint(env: Env): string {
  const configured = configuredEndpoints(env);
  if (configured.length === 0) return 'AWS';
  const urls = new Set(configured.map(({ value }) => value));
  return urls.size === 1 ? `The endpoint ${[...urls][0]}` : 'The endpoint';
}

/** `cloudformation.eu-wset-1.amazonaws.com` → `eu-wset-1`: the label before amazonaws.com, when there is a service label before it. */
function regionOfAwsHost(hostname: string): string | undefined {
  const labels = hostname.toLowerCase().split('.');
  const at = labels.lastIndexOf('amazonaws');
  return at >= 2 ? labels[at - 1] : undefined;
}

/** What the endpoint actually said, when the SDK could not read it (an AWS-compatible endpoint's error, say). */
function rawAnswer(shape: SdkErrorShape): string | undefined {
  const body = shape.$response?.body;
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : undefined;
  return text ? text.slice(0, 500) : undefined;
}

function withoutPeriod(text: string): string {
  return text.trim().replace(/\.$/, '');
}

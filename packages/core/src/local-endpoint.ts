import type { AdapterSession } from './types/adapter.js';
import type { LocalServiceIntegration } from './types/local.js';

/**
 * A local target's AWS API as application code sees it: the loopback
 * endpoint's address, a region and credentials the AWS SDK accepts, and the
 * environment variables that point an unchanged SDK client at it. The ECS,
 * Lambda and Step Functions adapters each serve one (`harness.ecs.endpoint()`…).
 */

/** Options of an adapter's `endpoint()`. */
export interface LocalEndpointOptions {
  /**
   * The region of `clientConfig` and `environment`, and of the ARNs the
   * endpoint names in its answers (unless a request names another).
   * Default: `AWS_REGION`, else `us-east-1`.
   */
  readonly region?: string;
  /**
   * Also points this process's AWS SDK at the endpoint, until the harness
   * closes: sets the service's `AWS_ENDPOINT_URL_<SERVICE>`, and
   * `AWS_REGION`, `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` where they
   * (or `AWS_PROFILE`) are unset. For code that builds its own client with no
   * configuration. Default false.
   */
  readonly setEnvironment?: boolean;
}

/** Credentials the local endpoint accepts (it does not check signatures). */
export interface LocalEndpointCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Where application code finds one of the local target's AWS APIs. */
export interface LocalEndpoint {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly region: string;
  readonly credentials: LocalEndpointCredentials;
  /**
   * The AWS SDK client configuration for the endpoint.
   *
   * @example
   * const ecs = new ECSClient((await harness.ecs.endpoint()).clientConfig);
   */
  readonly clientConfig: { readonly endpoint: string; readonly region: string; readonly credentials: LocalEndpointCredentials };
  /**
   * The variables that point an AWS SDK at the endpoint
   * (`AWS_ENDPOINT_URL_<SERVICE>`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`,
   * `AWS_SECRET_ACCESS_KEY`): for a process the test starts, e.g.
   * `spawn('node', ['app.js'], { env: { ...process.env, ...endpoint.environment } })`.
   */
  readonly environment: Readonly<Record<string, string>>;
}

/** The credentials of `clientConfig`: any would do, the endpoint plays AWS for this process only. */
const LOCAL_CREDENTIALS: LocalEndpointCredentials = { accessKeyId: 'AKIAHARNESSLOCAL0000', secretAccessKey: 'harness-local' };

/** The region an endpoint answers for when the options name none. */
export function localEndpointRegion(options: LocalEndpointOptions): string {
  return options.region ?? process.env.AWS_REGION ?? 'us-east-1';
}

/**
 * Describes the endpoint at `url` for application code, and with
 * `setEnvironment` sets the variables in `process.env`, pushing on
 * `restore` what undoes each (the caller runs those when the harness closes).
 *
 * @param endpointVariable the service's variable, e.g. `AWS_ENDPOINT_URL_ECS`.
 * @example
 * const endpoint = describeLocalEndpoint('http://127.0.0.1:4100', 'AWS_ENDPOINT_URL_ECS', { setEnvironment: true }, restores);
 */
export function describeLocalEndpoint(url: string, endpointVariable: string, options: LocalEndpointOptions, restore: (() => void)[]): LocalEndpoint {
  const region = localEndpointRegion(options);
  const environment = {
    [endpointVariable]: url,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
  if (options.setEnvironment) {
    setVariable(endpointVariable, url, restore);
    if (!process.env.AWS_REGION) setVariable('AWS_REGION', region, restore);
    // Credentials the process already has (keys or a profile) are left alone: the endpoint accepts any.
    if (!process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE) {
      setVariable('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId, restore);
      setVariable('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey, restore);
    }
  }
  return {
    url,
    region,
    credentials: LOCAL_CREDENTIALS,
    clientConfig: { endpoint: url, region, credentials: LOCAL_CREDENTIALS },
    environment,
  };
}

/** Sets a variable; its restore puts back the earlier value, unless someone changed it since. */
function setVariable(name: string, value: string, restore: (() => void)[]): void {
  const before = process.env[name];
  process.env[name] = value;
  restore.push(() => {
    if (process.env[name] !== value) return;
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  });
}

/** What {@link endpointIntegration} needs to find an adapter's local integration, and to say why it cannot. */
export interface EndpointIntegrationLookup<T> {
  /** The API call, as errors name it: `harness.ecs.endpoint()`. */
  readonly call: string;
  /** What application code does on the aws target instead: `your code calls ECS itself (…) and RunTask starts the doubles …`. */
  readonly onAws: string;
  /** The integration, as errors name it: `ECS local integration`. */
  readonly integration: string;
  /** How to create a harness that has it: `createHarness({ adapters: [ecsAdapter] }) from '@harness/ecs'`. */
  readonly createWith: string;
  /** Picks the integration out of the session's. */
  readonly find: (integration: LocalServiceIntegration) => integration is T & LocalServiceIntegration;
  /** The adapter's own error for each refusal: `target` (not the local target), `missing` (no such integration). */
  readonly error: (kind: 'target' | 'missing', message: string) => Error;
}

/**
 * The local integration behind an adapter's `endpoint()`, or the adapter's own error saying why there is
 * none: the session is not on the local target, or the harness lacks the adapter's integration.
 *
 * @example
 * const integration = endpointIntegration(session, { call: 'harness.ecs.endpoint()', …, find: isEcsLocalIntegration, error: (_, message) => new EcsLocalIntegrationError(message) });
 */
export function endpointIntegration<T>(session: Pick<AdapterSession, 'target' | 'integrations'>, lookup: EndpointIntegrationLookup<T>): T {
  if (session.target !== 'local') {
    throw lookup.error(
      'target',
      `${lookup.call} serves the local target only; this session's target is ${session.target}. There, ${lookup.onAws}. ` +
        "To fix this, run the test on the local target (createHarness({ target: 'local' }), or HARNESS_TARGET unset), or leave out the endpoint on the aws target.",
    );
  }
  const found = session.integrations().find(lookup.find);
  if (!found) {
    throw lookup.error('missing', `${lookup.call} found no ${lookup.integration} in this harness. To fix this, create the harness with ${lookup.createWith}.`);
  }
  return found;
}

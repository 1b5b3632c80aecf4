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

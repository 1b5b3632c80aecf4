/**
 * The local target's ECS API as application code sees it: the loopback
 * endpoint's address, a region and credentials the AWS SDK accepts, and the
 * environment variables that point an unchanged `new ECSClient({})` at it.
 */

/** Options of `harness.ecs.endpoint()`. */
export interface EcsEndpointOptions {
  /**
   * The region of `clientConfig` and `environment`. Tasks take the region a
   * request is signed for, so this is the region of their ARNs.
   * Default: `AWS_REGION`, else `us-east-1`.
   */
  readonly region?: string;
  /**
   * Also points this process's AWS SDK at the endpoint, until the harness
   * closes: sets `AWS_ENDPOINT_URL_ECS`, and `AWS_REGION`,
   * `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` where they (or
   * `AWS_PROFILE`) are unset. For code that builds its own `new ECSClient({})`.
   * Default false.
   */
  readonly setEnvironment?: boolean;
}

/** Credentials the local endpoint accepts (it does not check signatures). */
export interface EcsEndpointCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Where application code finds the local target's ECS API. */
export interface EcsEndpoint {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly region: string;
  readonly credentials: EcsEndpointCredentials;
  /**
   * The AWS SDK client configuration for the endpoint.
   *
   * @example
   * const ecs = new ECSClient((await harness.ecs.endpoint()).clientConfig);
   */
  readonly clientConfig: { readonly endpoint: string; readonly region: string; readonly credentials: EcsEndpointCredentials };
  /**
   * The variables that point an AWS SDK at the endpoint (`AWS_ENDPOINT_URL_ECS`,
   * `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`): for a process
   * the test starts, e.g. `spawn('node', ['app.js'], { env: { ...process.env, ...endpoint.environment } })`.
   */
  readonly environment: Readonly<Record<string, string>>;
}

/** The credentials of `clientConfig`: any would do, the endpoint plays AWS for this process only. */
const LOCAL_CREDENTIALS: EcsEndpointCredentials = { accessKeyId: 'AKIAHARNESSLOCAL0000', secretAccessKey: 'harness-local' };

/**
 * Describes the endpoint at `url` for application code, and with
 * `setEnvironment` sets the variables in `process.env`, pushing on
 * `restore` what undoes it (the caller runs those when the harness closes).
 */
export function applicationEndpoint(url: string, options: EcsEndpointOptions, restore: (() => void)[]): EcsEndpoint {
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const environment = {
    AWS_ENDPOINT_URL_ECS: url,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
  if (options.setEnvironment) {
    setVariable('AWS_ENDPOINT_URL_ECS', url, restore);
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

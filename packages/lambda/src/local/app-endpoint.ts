import { describeLocalEndpoint, localEndpointRegion, type LocalEndpoint, type LocalEndpointCredentials, type LocalEndpointOptions } from '@harness/core';

/**
 * The local target's Lambda API as application code sees it (core's
 * `LocalEndpoint`): the loopback address, a region and credentials the AWS
 * SDK accepts, and `AWS_ENDPOINT_URL_LAMBDA` for an unchanged `new LambdaClient({})`.
 */

/** Options of the adapter's `endpoint()`. */
export type LambdaEndpointOptions = LocalEndpointOptions;
/** Credentials the local endpoint accepts (it does not check signatures). */
export type LambdaEndpointCredentials = LocalEndpointCredentials;
/** Where application code finds the local target's Lambda API. */
export type LambdaEndpoint = LocalEndpoint;

/** Describes the endpoint at `url` (see core's `describeLocalEndpoint`), setting `AWS_ENDPOINT_URL_LAMBDA` with `setEnvironment`. */
export function applicationEndpoint(url: string, options: LambdaEndpointOptions, restore: (() => void)[]): LambdaEndpoint {
  return describeLocalEndpoint(url, 'AWS_ENDPOINT_URL_LAMBDA', options, restore);
}

/** The region the endpoint answers for when the options name none. */
export const endpointRegion: (options: LambdaEndpointOptions) => string = localEndpointRegion;

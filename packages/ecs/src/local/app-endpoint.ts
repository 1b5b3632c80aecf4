import { describeLocalEndpoint, localEndpointRegion, type LocalEndpoint, type LocalEndpointCredentials, type LocalEndpointOptions } from '@harness/core';

/**
 * The local target's ECS API as application code sees it (core's
 * `LocalEndpoint`): the loopback address, a region and credentials the AWS
 * SDK accepts, and `AWS_ENDPOINT_URL_ECS` for an unchanged `new ECSClient({})`.
 */

/** Options of the adapter's `endpoint()`. */
export type EcsEndpointOptions = LocalEndpointOptions;
/** Credentials the local endpoint accepts (it does not check signatures). */
export type EcsEndpointCredentials = LocalEndpointCredentials;
/** Where application code finds the local target's ECS API. */
export type EcsEndpoint = LocalEndpoint;

/** Describes the endpoint at `url` (see core's `describeLocalEndpoint`), setting `AWS_ENDPOINT_URL_ECS` with `setEnvironment`. */
export function applicationEndpoint(url: string, options: EcsEndpointOptions, restore: (() => void)[]): EcsEndpoint {
  return describeLocalEndpoint(url, 'AWS_ENDPOINT_URL_ECS', options, restore);
}

import { describeLocalEndpoint, localEndpointRegion, type LocalEndpoint, type LocalEndpointCredentials, type LocalEndpointOptions } from '@harness/core';

/**
 * The local target's Step Functions API as application code sees it (core's
 * `LocalEndpoint`): the loopback address, a region and credentials the AWS
 * SDK accepts, and `AWS_ENDPOINT_URL_SFN` for an unchanged `new SFNClient({})`.
 */

/** Options of the adapter's `endpoint()`. */
export type StepFunctionsEndpointOptions = LocalEndpointOptions;
/** Credentials the local endpoint accepts (it does not check signatures). */
export type StepFunctionsEndpointCredentials = LocalEndpointCredentials;
/** Where application code finds the local target's Step Functions API. */
export type StepFunctionsEndpoint = LocalEndpoint;

/** Describes the endpoint at `url` (see core's `describeLocalEndpoint`), setting `AWS_ENDPOINT_URL_SFN` with `setEnvironment`. */
export function applicationEndpoint(url: string, options: StepFunctionsEndpointOptions, restore: (() => void)[]): StepFunctionsEndpoint {
  return describeLocalEndpoint(url, 'AWS_ENDPOINT_URL_SFN', options, restore);
}

/** The region the endpoint answers for when the options name none. */
export const endpointRegion: (options: StepFunctionsEndpointOptions) => string = localEndpointRegion;

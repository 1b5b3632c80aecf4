/**
 * Errors with the shape the AWS SDK v3 throws them (recorded from real calls
 * with @aws-sdk/client-sts and client-cloudformation). Node's socket errors
 * keep their code and gain `$metadata` without `httpStatusCode` from the
 * SDK's retry step; only an answer sets `httpStatusCode`.
 */

/** `$metadata` of an error the SDK retried and passed on. */
export const RETRIED = { attempts: 3, totalRetryDelay: 213 };

/** Nothing listens on the port (a stopped moto). */
export function refusedConnection(address: string, port: number): Error {
  return Object.assign(new Error(`connect ECONNREFUSED ${address}:${port}`), {
    errno: -111,
    code: 'ECONNREFUSED',
    syscall: 'connect',
    address,
    port,
    $metadata: RETRIED,
  });
}

/** The endpoint's host name does not resolve. */
export function hostNotFound(hostname: string): Error {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
    errno: -3008,
    code: 'ENOTFOUND',
    syscall: 'getaddrinfo',
    hostname,
    $metadata: RETRIED,
  });
}

/** @smithy/property-provider's CredentialsProviderError: thrown before any request, so without `$metadata`. */
export function noCredentials(): Error {
  return Object.assign(new Error('Could not load credentials from any providers'), {
    name: 'CredentialsProviderError',
    tryNextLink: false,
  });
}

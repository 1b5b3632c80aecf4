/**
 * The Step Functions SDK client, imported on first use: only the aws target
 * needs it, and the local target should not pay its import (about 120 ms).
 */
export type SfnSdk = typeof import('@aws-sdk/client-sfn');

let loading: Promise<SfnSdk> | undefined;

/** `@aws-sdk/client-sfn`, imported once per process. */
export function loadSfnSdk(): Promise<SfnSdk> {
  loading ??= import('@aws-sdk/client-sfn');
  return loading;
}

import { randomBytes } from 'node:crypto';

/**
 * What a `lambda:invoke` state outputs: the Invoke response as Step Functions'
 * Java SDK serialises it (recorded from AWS in LocalStack's
 * `test_lambda_task_service.snapshot.json`).
 */
export interface LambdaInvokeOutput {
  /** `$LATEST`, or the version number the caller named. */
  readonly ExecutedVersion: string;
  /** The function's return value, parsed from JSON. */
  readonly Payload: unknown;
  readonly SdkHttpMetadata: {
    readonly AllHttpHeaders: Readonly<Record<string, readonly string[]>>;
    readonly HttpHeaders: Readonly<Record<string, string>>;
    readonly HttpStatusCode: 200;
  };
  readonly SdkResponseMetadata: { readonly RequestId: string };
  readonly StatusCode: 200;
}

/** The version Lambda reports it ran: a version number stays as named; `$LATEST`, an alias or nothing report `$LATEST` (the doubles have no published versions). */
export function executedVersion(qualifier: string | undefined): string {
  return qualifier !== undefined && /^\d+$/.test(qualifier) ? qualifier : '$LATEST';
}

/** Builds the `lambda:invoke` output for a function that returned `payloadJson`. */
export function invokeOutput(payload: unknown, payloadJson: string, requestId: string, version: string, now = new Date()): LambdaInvokeOutput {
  const contentLength = String(Buffer.byteLength(payloadJson, 'utf8'));
  const date = now.toUTCString();
  const traceId = `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Sampled=0`;
  return {
    ExecutedVersion: version,
    Payload: payload,
    SdkHttpMetadata: {
      // In the order AWS's recorded responses list them.
      AllHttpHeaders: {
        'X-Amz-Executed-Version': [version],
        'x-amzn-Remapped-Content-Length': ['0'],
        Connection: ['keep-alive'],
        'x-amzn-RequestId': [requestId],
        'Content-Length': [contentLength],
        Date: [date],
        'X-Amzn-Trace-Id': [traceId],
        'Content-Type': ['application/json'],
      },
      HttpHeaders: {
        Connection: 'keep-alive',
        'Content-Length': contentLength,
        'Content-Type': 'application/json',
        Date: date,
        'X-Amz-Executed-Version': version,
        'x-amzn-Remapped-Content-Length': '0',
        'x-amzn-RequestId': requestId,
        'X-Amzn-Trace-Id': traceId,
      },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

/**
 * How Step Functions' Java SDK words a Lambda service exception in a state's
 * `Cause` (e.g. `Function not found: arn:… (Service: AWSLambda; Status Code: 404;
 * Error Code: ResourceNotFoundException; Request ID: …; Proxy: null)`).
 */
export function serviceExceptionCause(message: string, statusCode: number, errorCode: string, requestId: string): string {
  return `${message} (Service: AWSLambda; Status Code: ${statusCode}; Error Code: ${errorCode}; Request ID: ${requestId}; Proxy: null)`;
}

/** The `Cause` of `States.DataLimitExceeded` for a task whose result is too large. */
export function dataLimitCause(stateName: string): string {
  return `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`;
}

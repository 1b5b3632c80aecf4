/**
 * Errors of @harness/core. Every error says what failed, for which double,
 * session or stack, and how to fix it.
 */

/** Base class of every error harness throws. */
export class HarnessError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A stack the harness needs is missing or not usable. */
export class StackNotReadyError extends HarnessError {
  constructor(
    readonly stackName: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Stack ${stackName} ${detail}. To fix this, deploy it with \`npx harness deploy\` (and check AWS_REGION / AWS_ENDPOINT_URL point where it was deployed).`,
      options,
    );
  }
}

/**
 * A stack's outputs are not of the shape its template makes: an ARN output
 * that is no ARN, a name that is a placeholder such as `unknown` (what some
 * AWS-compatible endpoints give for an attribute they cannot resolve).
 */
export class StackOutputError extends HarnessError {
  constructor(
    readonly stackName: string,
    /** `Key = "value" (what is wrong)`, one per output refused. */
    readonly problems: readonly string[],
  ) {
    super(
      `Stack ${stackName} has output${problems.length > 1 ? 's' : ''} that its template cannot have made: ${problems.join('; ')}. ` +
        'The CloudFormation endpoint did not resolve them (LocalStack, for one, answers "unknown" for attributes it does not support), and a double given them would call AWS with them. ' +
        'To fix this, deploy to AWS or moto server, or to an endpoint version that resolves these attributes, with `npx harness deploy`.',
    );
  }
}

/** Another live session holds the route of a double and did not release it in time. */
export class RouteBusyError extends HarnessError {
  constructor(
    readonly double: string,
    readonly session: string,
    readonly holder: string,
    waitedMs: number,
  ) {
    super(
      `Session ${session} waited ${waitedMs} ms for double ${double}, which session ${holder} still holds. ` +
        'To fix this, let the other test finish (routes are exclusive so sessions never steal each other\'s invocations), ' +
        'raise `routeWaitTimeoutMs`, or give the tests different stacks.',
    );
  }
}

/** A wait (for an invocation, a route, a result) ran out; the message says what was seen. */
export class WaitTimeoutError extends HarnessError {
  constructor(
    message: string,
    readonly seen: readonly unknown[] = [],
  ) {
    super(message);
  }
}

/** The session was used after `close()`. */
export class SessionClosedError extends HarnessError {
  constructor(readonly session: string, action: string) {
    super(`Cannot ${action}: session ${session} is closed. To fix this, create a new harness with createHarness().`);
  }
}

/** Configuration that cannot be used; names the field. */
export class ConfigError extends HarnessError {}

/** No adapter of that name was given to the harness or registered. */
export class UnknownAdapterError extends HarnessError {
  constructor(
    readonly adapter: string,
    readonly known: readonly string[],
  ) {
    super(
      `No harness adapter named '${adapter}' (known: ${known.length ? known.join(', ') : 'none'}). ` +
        'To fix this, register it, or load it first with `load(name, packageOrPath)`.',
    );
  }
}

/** An adapter's module (a package name or a path) cannot be found; `tried` lists every place looked at. */
export class AdapterNotFoundError extends HarnessError {
  constructor(
    /** The package name or path, as it was written. */
    readonly specifier: string,
    /** The folders and files looked for, in order. */
    readonly tried: readonly string[],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An adapter's module was found but gives no usable adapter: it failed to import, exports none, or one of another name. */
export class InvalidAdapterModuleError extends HarnessError {
  constructor(
    /** The package name or path, as it was written. */
    readonly specifier: string,
    /** The file imported, when it got that far. */
    readonly file: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A state failure as Step Functions reports it: an error name (`States.TaskFailed`,
 * `Lambda.ResourceNotFoundException`, a thrown error's type…) and a cause.
 * Local integrations throw it to fail a `Task` state; `Catch` and `Retry` match on `error`.
 */
export class StatesError extends HarnessError {
  constructor(
    readonly error: string,
    // Step Functions' own word for it; a string here, as in a state's failure.
    override readonly cause?: string,
  ) {
    super(cause === undefined ? error : `${error}: ${cause.length > 500 ? `${cause.slice(0, 500)}…` : cause}`);
  }
}

/**
 * A handler's answer (or a task callback's output) is not JSON: a BigInt, a
 * circular reference, a function or symbol where a value should be. The
 * double cannot carry it, on either target. `path` says where it is
 * (`$.value.total`).
 */
export class ResultNotSerializableError extends HarnessError {
  constructor(
    /** The double whose handler answered, e.g. `ecs:RenderPdf`. */
    readonly double: string,
    /** What could not be serialised, e.g. `the result`, `the sendTaskSuccess output`. */
    readonly what: string,
    /** A JSONPath to the offending value (`$` for the whole). */
    readonly path: string,
    /** What was found there: `a BigInt`, `a circular reference`, `a function`… */
    readonly found: string,
  ) {
    super(
      `${what} of ${double} is not JSON: ${path} is ${found}. The double carries its answer as JSON (SQS, DynamoDB, Step Functions all take JSON). ` +
        'To fix this, return plain data: objects, arrays, strings, numbers, booleans or null (a BigInt as a string, no cycles).',
    );
  }
}

/**
 * A handler's answer is larger than what carries it to the double. `limit`
 * names the AWS limit it breaks: the results table's DynamoDB item (400 KB),
 * a Step Functions payload (256 KiB), an SQS message (1 MiB).
 */
export class ResultTooLargeError extends HarnessError {
  constructor(
    /** The double whose handler answered, e.g. `ecs:RenderPdf`. */
    readonly double: string,
    /** What is too large, e.g. `the result`, `the sendTaskSuccess output`. */
    readonly what: string,
    /** Its size: UTF-8 bytes of its JSON. */
    readonly bytes: number,
    /** The most the carrier takes, in bytes. */
    readonly limitBytes: number,
    /** The AWS limit, in words: `a DynamoDB item of the results table (400 KB)`. */
    readonly limit: string,
    /** How to fix it, for this kind of answer. */
    fix: string,
  ) {
    super(`${what} of ${double} is ${bytes} bytes of JSON, over the ${limitBytes} bytes that ${limit} can carry. To fix this, ${fix}`);
  }
}

/** A mock API was given a handler that is not a function. */
export class InvalidHandlerError extends HarnessError {
  constructor(
    readonly double: string,
    /** The call that was given it, e.g. `harness.ecs.mockTask('RenderPdf', handler)`. */
    readonly call: string,
    /** What it was given instead, e.g. `undefined`, `a number`. */
    readonly found: string,
  ) {
    super(`${call}: the handler is ${found}, not a function. To fix this, pass a function that decides each invocation, e.g. ${call.replace(/handler\)$/, '() => …)')}.`);
  }
}

/**
 * A double was mocked a second time in one session while its first mock
 * stands. Mocking again does not silently replace the first handler: restore
 * the first mock, or replace its handler explicitly.
 */
export class AlreadyMockedError extends HarnessError {
  constructor(
    readonly double: string,
    /** The call that was refused, e.g. `harness.ecs.mockTask('RenderPdf', handler)`. */
    readonly call: string,
    /** The explicit way to change the handler, e.g. `mock.replaceHandler(handler)`. */
    readonly replaceWith: string,
  ) {
    super(
      `${call}: ${double} is already mocked in this session. To fix this, change its handler with ${replaceWith}, ` +
        'or `await mock.restore()` the first mock before mocking it again.',
    );
  }
}

/** `close()` waited for handlers that did not finish: it names each double and how long its handler ran. */
export class HandlersStillRunningError extends HarnessError {
  constructor(
    readonly session: string,
    /** The handlers still running when the wait ended. */
    readonly running: readonly { readonly double: string; readonly invocationId: string; readonly runningMs: number }[],
    readonly waitedMs: number,
  ) {
    super(
      `Session ${session} closed after waiting ${waitedMs} ms for ${running.length} handler${running.length === 1 ? '' : 's'} still running: ` +
        `${running.map((handler) => `${handler.double} (invocation ${handler.invocationId}, running ${handler.runningMs} ms)`).join(', ')}. ` +
        'Their doubles get no answer from this session. To fix this, make the handler return (a pending promise never settles), ' +
        'or raise `closeTimeoutMs` in createHarness() if it needs longer.',
    );
  }
}

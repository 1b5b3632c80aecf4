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

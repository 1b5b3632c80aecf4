import { ConfigError, HarnessError } from '@harness/core';

/**
 * Errors of @harness/stepfunctions. Each says what failed, for which state
 * machine, state or task token, and how to fix it.
 */

/** Base class of every error this package throws (config errors extend core's `ConfigError` instead). */
export class StepFunctionsError extends HarnessError {}

/** One problem found in a state machine definition, located by its path. */
export interface DefinitionProblem {
  /** Where: `StartAt`, `States.Fetch`, `States.Fan.Branches[1].States.Render`… */
  readonly path: string;
  /** The state it belongs to, when it belongs to one. */
  readonly state?: string;
  /** AWS's diagnostic code, e.g. `SCHEMA_VALIDATION_FAILED`, `MISSING_TRANSITION_TARGET`. */
  readonly code?: string;
  readonly problem: string;
}

/** A state machine definition is not valid Amazon States Language. Lists every problem found. */
export class InvalidDefinitionError extends StepFunctionsError {
  constructor(
    readonly problems: readonly DefinitionProblem[],
    /** Where the definition came from (a file, a template resource, an object). */
    readonly source: string,
    options?: { cause?: unknown },
  ) {
    super(
      `The state machine definition from ${source} is invalid:\n${problems
        .map((entry) => `  - ${entry.state !== undefined ? `state "${entry.state}": ` : ''}${entry.code !== undefined ? `${entry.code}: ` : ''}${entry.problem} (at ${entry.path})`)
        .join('\n')}\nTo fix this, correct the definition; Step Functions would refuse it too.`,
      options,
    );
  }
}

/** A definition could not be read: a missing file, bad JSON, a template without the state machine asked for. */
export class DefinitionSourceError extends StepFunctionsError {}

/** A `Task` state's `Resource` is handled by no local integration. */
export class UnroutedTaskError extends StepFunctionsError {
  constructor(
    readonly state: string,
    readonly resource: string,
    /** The names of the integrations that were asked. */
    readonly integrations: readonly string[],
  ) {
    super(
      `Task state "${state}" calls ${resource}, which no local integration handles ` +
        `(integrations: ${integrations.length > 0 ? integrations.join(', ') : 'none'}). ` +
        `To fix this, ${routingHint(resource)}`,
    );
  }
}

function routingHint(resource: string): string {
  const mock = `mock it in the test with harness.stepFunctions.mockService('${resource}', handler)`;
  if (/^arn:aws[\w-]*:lambda:/.test(resource) || /^arn:aws[\w-]*:states:::lambda:invoke/.test(resource)) {
    return `install @harness/lambda and pass lambdaAdapter to createHarness({ adapters: [...] }), or ${mock}.`;
  }
  if (/^arn:aws[\w-]*:states:::ecs:runTask/.test(resource)) {
    return `install @harness/ecs and pass ecsAdapter to createHarness({ adapters: [...] }), or ${mock}.`;
  }
  if (/^arn:aws[\w-]*:states:::states:startExecution/.test(resource)) {
    return `pass stepFunctionsAdapter to createHarness({ adapters: [...] }) and mock the child with harness.stepFunctions.mockStateMachine(name, handler), or ${mock}.`;
  }
  return `${mock}.`;
}

/**
 * A `.waitForTaskToken` state's work ended without calling back, and the
 * state has no `TimeoutSeconds` / `HeartbeatSeconds`: on AWS it would wait a
 * year. The harness fails the execution instead, saying why.
 */
export class CallbackNeverSentError extends StepFunctionsError {
  constructor(
    readonly state: string,
    /** The first characters of the task token, to match it with logs. */
    readonly tokenPrefix: string,
    readonly reason: string,
    waitedMs: number,
  ) {
    super(
      `Task state "${state}" waits for a callback on task token ${tokenPrefix}…, but its work ended without sending one ` +
        `(${reason}); nothing arrived in the ${waitedMs} ms after that either. On AWS the state would wait for its timeout, up to a year. ` +
        'To fix this, make the worker call back (in a handler: sendTaskSuccess / sendTaskFailure with the task token), ' +
        'or give the state TimeoutSeconds / HeartbeatSeconds so it fails with States.Timeout.',
    );
  }
}

/** `sendTaskSuccess` / `sendTaskFailure` with a token no state is waiting for (AWS: TaskTimedOut / InvalidToken). */
export class TaskTokenError extends StepFunctionsError {
  constructor(
    readonly tokenPrefix: string,
    action: string,
  ) {
    super(
      `Cannot ${action}: no state is waiting for task token ${tokenPrefix}… ` +
        '(its state already got a callback, timed out, or its execution ended; or the token was not issued by this process). ' +
        'To fix this, call back once, with the token the state passed to the worker, before the execution ends.',
    );
  }
}

/** A child state machine the workflow starts is neither mocked nor registered. */
export class UnknownStateMachineError extends StepFunctionsError {}

/** Something this version supports on the local target only. */
export class LocalTargetOnlyError extends StepFunctionsError {}

/** A state machine mock's handler or the mock API was used in a way that cannot work. */
export class StateMachineMockError extends StepFunctionsError {}

/**
 * `adapters.stepfunctions` in harness.config.json is not usable. The message
 * names the field as a dotted path and the fix.
 */
export class StepFunctionsConfigError extends ConfigError {
  constructor(
    /** Dotted path of the bad field, from `adapters.stepfunctions`. */
    readonly field: string,
    problem: string,
    fix: string,
  ) {
    super(`${field} ${problem}. To fix this, ${fix}.`);
  }
}

/** A local integration failed with something other than a {@link StatesError}: a bug or misconfiguration, not a state outcome. */
export class IntegrationError extends StepFunctionsError {}

import type { DescribeExecutionCommandOutput, HistoryEvent as AwsHistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { loadSfnSdk, type SfnSdk } from './sfn-sdk.js';
import { RESULT_LIMITS, WaitTimeoutError } from '@harness/core';
import { StepFunctionsError } from './errors.js';
import { errorOf, stateNameOf } from './engine/history/read.js';
import type { Execution, ExecutionStatus, HistoryEvent } from './local-runner.js';

/** Step Functions' payload limit: 256 KiB of UTF-8 JSON. */
const MAX_PAYLOAD_BYTES = RESULT_LIMITS.stepFunctionsPayloadBytes;
const DEFAULT_TIMEOUT_MS = 300_000;
/**
 * How `executeOnAws` waits for an execution's end. DescribeExecution is
 * throttled per account and region with a token bucket: 300 calls, refilled
 * at 15 a second in us-east-1, us-west-2 and eu-west-1; 250 refilled at 10 a
 * second elsewhere (Step Functions Developer Guide, "Quotas related to API
 * action throttling"). So the first {@link FAST_POLL_PHASE_MS} poll every
 * {@link DEFAULT_POLL_INTERVAL_MS} (40 calls: six executions started together
 * stay within the smaller bucket), which learns a short execution's end within
 * 50 ms; after that the wait grows by half each poll up to
 * {@link DEFAULT_MAX_POLL_INTERVAL_MS}, one call a second per execution, well
 * under the refill rate. A ThrottlingException the SDK's own retries did not
 * absorb doubles the wait and leaves the fast phase instead of failing.
 */
const DEFAULT_POLL_INTERVAL_MS = 50;
const FAST_POLL_PHASE_MS = 2_000;
const DEFAULT_MAX_POLL_INTERVAL_MS = 1_000;
/** How many of the last history events a timeout error shows. */
const EVENTS_SHOWN_ON_TIMEOUT = 5;
const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:[^:]*:\d*:stateMachine:[^:]+/;
const TERMINAL_STATUSES: ReadonlySet<string> = new Set<ExecutionStatus>(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/** The execution input is over Step Functions' 256 KiB limit; StartExecution was not called. */
export class ExecutionInputTooLargeError extends StepFunctionsError {
  constructor(
    readonly stateMachineArn: string,
    readonly bytes: number,
  ) {
    super(
      `The input for ${stateMachineArn} is ${bytes} bytes of JSON, over Step Functions' limit of ${MAX_PAYLOAD_BYTES} bytes (256 KiB); ` +
        'StartExecution was not called. To fix this, pass a smaller input, e.g. put the data in S3 and pass its key.',
    );
  }
}

/** An execution on AWS was still running when `executeOnAws` stopped waiting. The message says what it saw. */
export class ExecutionWaitTimeoutError extends WaitTimeoutError {
  constructor(
    readonly executionArn: string,
    /** The status of the last DescribeExecution (`RUNNING`, `PENDING_REDRIVE`). */
    readonly lastStatus: string,
    readonly timeoutMs: number,
    /** The last few history events, oldest first. */
    readonly lastEvents: readonly HistoryEvent[],
    /** Whether StopExecution was called (only with `stopOnTimeout: true`). */
    readonly stopped: boolean,
    /** Why the last events could not be read, when they could not. */
    historyProblem?: string,
  ) {
    super(
      `Execution ${executionArn} was still ${lastStatus} after ${timeoutMs} ms. ` +
        `${describeEvents(lastEvents, historyProblem)} ` +
        (stopped ? 'It was stopped (stopOnTimeout). ' : 'It was left running (pass stopOnTimeout: true to stop it). ') +
        'To fix this, raise timeoutMs, or check why the workflow waits (a Wait state, a task that never ends, a callback never sent).',
      lastEvents,
    );
  }
}

/** No state machine matches a name (not an ARN, not a stack output key, not a deployed state machine). */
export class StateMachineNotFoundError extends StepFunctionsError {
  constructor(
    readonly nameOrArn: string,
    /** The stack output keys that were looked at. */
    readonly outputKeys: readonly string[],
    /** The state machine names ListStateMachines returned. */
    readonly known: readonly string[],
  ) {
    super(
      `No state machine named '${nameOrArn}': it is not an ARN, not a stack output key ` +
        `(outputs: ${outputKeys.length > 0 ? outputKeys.join(', ') : 'none given'}), ` +
        `and ListStateMachines has no such name (state machines: ${known.length > 0 ? known.join(', ') : 'none'}). ` +
        'To fix this, pass an ARN, a stack output key or the name of a deployed state machine, and check AWS_REGION / AWS_ENDPOINT_URL.',
    );
  }
}

function describeEvents(events: readonly HistoryEvent[], problem: string | undefined): string {
  if (problem !== undefined) return `Its history could not be read (${problem}).`;
  if (events.length === 0) return 'Its history had no events yet.';
  const shown = events.map((event) => {
    const parts: string[] = [event.type];
    const stateName = stateNameOf(event);
    const error = errorOf(event);
    if (stateName !== undefined) parts.push(`"${stateName}"`);
    if (error !== undefined) parts.push(`error ${error}`);
    return parts.join(' ');
  });
  return `Its last ${events.length} history event(s): ${shown.join(', ')}.`;
}

export interface ExecuteOnAwsOptions {
  /** Default: a new `SFNClient` from the standard AWS environment (region, credentials, `AWS_ENDPOINT_URL`). */
  readonly client?: SFNClient;
  readonly stateMachineArn: string;
  /** The execution input. Default `{}`. */
  readonly input?: unknown;
  /** The execution name. Default: the one AWS gives (a UUID). */
  readonly name?: string;
  /** How long to wait for the execution to end. Default 300 000 ms. */
  readonly timeoutMs?: number;
  /**
   * The wait between DescribeExecution calls for the first 2 s; after that it
   * grows by half each poll up to `maxPollIntervalMs`. Default 50 ms.
   */
  readonly pollIntervalMs?: number;
  /** The longest wait between DescribeExecution calls. Default 1 000 ms (one call a second per execution). */
  readonly maxPollIntervalMs?: number;
  /** Call StopExecution when the wait times out. Default false: the execution is left running. */
  readonly stopOnTimeout?: boolean;
}

/**
 * Starts an execution of a deployed state machine, waits for it to end and
 * returns it with its history, in the same shape as the local target's
 * {@link Execution}.
 *
 * Resolves however the execution ended (`SUCCEEDED`, `FAILED`, `TIMED_OUT`,
 * `ABORTED`). Rejects with {@link ExecutionInputTooLargeError} before starting
 * when the input is over 256 KiB, and with {@link ExecutionWaitTimeoutError}
 * when it is still running after `timeoutMs`.
 *
 * @example
 * const run = await executeOnAws({ stateMachineArn, input: { orderId: 'o-1' }, timeoutMs: 60_000 });
 * expect(run.status).toBe('SUCCEEDED');
 * expect(statesEntered(run.history)).toEqual(['Check', 'Ship']);
 */
export async function executeOnAws(options: ExecuteOnAwsOptions): Promise<Execution> {
  const sdk = await loadSfnSdk();
  const { DescribeExecutionCommand, StartExecutionCommand } = sdk;
  const client = options.client ?? new sdk.SFNClient({});
  const inputText = inputJson(options.input === undefined ? {} : options.input, options.stateMachineArn);
  const bytes = Buffer.byteLength(inputText, 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES) throw new ExecutionInputTooLargeError(options.stateMachineArn, bytes);

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const started = await client.send(
    new StartExecutionCommand({
      stateMachineArn: options.stateMachineArn,
      input: inputText,
      ...(options.name !== undefined ? { name: options.name } : {}),
    }),
  );
  const executionArn = required(started.executionArn, 'StartExecution', 'executionArn');

  const firstInterval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const maxInterval = Math.max(firstInterval, options.maxPollIntervalMs ?? DEFAULT_MAX_POLL_INTERVAL_MS);
  const waitStarted = Date.now();
  let interval = firstInterval;
  let throttled = false;
  let described: DescribeExecutionCommandOutput | undefined;
  let ended: DescribeExecutionCommandOutput;
  for (;;) {
    try {
      described = await client.send(new DescribeExecutionCommand({ executionArn }));
      // PENDING_REDRIVE is not an end: the execution is about to run again.
      if (described.status !== undefined && TERMINAL_STATUSES.has(described.status)) {
        ended = described;
        break;
      }
    } catch (error) {
      if (!isThrottling(error)) throw error;
      throttled = true;
      interval = Math.min(interval * 2, maxInterval);
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw await timeoutError(client, sdk, executionArn, described?.status ?? 'UNKNOWN', timeoutMs, options.stopOnTimeout === true);
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, remaining)));
    interval = nextPollIntervalMs(Date.now() - waitStarted, interval, { firstMs: firstInterval, maxMs: maxInterval, throttled });
  }

  const history = toHistoryEvents(await fullHistory(client, sdk, executionArn));
  const status = ended.status as ExecutionStatus;
  const error = ended.error ?? (status === 'TIMED_OUT' ? 'States.Timeout' : undefined);
  return {
    executionArn,
    stateMachineArn: ended.stateMachineArn ?? options.stateMachineArn,
    name: ended.name ?? executionArn.slice(executionArn.lastIndexOf(':') + 1),
    status,
    // DescribeExecution leaves the input out when the state machine hides data (includedData METADATA_ONLY).
    input: ended.input !== undefined ? parseJson(ended.input) : JSON.parse(inputText),
    ...(status === 'SUCCEEDED' && ended.output !== undefined ? { output: parseJson(ended.output) } : {}),
    ...(error !== undefined ? { error } : {}),
    ...(ended.cause !== undefined ? { cause: ended.cause } : {}),
    startDate: ended.startDate ?? started.startDate ?? new Date(),
    stopDate: ended.stopDate ?? new Date(),
    history,
  };
}

/**
 * The wait before the next DescribeExecution: the first interval throughout
 * the fast phase (unless throttled), then half as long again each poll, up
 * to the cap.
 */
export function nextPollIntervalMs(
  waitedMs: number,
  previousMs: number,
  limits: { readonly firstMs: number; readonly maxMs: number; readonly throttled?: boolean },
): number {
  if (waitedMs < FAST_POLL_PHASE_MS && limits.throttled !== true) return limits.firstMs;
  return Math.min(Math.max(Math.round(previousMs * 1.5), previousMs + 1), limits.maxMs);
}

function isThrottling(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'ThrottlingException' || name === 'TooManyRequestsException';
}

function inputJson(input: unknown, stateMachineArn: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch (error) {
    throw new StepFunctionsError(
      `The input for ${stateMachineArn} cannot be serialised to JSON (${(error as Error).message}). To fix this, pass plain JSON data.`,
      { cause: error },
    );
  }
  if (text === undefined) {
    throw new StepFunctionsError(`The input for ${stateMachineArn} is not JSON data. To fix this, pass an object, array, string, number, boolean or null.`);
  }
  return text;
}

function required<T>(value: T | undefined, operation: string, field: string): T {
  if (value === undefined) throw new StepFunctionsError(`${operation} answered without ${field}: the endpoint is not behaving like Step Functions.`);
  return value;
}

/** JSON text as data; text that is not JSON (a hand-written endpoint's answer) stays text. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function timeoutError(client: SFNClient, sdk: SfnSdk, executionArn: string, status: string, timeoutMs: number, stop: boolean): Promise<ExecutionWaitTimeoutError> {
  let lastEvents: HistoryEvent[] = [];
  let problem: string | undefined;
  try {
    const page = await client.send(new sdk.GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: EVENTS_SHOWN_ON_TIMEOUT }));
    // Sorted by id rather than trusting reverseOrder / maxResults, which some endpoints (moto) ignore.
    // Events whose parents are not among them just lack their state name.
    const events = [...(page.events ?? [])].sort((left, right) => (left.id ?? 0) - (right.id ?? 0));
    lastEvents = toHistoryEvents(events).slice(-EVENTS_SHOWN_ON_TIMEOUT);
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  if (stop) await client.send(new sdk.StopExecutionCommand({ executionArn, error: 'Harness.Timeout', cause: `executeOnAws stopped waiting after ${timeoutMs} ms` }));
  return new ExecutionWaitTimeoutError(executionArn, status, timeoutMs, lastEvents, stop, problem);
}

async function fullHistory(client: SFNClient, sdk: SfnSdk, executionArn: string): Promise<AwsHistoryEvent[]> {
  const events: AwsHistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new sdk.GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken !== undefined ? { nextToken } : {}) }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return events;
}

// ----- history -----

/** GetExecutionHistory's events as the harness hands them on: unchanged, with the fields AWS always sets checked. */
export function toHistoryEvents(events: readonly AwsHistoryEvent[]): HistoryEvent[] {
  return events.filter((event): event is HistoryEvent => event.type !== undefined && event.id !== undefined && event.timestamp !== undefined).map((event) => ({
    ...event,
    previousEventId: event.previousEventId ?? 0,
  }));
}

/**
 * The ARN of a state machine named by a test: an ARN as it is; else the value
 * of the stack output with that key; else the deployed state machine of that
 * name (ListStateMachines, every page).
 *
 * @example
 * const arn = await resolveStateMachineArn('OrderFlow', { outputs: stack.outputs, client });
 */
export async function resolveStateMachineArn(
  nameOrArn: string,
  options: { readonly outputs?: Readonly<Record<string, string>>; readonly client?: SFNClient } = {},
): Promise<string> {
  if (STATE_MACHINE_ARN.test(nameOrArn)) return nameOrArn;
  const output = options.outputs?.[nameOrArn];
  if (output !== undefined) return output;
  const sdk = await loadSfnSdk();
  const client = options.client ?? new sdk.SFNClient({});
  const known: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new sdk.ListStateMachinesCommand(nextToken !== undefined ? { nextToken } : {}));
    for (const machine of page.stateMachines ?? []) {
      if (machine.name === nameOrArn && machine.stateMachineArn !== undefined) return machine.stateMachineArn;
      if (machine.name !== undefined) known.push(machine.name);
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  throw new StateMachineNotFoundError(nameOrArn, Object.keys(options.outputs ?? {}), known);
}

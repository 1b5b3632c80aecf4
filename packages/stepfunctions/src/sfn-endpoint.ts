/**
 * A loopback HTTP server that plays Step Functions' `StartExecution` and
 * `DescribeExecution` (AWS JSON 1.0, `X-Amz-Target: AWSStepFunctions.<Operation>`,
 * as `@aws-sdk/client-sfn` sends them) for application code on the local
 * target. An execution is handed to `options.start` (the session's state
 * machine double `stepfunctions:<Name>`: a mock, or a registered definition
 * run locally) and runs on after StartExecution answers; DescribeExecution
 * reports it `RUNNING`, then as it ended.
 *
 * Signatures are not verified: the server listens on 127.0.0.1 only and plays
 * AWS for the process that started it. It never reads, logs or echoes the
 * `Authorization` header.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback, readRequestBody } from '@harness/core';
import type { ExecutionStatus } from './local-runner.js';
import type { StateMachineInvocationPayload, StateMachineResultValue } from './wire.js';

/** Step Functions' limits on StartExecution: the input (UTF-8 bytes) and the execution name. */
export const START_EXECUTION_LIMITS = { inputBytes: 262_144, nameLength: 80 } as const;

const NAMESPACE = 'com.amazonaws.swf.service.v2.model#';
const TARGET_PREFIX = 'AWSStepFunctions.';
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;
const STATE_MACHINE_ARN = /^arn:(aws[\w-]*):states:([a-z0-9-]+):(\d{12}):stateMachine:([A-Za-z0-9_-]{1,80})(?::[A-Za-z0-9_-]+)?$/;
const EXECUTION_ARN = /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:execution:[A-Za-z0-9_-]{1,80}:[^:]+$/;
/** An execution name: 1-80 characters, none of whitespace, brackets, wildcards, punctuation Step Functions refuses, or control characters. */
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;

export interface StepFunctionsApiEndpointOptions {
  /** Whether a state machine of this name exists here (its double is mocked or registered). */
  readonly exists: (stateMachineName: string) => boolean;
  /** Runs one execution to its end. A rejection is reported as a `FAILED` execution (error: the rejection's name). */
  readonly start: (payload: StateMachineInvocationPayload, startDate: number) => Promise<StateMachineResultValue>;
}

/** A running endpoint. */
export interface StepFunctionsApiEndpoint {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The executions still running, for the caller to wait for. */
  running(): readonly Promise<unknown>[];
  close(): Promise<void>;
}

interface ExecutionRecord {
  readonly payload: StateMachineInvocationPayload;
  /** The input as the request gave it (JSON text). */
  readonly inputText: string;
  readonly startDate: number;
  result?: StateMachineResultValue;
  readonly done: Promise<unknown>;
}

/** An AWS error answer of the JSON protocol. */
class SfnError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * Starts the endpoint on 127.0.0.1 (a free port).
 *
 * @example
 * const endpoint = await startStepFunctionsApiEndpoint({ exists, start });
 * const sfn = new SFNClient({ endpoint: endpoint.url, region: 'us-east-1', credentials });
 */
export async function startStepFunctionsApiEndpoint(options: StepFunctionsApiEndpointOptions): Promise<StepFunctionsApiEndpoint> {
  const executions = new Map<string, ExecutionRecord>();
  let closing = false;

  function startExecution(input: Record<string, unknown>): unknown {
    const arn = input.stateMachineArn;
    if (arn === undefined || arn === null) {
      throw new SfnError('ValidationException', "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null");
    }
    const parsed = typeof arn === 'string' ? STATE_MACHINE_ARN.exec(arn) : null;
    if (!parsed) throw new SfnError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${String(arn)}'`);
    const [, partition, region, account, stateMachineName] = parsed as unknown as [string, string, string, string, string];
    const name = input.name ?? randomUUID();
    if (typeof name !== 'string' || !EXECUTION_NAME.test(name)) throw new SfnError('InvalidName', `Invalid Name: '${String(name)}'`);
    const inputText = input.input ?? '{}';
    if (typeof inputText !== 'string') throw new SfnError('SerializationException', "Unexpected value type in payload: 'input' must be a string");
    if (Buffer.byteLength(inputText, 'utf8') > START_EXECUTION_LIMITS.inputBytes) {
      throw new SfnError(
        'ValidationException',
        `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${START_EXECUTION_LIMITS.inputBytes}`,
      );
    }
    let parsedInput: unknown;
    try {
      parsedInput = JSON.parse(inputText);
    } catch (error) {
      throw new SfnError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(error as Error).message}'`);
    }
    if (!options.exists(stateMachineName)) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn as string}'`);

    const executionArn = `arn:${partition}:states:${region}:${account}:execution:${stateMachineName}:${name}`;
    const existing = executions.get(executionArn);
    if (existing) {
      // Step Functions answers a repeated start of a running execution with the same input as the first; anything else is refused.
      if (existing.result === undefined && existing.inputText === inputText) return started(existing);
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const payload: StateMachineInvocationPayload = {
      stateMachineArn: arn as string,
      stateMachineName,
      executionArn,
      executionName: name,
      input: parsedInput,
      pattern: 'request-response',
      // Started by application code, not by a workflow's state.
      parent: { executionArn: '', stateName: '' },
    };
    const startDate = Date.now();
    const record: ExecutionRecord = {
      payload,
      inputText,
      startDate,
      done: options.start(payload, startDate).then(
        (result) => {
          record.result = result;
        },
        (error: unknown) => {
          const failure = error instanceof Error ? error : new Error(String(error));
          record.result = { status: 'FAILED', error: failure.name, cause: failure.message, startDate, stopDate: Date.now() };
        },
      ),
    };
    executions.set(executionArn, record);
    return started(record);
  }

  function describe(input: Record<string, unknown>): unknown {
    const arn = input.executionArn;
    if (typeof arn !== 'string' || !EXECUTION_ARN.test(arn)) throw new SfnError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${String(arn)}'`);
    const record = executions.get(arn);
    if (!record) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return described(record);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let status = 200;
    let payload: unknown;
    try {
      const bytes = await readRequestBody(request, MAX_REQUEST_BYTES);
      if (bytes === undefined) throw new Error(`request body over ${MAX_REQUEST_BYTES} bytes`);
      const body = bytes.toString('utf8');
      if (closing) throw new SfnError('ServiceUnavailable', 'The harness that served this Step Functions endpoint was closed.', 503);
      const target = request.headers['x-amz-target'];
      const operation = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
      let input: unknown;
      try {
        input = body ? JSON.parse(body) : {};
      } catch {
        throw new SfnError('SerializationException', 'The request body is not JSON.');
      }
      const fields = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
      if (request.method !== 'POST' || operation === undefined) {
        throw new SfnError('UnknownOperationException', "The harness's local Step Functions endpoint plays StartExecution and DescribeExecution only.");
      }
      if (operation === 'StartExecution') payload = startExecution(fields);
      else if (operation === 'DescribeExecution') payload = describe(fields);
      else throw new SfnError('UnknownOperationException', `The harness's local Step Functions endpoint does not play ${operation} (only StartExecution and DescribeExecution).`);
    } catch (error) {
      const failure = error instanceof SfnError ? error : new SfnError('InternalFailure', (error as Error).message, 500);
      status = failure.status;
      payload = { __type: `${NAMESPACE}${failure.code}`, message: failure.message };
    }
    const body = JSON.stringify(payload);
    response.writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': randomUUID(),
      date: new Date().toUTCString(),
      'content-length': String(Buffer.byteLength(body)),
    });
    response.end(body);
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  const url = await listenOnLoopback(server);

  return {
    url,
    running: () => [...executions.values()].filter((record) => record.result === undefined).map((record) => record.done),
    async close() {
      closing = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function started(record: ExecutionRecord): unknown {
  return { executionArn: record.payload.executionArn, startDate: record.startDate / 1000 };
}

/** DescribeExecution's answer: dates as epoch seconds, input and output as JSON text. */
function described(record: ExecutionRecord): unknown {
  const { payload, result } = record;
  const status: ExecutionStatus | 'RUNNING' = result?.status ?? 'RUNNING';
  return {
    executionArn: payload.executionArn,
    stateMachineArn: payload.stateMachineArn,
    name: payload.executionName,
    status,
    startDate: record.startDate / 1000,
    ...(result !== undefined ? { stopDate: result.stopDate / 1000 } : {}),
    input: record.inputText,
    inputDetails: { included: true },
    ...(result?.status === 'SUCCEEDED' ? { output: JSON.stringify(result.output ?? null), outputDetails: { included: true } } : {}),
    ...(result?.error !== undefined ? { error: result.error } : {}),
    ...(result?.cause !== undefined ? { cause: result.cause } : {}),
  };
}

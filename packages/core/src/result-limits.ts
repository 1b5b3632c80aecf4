/**
 * The checks every handler's answer passes before it travels back to its
 * double, the same on both targets: it must be JSON, and it must fit what
 * carries it on AWS. A failed check throws a named error (in the handler's
 * call, so the mock records it in `mock.errors` and the double fails with it).
 *
 * The limits, and where they come from:
 * - results table item: DynamoDB allows 400 KB per item (names and values,
 *   UTF-8: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html);
 *   the result attribute gets {@link RESULT_LIMITS.resultItemBytes}, the rest
 *   is room for the item's other attributes;
 * - Step Functions payloads: 256 KiB of UTF-8 (state input/output, task result,
 *   `SendTaskSuccess` output: https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html);
 * - SQS messages: 1 MiB at most, {@link MAX_MESSAGE_BYTES}: the session queue is created with
 *   that `MaximumMessageSize` (the default is 256 KiB), and the agent refuses a larger invocation
 *   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html).
 */
import { InvalidHandlerError, ResultNotSerializableError, ResultTooLargeError } from './errors.js';
import { MAX_MESSAGE_BYTES } from './protocol.js';

/** The AWS limits a double's answer meets on its way, in bytes. */
export const RESULT_LIMITS = {
  /** DynamoDB's item size limit (400 KB = 409,600 bytes). */
  dynamoDbItemBytes: 409_600,
  /** The JSON of one `InvocationResult` in the results table: DynamoDB's 400 KB less room for the item's key, session and TTL. */
  resultItemBytes: 380_000,
  /** Step Functions' payload limit: 256 KiB of UTF-8 JSON. */
  stepFunctionsPayloadBytes: 262_144,
  /** An invocation message: SQS's largest, 1 MiB, the session queue's `MaximumMessageSize` ({@link MAX_MESSAGE_BYTES}). */
  sqsMessageBytes: MAX_MESSAGE_BYTES,
} as const;

const RESULT_ITEM_LIMIT = `a results-table item (DynamoDB allows 400 KB per item; the result gets ${RESULT_LIMITS.resultItemBytes} bytes of it)`;
const CALLBACK_LIMIT = `Step Functions' SendTaskSuccess output (256 KiB)`;

/**
 * Checks a handler's answer as the results table will carry it
 * (`{"status":"ok","value":…}`) and returns that JSON.
 *
 * @param double - the double whose handler answered, e.g. `ecs:RenderPdf`
 * @param fix - how to make it smaller, for this kind of double (ends the error message)
 * @throws ResultNotSerializableError when it is not JSON (a BigInt, a cycle…)
 * @throws ResultTooLargeError when it does not fit a results-table item
 *
 * @example
 * checkResultValue({ exitCode: 0, logs }, 'ecs:RenderPdf', 'log less.');
 */
export function checkResultValue(value: unknown, double: string, fix = 'return less (e.g. a reference to data stored elsewhere).'): string {
  const json = toJson({ status: 'ok', value }, double, 'the result', '$.value', value);
  const bytes = utf8Bytes(json, RESULT_LIMITS.resultItemBytes);
  if (bytes > RESULT_LIMITS.resultItemBytes) {
    throw new ResultTooLargeError(double, 'the result', bytes, RESULT_LIMITS.resultItemBytes, RESULT_ITEM_LIMIT, fix);
  }
  return json;
}

/**
 * Checks the output of a `SendTaskSuccess` a handler asks for: JSON, and at
 * most 256 KiB, as Step Functions accepts it. Returns the JSON (`null` for
 * `undefined`, as the doubles send it).
 *
 * @throws ResultNotSerializableError when it is not JSON
 * @throws ResultTooLargeError when it is over 256 KiB
 *
 * @example
 * checkCallbackOutput({ shipped: true }, 'ecs:Fulfil');
 */
export function checkCallbackOutput(output: unknown, double: string): string {
  const what = 'the sendTaskSuccess output';
  const json = toJson(output === undefined ? null : output, double, what, '$', output);
  const bytes = utf8Bytes(json, RESULT_LIMITS.stepFunctionsPayloadBytes);
  if (bytes > RESULT_LIMITS.stepFunctionsPayloadBytes) {
    throw new ResultTooLargeError(
      double,
      what,
      bytes,
      RESULT_LIMITS.stepFunctionsPayloadBytes,
      CALLBACK_LIMIT,
      'send less (e.g. a reference to data stored elsewhere, such as an S3 key).',
    );
  }
  return json;
}

/**
 * Refuses a handler that is not a function, when it is given rather than when
 * the double is invoked.
 *
 * @param call - the call that was given it, e.g. `harness.ecs.mockTask('RenderPdf', handler)`
 * @throws InvalidHandlerError
 *
 * @example
 * checkHandler(handler, 'ecs:RenderPdf', "harness.ecs.mockTask('RenderPdf', handler)");
 */
export function checkHandler(handler: unknown, double: string, call: string): void {
  if (typeof handler !== 'function') throw new InvalidHandlerError(double, call, describeKind(handler));
}

/**
 * Where a value stops being JSON, as a JSONPath from `root` and what is there
 * (`a BigInt`, `a circular reference to $.order`…); `undefined` when
 * `JSON.stringify` takes it. Values with `toJSON` are judged by what it returns.
 */
export function findNotJson(value: unknown, root = '$'): { readonly path: string; readonly found: string } | undefined {
  const ancestors: { readonly value: object; readonly path: string }[] = [];
  const visit = (current: unknown, path: string, top: boolean): { path: string; found: string } | undefined => {
    if (current !== null && (typeof current === 'object' || typeof current === 'bigint') && typeof (current as { toJSON?: unknown }).toJSON === 'function') {
      try {
        current = (current as { toJSON(key: string): unknown }).toJSON('');
      } catch (error) {
        return { path, found: `a value whose toJSON() throws (${(error as Error).message})` };
      }
    }
    if (typeof current === 'bigint') return { path, found: `a BigInt (${current.toString()}n)` };
    // JSON.stringify leaves these out inside objects (and writes null in arrays), as JSON has no such values; only the whole answer cannot be one.
    if (typeof current === 'function' || typeof current === 'symbol' || current === undefined) {
      return top ? { path, found: current === undefined ? 'undefined' : `a ${typeof current}` } : undefined;
    }
    if (current === null || typeof current !== 'object') return undefined;
    const cycle = ancestors.find((ancestor) => ancestor.value === current);
    if (cycle) return { path, found: `a circular reference (to ${cycle.path})` };
    ancestors.push({ value: current, path });
    try {
      const entries: [string, unknown][] = Array.isArray(current)
        ? current.map((item, index) => [`[${index}]`, item])
        : Object.keys(current).map((key) => [/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`, (current as Record<string, unknown>)[key]]);
      for (const [step, child] of entries) {
        const found = visit(child, `${path}${step}`, false);
        if (found) return found;
      }
      return undefined;
    } finally {
      ancestors.pop();
    }
  };
  return visit(value, root, true);
}

function toJson(envelope: unknown, double: string, what: string, root: string, value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(envelope);
  } catch (error) {
    const found = findNotJson(value, root);
    throw new ResultNotSerializableError(double, what, found?.path ?? root, found?.found ?? `refused by JSON.stringify (${(error as Error).message})`);
  }
  if (json === undefined) throw new ResultNotSerializableError(double, what, root, describeKind(value));
  return json;
}

/** UTF-8 bytes of `text`; measured only when it may be over `limit` (a UTF-16 unit is at most 3 bytes). */
function utf8Bytes(text: string, limit: number): number {
  if (text.length * 3 <= limit) return text.length;
  return Buffer.byteLength(text, 'utf8');
}

function describeKind(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'bigint') return 'a BigInt';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `a ${typeof value} (${String(value).slice(0, 40)})`;
}

// The Node.js runtime of harness's moto fix fix_lambda_node_runtime.py: runs one
// invocation of a Lambda function's handler, as the Lambda Node.js runtime does.
//
// Usage: node lambda_node_runtime_shim.mjs <task-root> <result-file> < event.json
//
// The environment is the function's (fix_lambda_node_runtime.py sets it: _HANDLER,
// AWS_LAMBDA_FUNCTION_NAME…); the event is stdin (empty → {}). The handler's own
// output (console.log…) goes to stdout/stderr, as in Lambda, where it becomes the
// function's logs. The outcome is written to <result-file> as JSON:
//   {"ok": true, "payload": "<the return value as JSON>"}
//   {"ok": false, "error": {"errorType", "errorMessage", "trace"}}
// then the process exits at once (Lambda freezes the environment once the handler
// answers; pending timers or sockets must not keep the invocation open).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { types } from 'node:util';
import { pathToFileURL } from 'node:url';

const [taskRoot, resultFile] = process.argv.slice(2);
const started = Date.now();
const timeoutMs = Number(process.env.HARNESS_LAMBDA_TIMEOUT_MS ?? 3000);
const requestId = process.env.HARNESS_LAMBDA_REQUEST_ID ?? '';
const invokedFunctionArn = process.env.HARNESS_LAMBDA_INVOKED_ARN ?? '';
// The shim's own variables are not part of the function's environment.
delete process.env.HARNESS_LAMBDA_TIMEOUT_MS;
delete process.env.HARNESS_LAMBDA_REQUEST_ID;
delete process.env.HARNESS_LAMBDA_INVOKED_ARN;

let finished = false;
function finish(outcome) {
  if (finished) return;
  finished = true;
  writeFileSync(resultFile, JSON.stringify(outcome));
  process.exit(0);
}

/** The Node.js runtime's error document: errorType (the error's name), errorMessage, trace (stack lines). */
function toErrorDocument(error) {
  try {
    if (types.isNativeError(error) || (error && typeof error === 'object' && 'name' in error && 'message' in error)) {
      return {
        errorType: String(error.name ?? 'Error'),
        errorMessage: String(error.message ?? ''),
        trace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return { errorType: 'handled', errorMessage: 'the handler failed with an error whose name, message or stack could not be read', trace: [] };
  }
}

function fail(errorType, errorMessage, trace = []) {
  finish({ ok: false, error: { errorType, errorMessage, trace } });
}

function succeed(value) {
  let payload;
  try {
    payload = JSON.stringify(value === undefined ? null : value);
  } catch (error) {
    // The runtime cannot serialize the value: the invocation fails.
    const document = toErrorDocument(error);
    return fail(document.errorType, document.errorMessage, document.trace);
  }
  finish({ ok: true, payload: payload ?? 'null' });
}

process.on('uncaughtException', (error) => {
  const document = toErrorDocument(error);
  fail(document.errorType, document.errorMessage, document.trace);
});
process.on('unhandledRejection', (reason) => {
  const document = toErrorDocument(reason);
  fail(document.errorType, document.errorMessage, document.trace);
});

/** `dir/file.export.path` → module `dir/file`, handler path `export.path` (the runtime's split: first dot of the last path segment). */
function splitHandler(handler) {
  const slash = handler.lastIndexOf('/');
  const base = handler.slice(slash + 1);
  const dot = base.indexOf('.');
  if (dot <= 0 || dot === base.length - 1) return undefined;
  return { module: handler.slice(0, slash + 1) + base.slice(0, dot), path: base.slice(dot + 1) };
}

/** The module file, as the runtime looks for it: <module>.js, .mjs, .cjs. */
function findModule(root, name) {
  for (const extension of ['.js', '.mjs', '.cjs']) {
    const file = resolve(root, name + extension);
    if (existsSync(file)) return file;
  }
  return undefined;
}

async function loadHandler(handlerString) {
  const split = handlerString ? splitHandler(handlerString) : undefined;
  if (!split) {
    fail('Runtime.MalformedHandlerName', `Bad handler ${handlerString}`);
    return undefined;
  }
  const file = findModule(taskRoot, split.module);
  if (!file) {
    fail('Runtime.ImportModuleError', `Error: Cannot find module '${split.module}'\nRequire stack:\n- ${join(dirname(taskRoot), 'runtime', 'index.mjs')}`);
    return undefined;
  }
  let module;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    const document = toErrorDocument(error);
    if (document.errorType === 'SyntaxError') return fail('Runtime.UserCodeSyntaxError', `${document.errorType}: ${document.errorMessage}`, document.trace);
    return fail(document.errorType, document.errorMessage, document.trace);
  }
  // CommonJS: import() gives module.exports as default (and the names it can detect).
  let target = module;
  for (const part of split.path.split('.')) target = target?.[part] ?? (target === module ? module.default?.[part] : undefined);
  if (typeof target !== 'function') {
    fail('Runtime.HandlerNotFound', `${split.module}.${split.path} is undefined or not exported`);
    return undefined;
  }
  return target;
}

function readEvent() {
  const raw = readFileSync(0, 'utf8');
  if (raw.trim() === '') return {};
  return JSON.parse(raw);
}

const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
  invokedFunctionArn,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: requestId,
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
  getRemainingTimeInMillis: () => Math.max(timeoutMs - (Date.now() - started), 0),
  done: (error, value) => (error ? fail(...Object.values(toErrorDocument(error))) : succeed(value)),
  succeed: (value) => succeed(value),
  fail: (error) => fail(...Object.values(toErrorDocument(error))),
};

const handler = await loadHandler(process.env._HANDLER);
if (handler && !finished) {
  let event;
  try {
    event = readEvent();
  } catch (error) {
    fail('Runtime.InvalidEventPayload', `the event is not JSON: ${error.message}`);
  }
  if (!finished) {
    const callback = (error, value) => {
      if (error !== undefined && error !== null) {
        const document = toErrorDocument(error);
        fail(document.errorType, document.errorMessage, document.trace);
      } else succeed(value);
    };
    try {
      const returned = handler(event, context, callback);
      // An async handler answers with its promise; a callback handler (three parameters) answers through the callback.
      if (returned && typeof returned.then === 'function') succeed(await returned);
      else if (handler.length < 3) succeed(returned);
    } catch (error) {
      const document = toErrorDocument(error);
      fail(document.errorType, document.errorMessage, document.trace);
    }
  }
}

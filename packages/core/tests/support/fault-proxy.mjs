// A loopback HTTP proxy in front of an AWS-compatible endpoint (moto) that
// injects faults into a chosen fraction of calls, by operation: the fault
// suite (tests/integration/carriage-faults.test.ts) and the carriage bench
// (scripts/bench-carriage.mjs) put it between the harness and moto.
//
// Plain JavaScript (Node built-ins only) so the bench can import it without a build.
import { createServer, request as httpRequest } from 'node:http';

/**
 * The faults, by what the caller sees:
 * - `lose-response`: the call reaches the endpoint and takes effect, the answer never comes back (the socket stays open, silent);
 * - `reset-after`: the call takes effect, then the connection is reset before the answer;
 * - `reset-before`: the connection is reset before the call reaches the endpoint;
 * - `error-500`: an HTTP 500 InternalFailure, the call not forwarded;
 * - `throttle`: an HTTP 400 ThrottlingException, the call not forwarded;
 * - `delay`: the call is forwarded after `delayMs` (default 300).
 */
export const FAULT_KINDS = ['lose-response', 'reset-after', 'reset-before', 'error-500', 'throttle', 'delay'];

/** A small deterministic generator (mulberry32), so a failing run can be replayed with its seed. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `AmazonSQS.ReceiveMessage` → `ReceiveMessage`; a REST call (S3) → `METHOD /path`. */
function operationOf(request) {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  return `${request.method} ${request.url}`;
}

/**
 * Starts the proxy on 127.0.0.1 (a free port).
 *
 * @param {string} upstream The endpoint behind it, e.g. moto's `http://127.0.0.1:5000`.
 * @param {{ decide?: (operation: string, index: number) => string | undefined, delayMs?: number }} [options]
 *   `decide` returns a fault kind for a call (or undefined: pass it through); it can be replaced later with `proxy.decide = …`.
 */
export async function startFaultProxy(upstream, options = {}) {
  const target = new URL(upstream);
  const counts = {};
  const held = new Set();
  let index = 0;
  const proxy = {
    url: '',
    decide: options.decide ?? (() => undefined),
    delayMs: options.delayMs ?? 300,
    /** Faults injected so far, by `<operation> <kind>`; and calls seen, by operation. */
    counts,
    calls: {},
    close,
  };
  const count = (key) => (counts[key] = (counts[key] ?? 0) + 1);

  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const operation = operationOf(request);
      proxy.calls[operation] = (proxy.calls[operation] ?? 0) + 1;
      const fault = proxy.decide(operation, index++);
      if (fault) count(`${operation} ${fault}`);
      const body = Buffer.concat(chunks);
      if (fault === 'reset-before') return request.socket.destroy();
      if (fault === 'error-500' || fault === 'throttle') {
        const [status, type] = fault === 'throttle' ? [400, 'ThrottlingException'] : [500, 'InternalFailure'];
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type });
        return response.end(JSON.stringify({ __type: type, message: `injected by the fault proxy (${operation})` }));
      }
      const forward = () => {
        const upstreamRequest = httpRequest(
          { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers },
          (answer) => {
            const answerChunks = [];
            answer.on('data', (chunk) => answerChunks.push(chunk));
            answer.on('end', () => {
              if (fault === 'reset-after') return request.socket.destroy();
              if (fault === 'lose-response') {
                // Silent: the caller's own timeout is all that ends it (or close()).
                held.add(request.socket);
                request.socket.once('close', () => held.delete(request.socket));
                return;
              }
              response.writeHead(answer.statusCode ?? 502, answer.headers);
              response.end(Buffer.concat(answerChunks));
            });
          },
        );
        upstreamRequest.on('error', (error) => {
          response.writeHead(502, { 'content-type': 'text/plain' });
          response.end(`fault proxy: upstream failed: ${error.message}`);
        });
        upstreamRequest.end(body);
      };
      if (fault === 'delay') setTimeout(forward, proxy.delayMs);
      else forward();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${server.address().port}`;

  function close() {
    for (const socket of held) socket.destroy();
    server.closeAllConnections?.();
    return new Promise((resolve) => server.close(() => resolve()));
  }
  return proxy;
}

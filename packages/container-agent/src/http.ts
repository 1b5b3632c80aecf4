/**
 * The agent's and the bootstrap's HTTP client: a small `fetch` over
 * `node:http` / `node:https`.
 *
 * Why not the global `fetch`: its first call loads undici and compiles
 * undici's WebAssembly HTTP parser. Measured on the container's round trip
 * (bootstrap + agent), that took peak RSS from ~48 MB to ~86 MB, in a process
 * whose whole job is a handful of small requests (`node -e 1` is ~40 MB).
 * `node:http` parses with the llhttp already built into node.
 */
import { request as requestHttp } from 'node:http';
import { request as requestHttps } from 'node:https';

/** What the AWS clients send: a subset of fetch's `RequestInit`. */
export interface HttpRequestInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Aborts the request, the answer's body included (e.g. `AbortSignal.timeout(ms)`). */
  readonly signal?: AbortSignal;
}

/** What the AWS clients read from an answer: a subset of fetch's `Response`, so a `Response` is one. */
export interface HttpResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A `fetch`, or anything that answers like one: the default is {@link httpFetch}; tests pass a fake. */
export type FetchLike = (url: string, init?: HttpRequestInit) => Promise<HttpResponse>;

/**
 * Sends one request and reads the whole answer. Rejects, like `fetch`, only
 * when there is no complete answer (network error, abort, cut connection);
 * an HTTP error status resolves with `ok: false`.
 *
 * Connections are kept alive for the next request (node's global agents do
 * since Node 19) and do not keep the process running.
 *
 * @example
 * const response = await httpFetch('http://169.254.170.2/v2/credentials/…', { signal: AbortSignal.timeout(5_000) });
 * if (response.ok) credentials = JSON.parse(await response.text());
 */
export function httpFetch(url: string, init: HttpRequestInit = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? requestHttps : requestHttp;
    send(url, { method: init.method, headers: init.headers, signal: init.signal }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      // A connection cut mid-answer, or an abort, is an 'error' ('aborted', ECONNRESET), never an 'end'.
      response.on('error', reject);
      response.on('end', () => {
        const answer = Buffer.concat(chunks);
        const status = response.statusCode ?? 0;
        resolve({
          ok: status >= 200 && status < 300,
          status,
          // Node joins repeated headers with ', ' (set-cookie aside, which no AWS answer here needs).
          headers: { get: (name) => response.headers[name.toLowerCase()]?.toString() ?? null },
          text: async () => answer.toString(),
          arrayBuffer: async () => new Uint8Array(answer).buffer,
        });
      });
    })
      .on('error', reject)
      // The whole body at once: node sends it with a Content-Length, not chunked.
      .end(init.body);
  });
}

import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Pieces every loopback AWS endpoint of the local target shares (the ECS,
 * Lambda and Step Functions ones that application code and the container
 * agent call): the request body, the region a request was signed for, and
 * listening on a free loopback port.
 */

/**
 * The request's body, or `undefined` when it is over `limit` bytes: the rest
 * is drained (not kept), so the endpoint can still answer with AWS's error.
 *
 * @example
 * const body = await readRequestBody(request, 2 * 1024 * 1024);
 */
export function readRequestBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limit) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The region a request was signed for (SigV4: `Credential=<key>/<date>/<region>/<service>/aws4_request`), if it says. */
export function signedRegion(request: IncomingMessage): string | undefined {
  return /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\//.exec(request.headers.authorization ?? '')?.[1];
}

/**
 * Starts `server` on a free port of 127.0.0.1 and resolves with its URL
 * (`http://127.0.0.1:<port>`); rejects when it cannot listen.
 */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

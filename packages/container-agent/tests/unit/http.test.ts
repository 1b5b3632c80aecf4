import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFetch } from '../../src/http.js';

interface Received {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

// A loopback server whose routes answer, stall or cut the connection.
let server: Server;
let base: string;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ method: request.method, url: request.url, headers: request.headers, body });
      switch (request.url) {
        case '/json':
          response.writeHead(200, { 'content-type': 'application/json', 'X-Amzn-ErrorType': 'None' });
          return response.end('{"answer":"é"}');
        case '/bytes':
          return response.end(Buffer.from([0, 1, 2, 255]));
        case '/missing':
          response.writeHead(404);
          return response.end('<Error><Code>NoSuchKey</Code></Error>');
        case '/stall-headers':
          return; // never answers
        case '/stall-body':
          response.writeHead(200, { 'content-length': '100' });
          return response.write('part of it');
        case '/cut':
          response.writeHead(200, { 'content-length': '100' });
          response.write('part of it');
          return setTimeout(() => response.socket?.destroy(), 10);
        default:
          response.writeHead(201);
          return response.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('Function: httpFetch', () => {
  it('GETs and answers like a fetch Response: ok, status, headers (any case), text', async () => {
    // Act
    const response = await httpFetch(`${base}/json`, { headers: { 'x-amz-date': '20250101T000000Z' } });

    // Assert
    expect(response.ok).toBe(true);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/json');
    expect(response.headers.get('x-amzn-errortype')).toBe('None');
    expect(response.headers.get('x-absent')).toBeNull();
    expect(JSON.parse(await response.text())).toEqual({ answer: 'é' });
    expect(received.at(-1)).toMatchObject({ method: 'GET', url: '/json', headers: { 'x-amz-date': '20250101T000000Z' } });
  });

  it('POSTs a body with its Content-Length in bytes, not chunked', async () => {
    // Act
    const response = await httpFetch(`${base}/post`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{"q":"é"}' });

    // Assert
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('');
    const request = received.at(-1);
    expect(request).toMatchObject({ method: 'POST', body: '{"q":"é"}' });
    expect(request?.headers['content-length']).toBe('10');
    expect(request?.headers['transfer-encoding']).toBeUndefined();
  });

  it('returns binary bodies intact from arrayBuffer()', async () => {
    // Act
    const response = await httpFetch(`${base}/bytes`);

    // Assert
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0, 1, 2, 255]);
  });

  it('resolves an HTTP error with ok false and its body, as fetch does', async () => {
    // Act
    const response = await httpFetch(`${base}/missing`);

    // Assert
    expect(response.ok).toBe(false);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('NoSuchKey');
  });

  it.each([
    ['before the answer starts', '/stall-headers'],
    ['while the body is read', '/stall-body'],
  ])('rejects when its signal times out %s', async (_when, path) => {
    // Act
    const attempt = httpFetch(`${base}${path}`, { signal: AbortSignal.timeout(100) });

    // Assert
    await expect(attempt).rejects.toMatchObject({ name: 'AbortError', cause: { name: 'TimeoutError' } });
  });

  it('rejects when the connection is cut mid-answer', async () => {
    // Act
    const attempt = httpFetch(`${base}/cut`);

    // Assert
    await expect(attempt).rejects.toThrow(/aborted|socket hang up/);
  });

  it('rejects with the network error when nothing listens', async () => {
    // Act
    const attempt = httpFetch('http://127.0.0.1:9/');

    // Assert
    await expect(attempt).rejects.toThrow('connect ECONNREFUSED 127.0.0.1:9');
  });

  it('speaks TLS to an https: URL', async () => {
    // Act: a TLS handshake with a plain HTTP server fails; an http: request to it would not.
    const attempt = httpFetch(base.replace('http:', 'https:'));

    // Assert
    await expect(attempt).rejects.toMatchObject({ code: expect.stringMatching(/^(EPROTO|ERR_SSL_)/) });
  });
});

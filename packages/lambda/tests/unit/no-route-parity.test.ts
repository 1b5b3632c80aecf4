// The local target answers an unmocked function of adapters.lambda.functions as
// its deployed double does. This runs the shipped double (dist/lambda-double.mjs
// of @harness/container-agent) against a loopback DynamoDB that has no route,
// and compares what it throws with what the local target answers.
import { createServer, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { lambdaDoublePath } from '@harness/container-agent';
import { listenOnLoopback } from '@harness/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noRouteValue } from '../../src/local/dispatch.js';
import { thrownBy } from '../helpers/fakes.js';

type DoubleHandler = (event: unknown, context: { getRemainingTimeInMillis(): number }) => Promise<unknown>;

let server: Server;
let url = '';
const targets: string[] = [];

beforeAll(async () => {
  // DynamoDB's GetItem of a key that is not there: `{}`.
  server = createServer((request, response) => {
    targets.push(String(request.headers['x-amz-target']));
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end('{}');
    });
  });
  url = await listenOnLoopback(server);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('Function: noRouteValue', () => {
  it('is what the deployed Lambda double throws when no session mocked its function', async () => {
    // Arrange
    const { handler } = (await import(pathToFileURL(lambdaDoublePath()).href)) as { handler: DoubleHandler };
    const environment: Record<string, string> = {
      HARNESS_ROUTES_TABLE: 'hx-routes',
      HARNESS_RESULTS_TABLE: 'hx-results',
      HARNESS_DOUBLE: 'lambda:ChargeCard',
      AWS_ENDPOINT_URL: url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
    };
    const saved = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
    Object.assign(process.env, environment);
    let thrown: Error;
    try {
      // Act
      thrown = await thrownBy(() => handler({}, { getRemainingTimeInMillis: () => 30_000 }));
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }

    // Assert
    expect(targets[0]).toBe('DynamoDB_20120810.GetItem');
    expect(thrown.name).toBe('Harness.NoRoute');
    expect(noRouteValue('ChargeCard')).toMatchObject({ functionError: 'Unhandled', errorType: thrown.name, errorMessage: thrown.message });
  });
});

import { AGENT_EXIT_CODES, MAX_MESSAGE_BYTES, type InvocationMessage, type EcsInvocationPayload } from '@harness/core/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkResultValue, invocationEnvironment, main, readTaskMetadata } from '../../src/agent.js';
import type { AttributeValue, Env } from '../../src/aws.js';

const METADATA_URI = 'http://169.254.170.2/v4/container-1';
const TASK_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/harness/0123456789abcdef';
const CLUSTER_ARN = 'arn:aws:ecs:eu-west-1:123456789012:cluster/harness';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/harness-session-s1';

const BASE_ENV: Env = {
  HARNESS_DOUBLE: 'ecs:RenderPdf',
  HARNESS_ROUTES_TABLE: 'routes',
  HARNESS_RESULTS_TABLE: 'results',
  HARNESS_TASK_TOKEN_VARIABLE: 'TASK_TOKEN',
  HARNESS_AGENT_SHA256: 'ab'.repeat(32),
  TASK_TOKEN: 'token-123',
  ORDER_BUCKET: 'orders',
  PATH: '/usr/local/bin:/usr/bin',
  AWS_REGION: 'eu-west-1',
  AWS_DEFAULT_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIAAGENTTEST',
  AWS_SECRET_ACCESS_KEY: 'super-secret-key',
  AWS_SESSION_TOKEN: 'super-secret-session',
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI_UNUSED: '/x',
  ECS_CONTAINER_METADATA_URI_V4: METADATA_URI,
  ECS_AGENT_URI: 'http://169.254.170.2/api/x',
};

interface FakeAwsOptions {
  /** The route item; `null` for none. Default: a live route to QUEUE_URL. */
  readonly route?: Record<string, AttributeValue> | null;
  /** The `result` attribute, returned from the `resultAfterPolls`-th poll on; `undefined` never. */
  readonly result?: unknown;
  readonly resultAfterPolls?: number;
  /** DescribeTasks answers with this task, or fails with `'fail'`. */
  readonly describedTask?: Record<string, unknown> | 'fail';
}

interface FakeAws {
  readonly fetch: (url: string, init?: RequestInit) => Promise<Response>;
  readonly targets: string[];
  readonly sent: InvocationMessage<EcsInvocationPayload>[];
  readonly sfn: { operation: string; input: Record<string, unknown> }[];
  polls: number;
}

// A fake of the metadata endpoint and the four AWS services, by URL and X-Amz-Target.
function fakeAws(options: FakeAwsOptions = {}): FakeAws {
  const state: FakeAws = {
    targets: [],
    sent: [],
    sfn: [],
    polls: 0,
    fetch: async (url, init) => {
      const reply = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });
      if (url === METADATA_URI) return reply({ Name: 'renderer', DockerId: 'abc' });
      if (url === `${METADATA_URI}/task`) {
        return reply({ TaskARN: TASK_ARN, Family: 'RenderPdf', Revision: '7', Cluster: CLUSTER_ARN });
      }
      const headers = new Headers(init?.headers);
      const target = headers.get('x-amz-target') ?? '';
      const input = JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>;
      state.targets.push(target);
      switch (target) {
        case 'DynamoDB_20120810.GetItem': {
          if (input.TableName === 'routes') {
            const route =
              options.route === undefined
                ? {
                    double: { S: 'ecs:RenderPdf' },
                    session: { S: 's1' },
                    queueUrl: { S: QUEUE_URL },
                    expiresAt: { N: String(Math.floor(Date.now() / 1000) + 60) },
                  }
                : options.route;
            return reply(route ? { Item: route } : {});
          }
          state.polls++;
          const ready = options.result !== undefined && state.polls >= (options.resultAfterPolls ?? 1);
          const invocationId = (input.Key as { invocationId: { S: string } }).invocationId.S;
          return reply(
            ready
              ? { Item: { invocationId: { S: invocationId }, session: { S: 's1' }, result: { S: JSON.stringify(options.result) } } }
              : {},
          );
        }
        case 'AmazonSQS.SendMessage':
          state.sent.push(JSON.parse(String(input.MessageBody)) as InvocationMessage<EcsInvocationPayload>);
          return reply({ MessageId: 'm-1' });
        case 'AmazonEC2ContainerServiceV20141113.DescribeTasks':
          if (options.describedTask === 'fail') return reply({ __type: 'AccessDeniedException', message: 'not allowed' }, 400);
          return reply({ tasks: options.describedTask ? [options.describedTask] : [], failures: [] });
        case 'AWSStepFunctions.SendTaskSuccess':
        case 'AWSStepFunctions.SendTaskFailure':
          state.sfn.push({ operation: target.split('.')[1] ?? '', input });
          return reply({});
        default:
          return reply({ __type: 'UnknownOperationException', message: target }, 400);
      }
    },
  };
  return state;
}

let output: string[];

beforeEach(() => {
  output = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

function logLines(): Record<string, unknown>[] {
  return output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{"time"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function runAgent(aws: FakeAws, env: Env = BASE_ENV, command: string[] = ['--order', 'o-1']): Promise<number> {
  // The global fetch loads undici (~12 MB): the agent must use the fetch it is given.
  vi.stubGlobal('fetch', () => Promise.reject(new Error('the agent called the global fetch')));
  return main(command, env, { fetch: aws.fetch });
}

describe('Function: main', () => {
  describe('without a route', () => {
    it('exits 78 at once, naming the double and how to mock it, without sending anything', async () => {
      // Arrange
      const aws = fakeAws({ route: null });

      // Act
      const code = await runAgent(aws);

      // Assert
      expect(code).toBe(AGENT_EXIT_CODES.noRoute);
      expect(aws.sent).toHaveLength(0);
      const error = logLines().find((line) => line.level === 'error');
      expect(error).toMatchObject({
        double: 'ecs:RenderPdf',
        message:
          "no test session has mocked ECS task RenderPdf (double ecs:RenderPdf); register it with harness.ecs.mockTask('RenderPdf', handler) before the task starts",
      });
    });

    it('treats an expired route as no route and shows the expired session', async () => {
      // Arrange
      const aws = fakeAws({
        route: { double: { S: 'ecs:RenderPdf' }, session: { S: 'old' }, queueUrl: { S: QUEUE_URL }, expiresAt: { N: '1000' } },
      });

      // Act
      const code = await runAgent(aws);

      // Assert
      expect(code).toBe(AGENT_EXIT_CODES.noRoute);
      expect(logLines().find((line) => line.level === 'error')).toMatchObject({
        expiredRoute: { session: 'old', expiresAt: '1970-01-01T00:16:40.000Z' },
      });
    });
  });

  describe('with a route', () => {
    it('sends the invocation with command, filtered environment, metadata, overrides and task token', async () => {
      // Arrange
      const aws = fakeAws({
        result: { status: 'ok', value: { exitCode: 0 } },
        describedTask: {
          taskArn: TASK_ARN,
          startedBy: 'AWS Step Functions',
          overrides: { containerOverrides: [{ name: 'other', command: ['x'] }, { name: 'renderer', command: ['--order', 'o-1'], environment: [{ name: 'TASK_TOKEN', value: 'token-123' }] }] },
        },
      });

      // Act
      const code = await runAgent(aws);

      // Assert
      expect(code).toBe(0);
      expect(aws.sent).toHaveLength(1);
      const message = aws.sent[0] as InvocationMessage<EcsInvocationPayload>;
      expect(message).toMatchObject({ v: 1, double: 'ecs:RenderPdf', session: 's1' });
      expect(message.invocationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(message.payload).toEqual({
        family: 'RenderPdf',
        revision: 7,
        taskArn: TASK_ARN,
        clusterArn: CLUSTER_ARN,
        container: 'renderer',
        command: ['--order', 'o-1'],
        environment: { ORDER_BUCKET: 'orders', PATH: '/usr/local/bin:/usr/bin', AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1', TASK_TOKEN: 'token-123' },
        overrides: { name: 'renderer', command: ['--order', 'o-1'], environment: [{ name: 'TASK_TOKEN', value: 'token-123' }] },
        taskToken: 'token-123',
        startedBy: 'AWS Step Functions',
      });
    });

    it('polls the results table until the result arrives and returns its exit code, printing its log lines', async () => {
      // Arrange
      const aws = fakeAws({ result: { status: 'ok', value: { exitCode: 3, logs: ['rendering o-1', 'done'] } }, resultAfterPolls: 4 });

      // Act
      const code = await runAgent(aws);

      // Assert
      expect(code).toBe(3);
      expect(aws.polls).toBe(4);
      expect(output).toContain('rendering o-1\n');
      expect(output).toContain('done\n');
    });

    it('signs with the credentials it is handed (the bootstrap passes its own) and never asks the credentials endpoint', async () => {
      // Arrange: a container whose credentials endpoint would be asked without them
      const aws = fakeAws({ result: { status: 'ok', value: { exitCode: 0 } } });
      const seen: { url: string; authorization: string | null }[] = [];
      const fetch = (url: string, init?: RequestInit) => {
        seen.push({ url, authorization: new Headers(init?.headers).get('authorization') });
        return aws.fetch(url, init);
      };
      const env: Env = {
        ...BASE_ENV,
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SESSION_TOKEN: undefined,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/credentials',
        AWS_CONTAINER_AUTHORIZATION_TOKEN: 'token',
      };
      let loads = 0;
      const credentials = async () => {
        loads++;
        return { accessKeyId: 'ASIAHANDEDOVER', secretAccessKey: 'handed-over-secret', sessionToken: 'handed-over-session' };
      };

      // Act
      const code = await main(['--order', 'o-1'], env, { fetch, credentials });

      // Assert
      expect(code).toBe(0);
      expect(seen.map((call) => call.url)).not.toContain('http://127.0.0.1:9/credentials');
      const signed = seen.filter((call) => call.authorization !== null);
      expect(signed.length).toBeGreaterThanOrEqual(3);
      expect(signed.every((call) => call.authorization?.includes('Credential=ASIAHANDEDOVER/'))).toBe(true);
      expect(loads).toBeGreaterThan(0);
    });

    it('goes on without overrides when DescribeTasks is refused, saying so at debug level', async () => {
      // Arrange
      const aws = fakeAws({ result: { status: 'ok', value: { exitCode: 0 } }, describedTask: 'fail' });

      // Act
      const code = await runAgent(aws, { ...BASE_ENV, HARNESS_LOG_LEVEL: 'debug' });

      // Assert
      expect(code).toBe(0);
      expect(aws.sent[0]?.payload).not.toHaveProperty('overrides');
      expect(logLines().some((line) => line.level === 'debug' && String(line.message).startsWith('DescribeTasks failed'))).toBe(true);
    });

    it("exits 1 with the handler's error name and message when the handler threw", async () => {
      // Arrange
      const aws = fakeAws({ result: { status: 'error', error: { name: 'RenderError', message: 'font missing' } } });

      // Act
      const code = await runAgent(aws);

      // Assert
      expect(code).toBe(AGENT_EXIT_CODES.handlerError);
      expect(logLines().find((line) => line.level === 'error')).toMatchObject({
        message: 'the handler of ecs:RenderPdf threw RenderError: font missing',
        error: { name: 'RenderError', message: 'font missing' },
      });
    });

    it('exits 124 when no result comes within HARNESS_TIMEOUT_MS, with the invocation, session and poll count', async () => {
      // Arrange
      const aws = fakeAws();

      // Act
      const code = await runAgent(aws, { ...BASE_ENV, HARNESS_TIMEOUT_MS: '150' });

      // Assert
      expect(code).toBe(AGENT_EXIT_CODES.timeout);
      const invocationId = aws.sent[0]?.invocationId;
      const error = logLines().find((line) => line.level === 'error');
      expect(error?.message).toMatch(
        new RegExp(`^no result for invocation ${invocationId} of ecs:RenderPdf from session s1 after \\d+ ms \\(${aws.polls} polls\\)$`),
      );
      // 10, 15, 22.5, 33.75, 50.6… ms between polls: about 6 in 150 ms.
      expect(aws.polls).toBeGreaterThanOrEqual(4);
      expect(aws.polls).toBeLessThanOrEqual(10);
    });

    it.each([
      ['an exit code out of range', { status: 'ok', value: { exitCode: 300 } }, /exitCode must be a whole number from 0 to 255/],
      ['no exit code', { status: 'ok', value: { logs: [] } }, /exitCode must be/],
      ['an unknown callback type', { status: 'ok', value: { exitCode: 0, callback: { type: 'maybe' } } }, /callback.type must be/],
      ['a result that is no InvocationResult', { nope: true }, /is malformed/],
    ])('exits 70 on %s', async (_case, result, message) => {
      // Arrange
      const aws = fakeAws({ result });

      // Act
      const code = await runAgent(aws);

      // Assert
      expect(code).toBe(AGENT_EXIT_CODES.internalError);
      expect(String(logLines().find((line) => line.level === 'error')?.message)).toMatch(message);
    });
  });

  describe('task callbacks', () => {
    it('sends SendTaskSuccess with the output as JSON text, then exits with the exit code', async () => {
      // Arrange
      const aws = fakeAws({ result: { status: 'ok', value: { exitCode: 0, callback: { type: 'success', output: { pages: 3 } } } } });

      // Act
      const code = await runAgent(aws);

      // Assert
      expect(code).toBe(0);
      expect(aws.sfn).toEqual([{ operation: 'SendTaskSuccess', input: { taskToken: 'token-123', output: '{"pages":3}' } }]);
    });

    it('sends SendTaskFailure without the fields the handler left out', async () => {
      // Arrange
      const aws = fakeAws({ result: { status: 'ok', value: { exitCode: 2, callback: { type: 'failure', error: 'Render.Failed' } } } });

      // Act
      const code = await runAgent(aws);

      // Assert
      expect(code).toBe(2);
      expect(aws.sfn).toEqual([{ operation: 'SendTaskFailure', input: { taskToken: 'token-123', error: 'Render.Failed' } }]);
    });

    it('exits 70 and explains when a callback is asked for but the task has no task token', async () => {
      // Arrange
      const aws = fakeAws({ result: { status: 'ok', value: { exitCode: 0, callback: { type: 'success', output: {} } } } });

      // Act
      const code = await runAgent(aws, { ...BASE_ENV, TASK_TOKEN: '' });

      // Assert
      expect(code).toBe(AGENT_EXIT_CODES.internalError);
      expect(aws.sfn).toHaveLength(0);
      expect(String(logLines().find((line) => line.level === 'error')?.message)).toMatch(/no task token: TASK_TOKEN \(named by HARNESS_TASK_TOKEN_VARIABLE\) is empty/);
    });
  });

  describe('refusals', () => {
    it('exits 70 naming the variable when HARNESS_ROUTES_TABLE is missing', async () => {
      // Arrange
      const aws = fakeAws();
      const { HARNESS_ROUTES_TABLE: _omitted, ...env } = BASE_ENV;

      // Act
      const code = await runAgent(aws, env);

      // Assert
      expect(code).toBe(AGENT_EXIT_CODES.internalError);
      expect(logLines()[0]).toMatchObject({ level: 'error', error: { name: 'AgentConfigurationError', variable: 'HARNESS_ROUTES_TABLE' } });
      expect(aws.targets).toHaveLength(0);
    });

    it('exits 70 when the invocation would exceed the message size limit', async () => {
      // Arrange
      const aws = fakeAws({ result: { status: 'ok', value: { exitCode: 0 } } });

      // Act
      const code = await runAgent(aws, { ...BASE_ENV, BIG: 'x'.repeat(MAX_MESSAGE_BYTES + 1) });

      // Assert
      expect(code).toBe(AGENT_EXIT_CODES.internalError);
      expect(aws.sent).toHaveLength(0);
      expect(String(logLines().find((line) => line.level === 'error')?.message)).toMatch(new RegExp(`the invocation of ecs:RenderPdf is \\d+ bytes, over the ${MAX_MESSAGE_BYTES}-byte limit`));
    });
  });

  it('never writes a credential or a signature to its logs, even at debug level', async () => {
    // Arrange
    const aws = fakeAws({ result: { status: 'ok', value: { exitCode: 0 } }, describedTask: 'fail' });

    // Act
    await runAgent(aws, { ...BASE_ENV, HARNESS_LOG_LEVEL: 'debug' });

    // Assert
    const text = output.join('');
    expect(logLines().length).toBeGreaterThan(3);
    expect(text).not.toMatch(/super-secret|AKIAAGENTTEST|Signature=|token-123/);
    expect(logLines().at(-1)).toMatchObject({ level: 'debug', message: 'agent finished', exitCode: 0 });
    expect(logLines().at(-1)?.maxRssKb).toBeGreaterThan(0);
  });
});

describe('Function: invocationEnvironment', () => {
  it('drops HARNESS_*, ECS_*, AWS_CONTAINER_*, AWS_ENDPOINT_URL* and the credential variables, keeps the rest', () => {
    // Act
    const environment = invocationEnvironment({ ...BASE_ENV, AWS_ENDPOINT_URL: 'http://127.0.0.1:5000', AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:5001' });

    // Assert
    expect(environment).toEqual({
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_REGION: 'eu-west-1',
      ORDER_BUCKET: 'orders',
      PATH: '/usr/local/bin:/usr/bin',
      TASK_TOKEN: 'token-123',
    });
  });
});

describe('Function: readTaskMetadata', () => {
  it("reads the container's name and the task's ARN, family, revision (as a number) and cluster", async () => {
    // Act
    const metadata = await readTaskMetadata(BASE_ENV, fakeAws().fetch);

    // Assert
    expect(metadata).toEqual({ container: 'renderer', taskArn: TASK_ARN, family: 'RenderPdf', revision: 7, cluster: CLUSTER_ARN });
  });

  it('fails clearly outside ECS', async () => {
    // Act
    const attempt = readTaskMetadata({}, fakeAws().fetch);

    // Assert
    await expect(attempt).rejects.toThrow(/ECS_CONTAINER_METADATA_URI_V4 is not set/);
  });
});

describe('Function: checkResultValue', () => {
  it('accepts a full ECS result value', () => {
    // Arrange
    const value = { exitCode: 0, logs: ['a'], callback: { type: 'failure', error: 'E', cause: 'C' } };

    // Act
    const checked = checkResultValue(value);

    // Assert
    expect(checked).toBe(value);
  });

  it.each([
    [null, 'the value is not an object'],
    [{ exitCode: 1.5 }, 'exitCode must be a whole number from 0 to 255, not 1.5'],
    [{ exitCode: 0, logs: [1] }, 'logs must be an array of strings'],
    [{ exitCode: 0, callback: { type: 'failure', error: 42 } }, 'callback.error and callback.cause must be strings'],
  ])('explains what is wrong with %j', (value, problem) => {
    // Act
    const checked = checkResultValue(value);

    // Assert
    expect(checked).toBe(problem);
  });
});

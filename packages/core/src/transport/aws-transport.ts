import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { RouteBusyError, SessionClosedError } from '../errors.js';
import {
  encodeJson,
  parseInvocationMessage,
  routeExpiryIso,
  type InvocationMessage,
  type InvocationResult,
} from '../protocol.js';
import { sessionQueuePrefix } from '../stacks.js';
import type { CoreResources } from '../types/adapter.js';
import { isConditionalCheckFailed, loadAwsSdk, type AwsSdk } from './aws-sdk.js';
import type { Dispatch, DroppedMessage, SessionTransport } from './transport.js';

/** Tuning of the aws transport. Every wait has a bound. */
export interface AwsTransportOptions {
  readonly stackName: string;
  readonly session: string;
  readonly core: CoreResources;
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  /** Lifetime of a route without a heartbeat, in seconds. Default 60. */
  readonly routeTtlSeconds?: number;
  /** How often routes are renewed, in milliseconds. Default 15 000. */
  readonly heartbeatIntervalMs?: number;
  /** How long to wait for another session to release a double, in milliseconds. Default 60 000. */
  readonly routeWaitTimeoutMs?: number;
  /** How long `close()` waits for running handlers, in milliseconds. Default 10 000. */
  readonly closeTimeoutMs?: number;
  /** Long-poll wait per receive, in seconds (SQS allows at most 20). Default 20. */
  readonly receiveWaitSeconds?: number;
  /** Told about listener problems that do not stop it (a failed receive, a lost route). */
  readonly onError?: (error: Error) => void;
}

/** DynamoDB's item limit is 400 KB; leave room for the other attributes. */
const MAX_RESULT_BYTES = 380_000;
const RESULT_TTL_SECONDS = 3_600;
const MAX_DROPPED_KEPT = 100;

/**
 * The aws target's transport: a queue per session, routes and results in
 * DynamoDB (see ARCHITECTURE.md, "The invocation protocol").
 */
export class AwsTransport implements SessionTransport {
  readonly dropped: DroppedMessage[] = [];
  private queueUrl: string | undefined;
  private readonly routes = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private listening: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;
  /** The SDK's command classes, loaded by start(). */
  private sdk!: AwsSdk;

  constructor(private readonly options: AwsTransportOptions) {}

  private get routeTtlSeconds(): number {
    return this.options.routeTtlSeconds ?? 60;
  }

  async start(dispatch: Dispatch): Promise<void> {
    this.sdk = await loadAwsSdk();
    const queueName = `${sessionQueuePrefix(this.options.stackName)}${this.options.session}`;
    const created = await this.options.sqs.send(
      new this.sdk.sqs.CreateQueueCommand({
        QueueName: queueName,
        Attributes: {
          ReceiveMessageWaitTimeSeconds: '20',
          VisibilityTimeout: '60',
          MessageRetentionPeriod: '3600',
          SqsManagedSseEnabled: 'true',
        },
        tags: { 'harness:stack': this.options.stackName, 'harness:session': this.options.session },
      }),
    );
    if (!created.QueueUrl) throw new Error(`SQS created queue ${queueName} but returned no URL`);
    this.queueUrl = created.QueueUrl;
    this.listening = this.listen(dispatch);
    const interval = this.options.heartbeatIntervalMs ?? 15_000;
    this.heartbeat = setInterval(() => void this.renewRoutes(), interval);
    this.heartbeat.unref();
  }

  async claimRoute(double: string): Promise<void> {
    if (this.closed) throw new SessionClosedError(this.options.session, `mock ${double}`);
    const queueUrl = this.requireQueue();
    const timeoutMs = this.options.routeWaitTimeoutMs ?? 60_000;
    const started = Date.now();
    let delayMs = 100;
    for (;;) {
      const now = Math.floor(Date.now() / 1000);
      const expiresAt = now + this.routeTtlSeconds;
      try {
        await this.options.dynamodb.send(
          new this.sdk.dynamodb.PutItemCommand({
            TableName: this.options.core.routesTable,
            Item: {
              double: { S: double },
              session: { S: this.options.session },
              queueUrl: { S: queueUrl },
              expiresAt: { N: String(expiresAt) },
              expiresAtIso: { S: routeExpiryIso(expiresAt) },
            },
            ConditionExpression: 'attribute_not_exists(#double) OR #session = :session OR #expiresAt < :now',
            ExpressionAttributeNames: { '#double': 'double', '#session': 'session', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: { ':session': { S: this.options.session }, ':now': { N: String(now) } },
          }),
        );
        this.routes.add(double);
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      const holder = await this.routeHolder(double);
      const waited = Date.now() - started;
      if (waited >= timeoutMs) throw new RouteBusyError(double, this.options.session, holder ?? 'unknown', waited);
      await sleep(Math.min(delayMs, timeoutMs - waited));
      delayMs = Math.min(delayMs * 2, 1_000);
    }
  }

  async releaseRoute(double: string): Promise<void> {
    this.routes.delete(double);
    try {
      await this.options.dynamodb.send(
        new this.sdk.dynamodb.DeleteItemCommand({
          TableName: this.options.core.routesTable,
          Key: { double: { S: double } },
          ConditionExpression: '#session = :session',
          ExpressionAttributeNames: { '#session': 'session' },
          ExpressionAttributeValues: { ':session': { S: this.options.session } },
        }),
      );
    } catch (error) {
      // Another session took the route after ours expired: it is theirs now.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.abort.abort();
    await this.listening;
    await Promise.race([
      Promise.allSettled(this.inFlight.values()),
      sleep(this.options.closeTimeoutMs ?? 10_000),
    ]);
    const problems: unknown[] = [];
    for (const result of await Promise.allSettled([...this.routes].map((double) => this.releaseRoute(double)))) {
      if (result.status === 'rejected') problems.push(result.reason);
    }
    if (this.queueUrl) {
      await this.options.sqs.send(new this.sdk.sqs.DeleteQueueCommand({ QueueUrl: this.queueUrl })).catch((error: unknown) => {
        problems.push(error);
      });
    }
    for (const problem of problems) this.report(problem);
  }

  private requireQueue(): string {
    if (!this.queueUrl) throw new Error(`session ${this.options.session} has not started: call start() first`);
    return this.queueUrl;
  }

  private async routeHolder(double: string): Promise<string | undefined> {
    const found = await this.options.dynamodb.send(
      new this.sdk.dynamodb.GetItemCommand({
        TableName: this.options.core.routesTable,
        Key: { double: { S: double } },
        ConsistentRead: true,
      }),
    );
    return found.Item?.session?.S;
  }

  private async renewRoutes(): Promise<void> {
    const expiresAt = Math.floor(Date.now() / 1000) + this.routeTtlSeconds;
    await Promise.all(
      [...this.routes].map(async (double) => {
        try {
          await this.options.dynamodb.send(
            new this.sdk.dynamodb.UpdateItemCommand({
              TableName: this.options.core.routesTable,
              Key: { double: { S: double } },
              UpdateExpression: 'SET #expiresAt = :expiresAt, #expiresAtIso = :expiresAtIso',
              ConditionExpression: '#session = :session',
              ExpressionAttributeNames: { '#expiresAt': 'expiresAt', '#expiresAtIso': 'expiresAtIso', '#session': 'session' },
              ExpressionAttributeValues: {
                ':expiresAt': { N: String(expiresAt) },
                ':expiresAtIso': { S: routeExpiryIso(expiresAt) },
                ':session': { S: this.options.session },
              },
            }),
          );
        } catch (error) {
          if (isConditionalCheckFailed(error)) {
            this.routes.delete(double);
            this.report(
              new Error(
                `session ${this.options.session} lost its route for ${double} (it expired and another session took it): ` +
                  'its invocations now go there. Heartbeats were late; is the test process blocked?',
              ),
            );
          } else this.report(error);
        }
      }),
    );
  }

  private async listen(dispatch: Dispatch): Promise<void> {
    const queueUrl = this.requireQueue();
    let failures = 0;
    while (!this.closed) {
      let messages: Message[];
      try {
        const received = await this.options.sqs.send(
          new this.sdk.sqs.ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: this.options.receiveWaitSeconds ?? 20,
          }),
          { abortSignal: this.abort.signal },
        );
        messages = received.Messages ?? [];
        failures = 0;
      } catch (error) {
        if (this.closed) return;
        failures++;
        this.report(error);
        await sleep(Math.min(100 * 2 ** failures, 5_000));
        continue;
      }
      for (const message of messages) this.track(message, dispatch);
    }
  }

  /** Runs one received message; an invocation delivered twice shares the first run. */
  private track(message: Message, dispatch: Dispatch): void {
    const body = message.Body ?? '';
    let invocation: InvocationMessage;
    try {
      invocation = parseInvocationMessage(body);
    } catch (error) {
      this.drop(message, (error as Error).message);
      return;
    }
    if (invocation.session !== this.options.session) {
      this.drop(message, `addressed to session ${invocation.session}, not ${this.options.session}`);
      return;
    }
    const running = this.inFlight.get(invocation.invocationId);
    const work = (running ?? this.answer(invocation, dispatch)).then(() => this.deleteMessage(message));
    if (!running) this.inFlight.set(invocation.invocationId, work);
    work.catch((error: unknown) => this.report(error));
  }

  private async answer(invocation: InvocationMessage, dispatch: Dispatch): Promise<void> {
    const result = await dispatch(invocation);
    let encoded: string;
    try {
      encoded = encodeJson(result, MAX_RESULT_BYTES, `the result of invocation ${invocation.invocationId} of ${invocation.double}`);
    } catch (error) {
      const tooLarge: InvocationResult = {
        status: 'error',
        error: { name: 'ResultTooLargeError', message: (error as Error).message },
      };
      encoded = JSON.stringify(tooLarge);
    }
    try {
      await this.options.dynamodb.send(
        new this.sdk.dynamodb.PutItemCommand({
          TableName: this.options.core.resultsTable,
          Item: {
            invocationId: { S: invocation.invocationId },
            session: { S: this.options.session },
            result: { S: encoded },
            expiresAt: { N: String(Math.floor(Date.now() / 1000) + RESULT_TTL_SECONDS) },
          },
          ConditionExpression: 'attribute_not_exists(invocationId)',
        }),
      );
    } catch (error) {
      // Already answered (a redelivery that outlived this process's memory): the first answer stands.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  private async deleteMessage(message: Message): Promise<void> {
    if (!message.ReceiptHandle || !this.queueUrl) return;
    await this.options.sqs.send(new this.sdk.sqs.DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: message.ReceiptHandle }));
  }

  private drop(message: Message, reason: string): void {
    this.dropped.push({ reason, body: (message.Body ?? '').slice(0, 2_000), receivedAt: new Date() });
    if (this.dropped.length > MAX_DROPPED_KEPT) this.dropped.shift();
    this.deleteMessage(message).catch((error: unknown) => this.report(error));
  }

  private report(error: unknown): void {
    const normalized = error instanceof Error ? error : new Error(String(error));
    this.options.onError?.(normalized);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

import {
  endpointIntegration,
  AlreadyMockedError,
  checkHandler,
  checkResultValue,
  doubleId,
  RecordingMock,
  runAnswer,
  type AdapterSession,
  type CallAnswer,
  type MockAnswer,
  type Mutable,
  type EcsInvocationPayload,
  type InvocationMessage,
  type WaitForInvocationOptions,
} from '@harness/core';
import type { EcsEndpoint, EcsEndpointOptions } from './local/app-endpoint.js';
import { EcsLocalIntegrationError } from './local/errors.js';
import type { EcsLocalIntegration } from './local/integration.js';
import { UnknownEcsDoubleError } from './mock-errors.js';
import { toResultValue, type EcsHandlerResult } from './results.js';

/**
 * One container of one task run, as the ECS double's handler receives it:
 * what the container agent sent (see `EcsInvocationPayload` in the wire
 * format), with the invocation's id and the time the agent sent it.
 */
export interface EcsInvocation extends EcsInvocationPayload {
  readonly invocationId: string;
  readonly sentAt: Date;
}

/** Decides how one container of a task double ends. */
export type EcsHandler = (invocation: EcsInvocation) => EcsHandlerResult | Promise<EcsHandlerResult>;

/**
 * A recorded invocation: what the container sent, and what the handler made
 * of it. It is recorded when it arrives (so a test can wait for a double to
 * be invoked while its handler still runs); `exitCode` is set when the
 * handler has answered.
 */
export interface RecordedEcsInvocation extends EcsInvocation {
  /** The exit code the container was told to use; undefined while the handler runs. */
  readonly exitCode?: number;
  /** The error the handler threw (the container then exits 1). */
  readonly error?: Error;
}


/** A mocked ECS task family: what its containers received, and a bounded wait for more. */
export interface TaskMock {
  readonly family: string;
  /** Every container run so far, oldest first. */
  readonly invocations: readonly RecordedEcsInvocation[];
  /** Errors the handlers threw. Each also made its container exit non-zero. */
  readonly errors: readonly Error[];
  /** The runs of one container. */
  invocationsOf(container: string): readonly RecordedEcsInvocation[];
  /** Resolves with the first run that matches, or fails after the timeout listing what it saw. */
  waitForInvocation(options?: WaitForInvocationOptions<RecordedEcsInvocation>): Promise<RecordedEcsInvocation>;
  /** Forgets recorded invocations and errors; the handlers and queued answers stay. */
  clear(): void;
  /** Forgets recorded invocations and errors and drops unused `once` / `onCall` answers; the handlers stay, the family stays mocked. */
  reset(): void;
  /** How many `once` / `onCall` answers are still waiting for their container run. */
  readonly pendingAnswers: number;
  /**
   * Queues the answer of one container run, used before the handlers: the
   * next run (of `options.container`, when given; else of any container) that
   * has no `onCall` answer takes it. The answer is what a handler returns
   * (`exit(1)`, a number, `sendTaskSuccess(…)`), a handler, or an `Error` (the
   * container logs it and exits 1). Checked now: an exit code outside 0-255, or
   * a container the family does not have, throws here. Returns the mock.
   *
   * @example
   * render.once(exit(1, { logs: ['font missing'] })); // the next container run fails, later ones run the handler
   * render.once(exit(0), { container: 'Sidecar' });
   */
  once(answer: MockAnswer<EcsHandler>, options?: { readonly container?: string }): this;
  /**
   * The answer of the run at index `call` (0 for the first): of the family's
   * runs (`invocations`), or of one container's (`invocationsOf(container)`)
   * with `options.container`. It comes before queued `once` answers.
   *
   * @example
   * render.onCall(1).answer(exit(137)); // the second container run is killed
   */
  onCall(call: number, options?: { readonly container?: string }): CallAnswer<MockAnswer<EcsHandler>, this>;
  /**
   * Replaces a handler of this mock: the family's (what `mockTask` set), or one
   * container's (what `mockContainer` set) when `options.container` names it.
   * Invocations already running keep the handler they started with; what was
   * recorded stays. Mocking the family (or container) again instead is refused.
   *
   * @example
   * const render = await harness.ecs.mockTask('RenderPdf', () => exit(0));
   * render.replaceHandler(() => exit(1));
   * render.replaceHandler(() => exit(0), { container: 'Sidecar' });
   */
  replaceHandler(handler: EcsHandler, options?: { readonly container?: string }): void;
  /** Stops mocking this family: releases its route so another session may take it. */
  restore(): Promise<void>;
}

/** `harness.ecs`: mocks for ECS task doubles. */
export interface EcsMockApi {
  /**
   * Mocks every container of an ECS task family with one handler.
   *
   * Throws `InvalidHandlerError` when `handler` is not a function, and
   * `AlreadyMockedError` when this session mocks the family's task handler
   * already: change it with `mock.replaceHandler(handler)`, or `await mock.restore()` first.
   *
   * @example
   * const render = await harness.ecs.mockTask('RenderPdf', ({ command }) => (command.includes('--fail') ? 1 : exit(0)));
   */
  mockTask(family: string, handler: EcsHandler): Promise<TaskMock>;
  /**
   * Mocks one container of a family; other containers use the family's
   * `mockTask` handler, if any. Returns the family's mock. Mocking the same
   * container twice is refused (`AlreadyMockedError`): use
   * `mock.replaceHandler(handler, { container })`.
   *
   * @example
   * await harness.ecs.mockContainer('RenderPdf', 'Sidecar', () => exit(0));
   */
  mockContainer(family: string, container: string, handler: EcsHandler): Promise<TaskMock>;
  /**
   * The local target's ECS API, for application code that calls `RunTask`,
   * `DescribeTasks`, `ListTasks` or `StopTask` through the AWS SDK: its tasks
   * run as these doubles, and ECS's answers come back. Local target only (on
   * the aws target your code calls ECS itself).
   *
   * @example
   * const ecs = new ECSClient((await harness.ecs.endpoint()).clientConfig);
   * await harness.ecs.endpoint({ setEnvironment: true }); // or: `new ECSClient({})` finds it through AWS_ENDPOINT_URL_ECS
   */
  endpoint(options?: EcsEndpointOptions): Promise<EcsEndpoint>;
}

/** The families and container names the doubles have, when known (config or stack outputs). */
export type KnownFamilies = ReadonlyMap<string, readonly string[]>;

class FamilyMock extends RecordingMock<RecordedEcsInvocation, EcsHandler> implements TaskMock {
  taskHandler: EcsHandler | undefined;
  readonly containerHandlers = new Map<string, EcsHandler>();
  /** Runs per container since the last clear(): `onCall(n, { container })` indexes (counted, not filtered: a large Map runs thousands). */
  private readonly runsPerContainer = new Map<string, number>();

  /** @param containers - the family's containers when known (config or stack outputs): `once` / `onCall` for another is refused */
  constructor(
    readonly family: string,
    private readonly containers: readonly string[] | undefined,
    release: () => Promise<void>,
    session: AdapterSession,
  ) {
    super(`ECS task double ${family}`, release, session);
  }

  override once(answer: MockAnswer<EcsHandler>, options: { readonly container?: string } = {}): this {
    const { container } = options;
    this.queueAnswer(container ?? '', answer, undefined, container === undefined ? 'once(answer)' : `once(answer, { container: '${container}' })`);
    return this;
  }

  override onCall(call: number, options: { readonly container?: string } = {}): CallAnswer<MockAnswer<EcsHandler>, this> {
    const { container } = options;
    const where = container === undefined ? `onCall(${call})` : `onCall(${call}, { container: '${container}' })`;
    this.checkCall(call, container === undefined ? this.invocations.length : (this.runsPerContainer.get(container) ?? 0), where);
    return {
      answer: (answer) => {
        this.queueAnswer(container ?? '', answer, call, `${where}.answer(answer)`);
        return this;
      },
    };
  }

  /** Refuses, when it is queued, an answer for a container the family does not have, or a result ECS could not report. */
  protected override checkAnswer(answer: MockAnswer<EcsHandler>, where: string, container: string): void {
    if (container !== '' && this.containers !== undefined && !this.containers.includes(container)) {
      throw new UnknownEcsDoubleError(
        `ECS task double ${this.family}: ${where} names container '${container}', which its task definition does not have (its containers: ${this.containers.join(', ')}). ` +
          'To fix this, use one of those names, or add the container to the family in harness.config.json and redeploy.',
      );
    }
    if (typeof answer === 'function' || answer instanceof Error) return;
    toResultValue(answer, `ECS task double ${this.family} (${where})`, doubleId('ecs', this.family));
  }

  override clear(): void {
    super.clear();
    this.runsPerContainer.clear();
  }

  invocationsOf(container: string): readonly RecordedEcsInvocation[] {
    return this.invocations.filter((invocation) => invocation.container === container);
  }

  replaceHandler(handler: EcsHandler, options: { readonly container?: string } = {}): void {
    const { container } = options;
    const double = doubleId('ecs', this.family);
    if (container === undefined) {
      checkHandler(handler, double, `mock.replaceHandler(handler) of ECS task double ${this.family}`);
      this.taskHandler = handler;
      return;
    }
    checkHandler(handler, double, `mock.replaceHandler(handler, { container: '${container}' }) of ECS task double ${this.family}`);
    if (!this.containerHandlers.has(container)) {
      throw new UnknownEcsDoubleError(
        `ECS task double ${this.family} has no handler for container '${container}' to replace (containers with their own handler: ${[...this.containerHandlers.keys()].join(', ') || 'none'}). ` +
          `To fix this, mock it first: harness.ecs.mockContainer('${this.family}', '${container}', handler).`,
      );
    }
    this.containerHandlers.set(container, handler);
  }

  async handle(message: InvocationMessage): Promise<unknown> {
    const invocation = toInvocation(message);
    const record: Mutable<RecordedEcsInvocation> = { ...invocation };
    // Indexes for onCall: over the family's runs, and over this container's.
    const familyIndex = this.invocations.length;
    const containerIndex = this.runsPerContainer.get(invocation.container) ?? 0;
    this.runsPerContainer.set(invocation.container, containerIndex + 1);
    this.log.record(record);
    // The container's own answers first, then the family's, then the handlers.
    const taken = this.takeAnswer(invocation.container, containerIndex) ?? this.takeAnswer('', familyIndex);
    const handler = this.containerHandlers.get(invocation.container) ?? this.taskHandler;
    try {
      if (!taken && !handler) {
        throw new UnknownEcsDoubleError(
          `ECS task double ${this.family} has no handler nor queued answer for container ${invocation.container} ` +
            `(handlers: ${[...this.containerHandlers.keys()].join(', ') || 'none'}). ` +
            `To fix this, add harness.ecs.mockContainer('${this.family}', '${invocation.container}', handler), a mockTask handler, or mock.once(answer, { container: '${invocation.container}' }).`,
        );
      }
      const double = doubleId('ecs', this.family);
      const returned = taken ? await runAnswer(taken.answer, [invocation]) : await (handler as EcsHandler)(invocation);
      const value = toResultValue(returned, `ECS task double ${this.family} (container ${invocation.container}${taken ? `, ${taken.source} answer` : ''})`, double);
      // The result (logs included) travels in a results-table item on the aws target: the same limit here, whatever the target.
      checkResultValue(
        value,
        double,
        value.logs?.length
          ? `log less: the container's log lines travel in its result (${value.logs.length} lines here). A real task's log has no such limit in CloudWatch Logs; a double's does.`
          : 'answer with less.',
      );
      record.exitCode = value.exitCode;
      return value;
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      this.errors.push(error);
      record.exitCode = 1;
      record.error = error;
      throw error;
    }
  }
}

function toInvocation(message: InvocationMessage): EcsInvocation {
  const payload = message.payload as EcsInvocationPayload;
  return {
    invocationId: message.invocationId,
    family: payload.family,
    ...(payload.revision !== undefined ? { revision: payload.revision } : {}),
    taskArn: payload.taskArn,
    ...(payload.clusterArn !== undefined ? { clusterArn: payload.clusterArn } : {}),
    container: payload.container,
    command: payload.command ?? [],
    environment: payload.environment ?? {},
    ...(payload.overrides !== undefined ? { overrides: payload.overrides } : {}),
    ...(payload.taskToken !== undefined ? { taskToken: payload.taskToken } : {}),
    ...(payload.startedBy !== undefined ? { startedBy: payload.startedBy } : {}),
    sentAt: new Date(message.sentAt),
  };
}

/** Builds `harness.ecs` for one session. */
export function createEcsMockApi(session: AdapterSession, known: KnownFamilies): EcsMockApi {
  const families = new Map<string, FamilyMock>();

  function checkFamily(family: string, container?: string): void {
    if (known.size === 0) return;
    const containers = known.get(family);
    if (!containers) {
      throw new UnknownEcsDoubleError(
        `'${family}' is not an ECS task double of stack ${session.stackName} (doubles: ${[...known.keys()].join(', ')}). ` +
          `To fix this, add it under adapters.ecs.families in harness.config.json and run \`npx harness deploy --adapters ecs\`.`,
      );
    }
    if (container !== undefined && !containers.includes(container)) {
      throw new UnknownEcsDoubleError(
        `ECS task double ${family} has no container '${container}' (its containers: ${containers.join(', ')}). ` +
          'To fix this, use one of those names, or add the container to the family in harness.config.json and redeploy.',
      );
    }
  }

  /** Finds or creates the family's mock; `configure` runs before its route exists, so no invocation meets a half-set mock. */
  async function familyMock(family: string, configure: (mock: FamilyMock) => void): Promise<FamilyMock> {
    const existing = families.get(family);
    if (existing && !existing.restored) {
      configure(existing);
      return existing;
    }
    const double = doubleId('ecs', family);
    const mock = new FamilyMock(
      family,
      known.get(family),
      async () => {
        families.delete(family);
        await session.unregister(double);
      },
      session,
    );
    configure(mock);
    families.set(family, mock);
    try {
      await session.register(double, (message) => mock.handle(message));
    } catch (error) {
      families.delete(family);
      throw error;
    }
    return mock;
  }

  return {
    async mockTask(family, handler) {
      const call = `harness.ecs.mockTask('${family}', handler)`;
      checkHandler(handler, doubleId('ecs', family), call);
      checkFamily(family);
      return familyMock(family, (mock) => {
        if (mock.taskHandler !== undefined) throw new AlreadyMockedError(doubleId('ecs', family), call, 'mock.replaceHandler(handler)');
        mock.taskHandler = handler;
      });
    },
    async mockContainer(family, container, handler) {
      const call = `harness.ecs.mockContainer('${family}', '${container}', handler)`;
      checkHandler(handler, doubleId('ecs', family), call);
      checkFamily(family, container);
      return familyMock(family, (mock) => {
        if (mock.containerHandlers.has(container)) {
          throw new AlreadyMockedError(`${doubleId('ecs', family)} (container ${container})`, call, `mock.replaceHandler(handler, { container: '${container}' })`);
        }
        mock.containerHandlers.set(container, handler);
      });
    },
    async endpoint(options) {
      const integration = endpointIntegration(session, {
        call: 'harness.ecs.endpoint()',
        onAws: 'your code calls ECS itself (AWS, or an AWS-compatible endpoint through AWS_ENDPOINT_URL_ECS) and RunTask starts the doubles `harness deploy` created',
        integration: 'ECS local integration',
        createWith: "createHarness({ adapters: [ecsAdapter] }) from '@harness/ecs'",
        find: isEcsLocalIntegration,
        error: (_, message) => new EcsLocalIntegrationError(message),
      });
      return integration.endpoint(options);
    },
  };
}

function isEcsLocalIntegration(integration: { readonly name: string }): integration is EcsLocalIntegration {
  return integration.name === 'ecs' && typeof (integration as Partial<EcsLocalIntegration>).endpoint === 'function';
}

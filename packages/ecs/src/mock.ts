import {
  doubleId,
  RecordingMock,
  type AdapterSession,
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
  /** Forgets recorded invocations and errors; the handlers stay. */
  clear(): void;
  /** Stops mocking this family: releases its route so another session may take it. */
  restore(): Promise<void>;
}

/** `harness.ecs`: mocks for ECS task doubles. */
export interface EcsMockApi {
  /**
   * Mocks every container of an ECS task family with one handler.
   *
   * @example
   * const render = await harness.ecs.mockTask('RenderPdf', ({ command }) => (command.includes('--fail') ? 1 : exit(0)));
   */
  mockTask(family: string, handler: EcsHandler): Promise<TaskMock>;
  /**
   * Mocks one container of a family; other containers use the family's
   * `mockTask` handler, if any. Returns the family's mock.
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

class FamilyMock extends RecordingMock<RecordedEcsInvocation> implements TaskMock {
  taskHandler: EcsHandler | undefined;
  readonly containerHandlers = new Map<string, EcsHandler>();

  constructor(
    readonly family: string,
    release: () => Promise<void>,
  ) {
    super(`ECS task double ${family}`, release);
  }

  invocationsOf(container: string): readonly RecordedEcsInvocation[] {
    return this.invocations.filter((invocation) => invocation.container === container);
  }

  async handle(message: InvocationMessage): Promise<unknown> {
    const invocation = toInvocation(message);
    const record: Mutable<RecordedEcsInvocation> = { ...invocation };
    this.log.record(record);
    const handler = this.containerHandlers.get(invocation.container) ?? this.taskHandler;
    try {
      if (!handler) {
        throw new UnknownEcsDoubleError(
          `ECS task double ${this.family} has no handler for container ${invocation.container} ` +
            `(handlers: ${[...this.containerHandlers.keys()].join(', ') || 'none'}). ` +
            `To fix this, add harness.ecs.mockContainer('${this.family}', '${invocation.container}', handler) or a mockTask handler.`,
        );
      }
      const value = toResultValue(await handler(invocation), `ECS task double ${this.family} (container ${invocation.container})`);
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
    const mock = new FamilyMock(family, async () => {
      families.delete(family);
      await session.unregister(double);
    });
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
      checkFamily(family);
      return familyMock(family, (mock) => {
        mock.taskHandler = handler;
      });
    },
    async mockContainer(family, container, handler) {
      checkFamily(family, container);
      return familyMock(family, (mock) => {
        mock.containerHandlers.set(container, handler);
      });
    },
    async endpoint(options) {
      if (session.target !== 'local') {
        throw new EcsLocalIntegrationError(
          `harness.ecs.endpoint() serves the local target only; this session's target is ${session.target}. ` +
            'There, your code calls ECS itself (AWS, or an AWS-compatible endpoint through AWS_ENDPOINT_URL_ECS) and RunTask starts the doubles `harness deploy` created. ' +
            "To fix this, run the test on the local target (createHarness({ target: 'local' }), or HARNESS_TARGET unset), or leave out the endpoint on the aws target.",
        );
      }
      const integration = session.integrations().find(isEcsLocalIntegration);
      if (!integration) {
        throw new EcsLocalIntegrationError(
          "harness.ecs.endpoint() found no ECS local integration in this harness. To fix this, create the harness with createHarness({ adapters: [ecsAdapter] }) from '@harness/ecs'.",
        );
      }
      return integration.endpoint(options);
    },
  };
}

function isEcsLocalIntegration(integration: { readonly name: string }): integration is EcsLocalIntegration {
  return integration.name === 'ecs' && typeof (integration as Partial<EcsLocalIntegration>).endpoint === 'function';
}

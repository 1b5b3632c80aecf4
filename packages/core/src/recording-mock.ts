import { HarnessError } from './errors.js';
import { InvocationLog, type WaitForInvocationOptions } from './invocation-log.js';

/** A record whose fields the mock fills in once the handler has answered. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Any handler function: what a mock calls for one invocation. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- variance: handlers differ in their arguments
export type AnyHandler = (...args: any[]) => unknown;

/**
 * What one invocation of a mock may be answered with besides its handler
 * (`mock.once(answer)`, `mock.onCall(n).answer(answer)`):
 * - a function: called as the mock's handler would be (same arguments), its
 *   result (or throw) is the answer;
 * - an `Error`: the invocation fails as if the handler had thrown it;
 * - anything else: the value the handler would have returned.
 *
 * Typed like the handler's return, so `once(exit(1))` fits an ECS mock and
 * `once({ valid: true })` a `FunctionMock<Event, { valid: boolean }>`.
 */
export type MockAnswer<THandler extends AnyHandler> = THandler | Awaited<ReturnType<THandler>> | Error;

/** What `mock.onCall(n)` returns: `answer(a)` sets the answer of invocation n and returns the mock. */
export interface CallAnswer<TAnswer, TMock> {
  answer(answer: TAnswer): TMock;
}

/** A mock the session can reset: what {@link AdapterSessionMocks.trackMock} takes. */
export interface ResettableMock {
  reset(): void;
}

/** The part of an adapter session that keeps track of its mocks, for `harness.resetMocks()`. */
export interface AdapterSessionMocks {
  /** Adds a mock to what `harness.resetMocks()` resets; returns the function that removes it (called on `restore()`). */
  trackMock?(mock: ResettableMock): () => void;
}

/** `onCall(n)` / `once(answer)` was given something it cannot use: says what, and the fix. */
export class InvalidAnswerError extends HarnessError {}

/** Queued answers of one lane (a whole mock, or one container of an ECS task double). */
interface AnswerLane<TAnswer> {
  readonly queued: TAnswer[];
  readonly byCall: Map<number, TAnswer>;
}

/** Where a queued answer came from and what it is, as the mock takes it for one invocation. */
export interface TakenAnswer<TAnswer> {
  readonly answer: TAnswer;
  /** `once` or `onCall(n)`. */
  readonly source: string;
}

/**
 * The shared part of every adapter's mock: what the double received (recorded
 * as it arrives), the errors its handler threw, a bounded wait, answers in
 * sequence beside the handler, reset and release of the double's route.
 * Adapters add how a handler's answer becomes the double's result.
 *
 * How an invocation is answered: its `onCall(n)` answer if one was set for its
 * index (n counts from 0 over `mock.invocations`, so from the last
 * `clear()`/`reset()`), else the oldest `once` answer still queued, else the
 * mock's handler. Answers are used once; when they are used up the handler
 * answers every invocation again.
 *
 * `clear()` forgets what was recorded; `reset()` also drops the answers still
 * queued (the handler stays); `restore()` stops mocking the double.
 *
 * @typeParam TRecord - what `invocations` holds
 * @typeParam THandler - the handler's type; `once` / `onCall` answers are typed from it
 */
export abstract class RecordingMock<TRecord, THandler extends AnyHandler = AnyHandler> {
  protected readonly log: InvocationLog<TRecord>;
  /** Errors the handler threw (each also reached the double as its failure). */
  readonly errors: Error[] = [];
  private released = false;
  private readonly lanes = new Map<string, AnswerLane<MockAnswer<THandler>>>();
  private readonly untrack: (() => void) | undefined;

  /**
   * @param describe - names the double in timeout messages, e.g. `ECS task double RenderPdf`
   * @param release - gives the double's route back (unregister)
   * @param session - the adapter session: when it tracks mocks, `harness.resetMocks()` resets this one
   */
  protected constructor(
    protected readonly describe: string,
    private readonly release: () => Promise<void>,
    session?: AdapterSessionMocks,
  ) {
    this.log = new InvocationLog(describe);
    this.untrack = session?.trackMock?.(this);
  }

  /** Every invocation so far, oldest first. */
  get invocations(): readonly TRecord[] {
    return this.log.invocations;
  }

  /** Whether {@link restore} was called. */
  get restored(): boolean {
    return this.released;
  }

  /** How many `once` / `onCall` answers are still waiting for their invocation. */
  get pendingAnswers(): number {
    let count = 0;
    for (const lane of this.lanes.values()) count += lane.queued.length + lane.byCall.size;
    return count;
  }

  /** Resolves with the first invocation that matches, or fails after the timeout listing what arrived. */
  waitForInvocation(options?: WaitForInvocationOptions<TRecord>): Promise<TRecord> {
    return this.log.waitForInvocation(options);
  }

  /**
   * Queues an answer for one invocation: the next invocation that has no
   * `onCall(n)` answer takes the oldest queued one. A function is called as the
   * handler would be, an `Error` fails the invocation, any other value is what
   * the handler would have returned. Returns the mock, so calls chain.
   *
   * @example
   * validate.once(() => fail('ServiceUnavailable', 'try again')).once({ valid: true });
   */
  once(answer: MockAnswer<THandler>): this {
    this.queueAnswer('', answer, undefined, 'once(answer)');
    return this;
  }

  /**
   * The answer of the invocation at index `call` (0 for the first, counted
   * over `mock.invocations`, which `clear()` and `reset()` empty). It comes
   * before queued `once` answers; setting it again for the same index replaces it.
   *
   * @example
   * render.onCall(1).answer(exit(1, { logs: ['font missing'] }));
   */
  onCall(call: number): CallAnswer<MockAnswer<THandler>, this> {
    this.checkCall(call, this.invocations.length, 'onCall(n)');
    return {
      answer: (answer) => {
        this.queueAnswer('', answer, call, `onCall(${call}).answer(answer)`);
        return this;
      },
    };
  }

  /** Forgets recorded invocations and errors; the handler and queued answers stay (see {@link reset}). */
  clear(): void {
    this.log.clear();
    this.errors.length = 0;
  }

  /**
   * Forgets recorded invocations and errors, and drops the `once` / `onCall`
   * answers not used yet. The handler stays, and the double stays mocked: the
   * state a mock should be in at the start of each test.
   */
  reset(): void {
    this.clear();
    this.lanes.clear();
  }

  /** Stops mocking: releases the double so another session (or a registered definition) may take it. Safe to call twice. */
  async restore(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.untrack?.();
    await this.release();
  }

  /**
   * Checks an answer when it is queued (an adapter refuses here what the
   * double could not return, so the test fails at its `once` line). Default: any answer.
   *
   * @param where - the call that was given it, e.g. `once(answer)`
   */
  protected checkAnswer(_answer: MockAnswer<THandler>, _where: string, _lane: string): void {}

  /** Queues `answer` in `lane` ('' for the whole mock): for invocation index `call`, or in order when `call` is undefined. */
  protected queueAnswer(lane: string, answer: MockAnswer<THandler>, call: number | undefined, where: string): void {
    if (this.released) {
      throw new InvalidAnswerError(`${this.describe}: ${where} after restore(). To fix this, queue answers before restoring the mock, or mock the double again.`);
    }
    this.checkAnswer(answer, where, lane);
    let queue = this.lanes.get(lane);
    if (!queue) {
      queue = { queued: [], byCall: new Map() };
      this.lanes.set(lane, queue);
    }
    if (call === undefined) queue.queued.push(answer);
    else queue.byCall.set(call, answer);
  }

  /**
   * Takes the answer of the invocation at `index` of `lane`: its `onCall`
   * answer, else the oldest `once` answer; `undefined` when neither is there.
   */
  protected takeAnswer(lane: string, index: number): TakenAnswer<MockAnswer<THandler>> | undefined {
    const queue = this.lanes.get(lane);
    if (!queue) return undefined;
    if (queue.byCall.has(index)) {
      const answer = queue.byCall.get(index) as MockAnswer<THandler>;
      queue.byCall.delete(index);
      return { answer, source: `onCall(${index})` };
    }
    if (queue.queued.length > 0) return { answer: queue.queued.shift() as MockAnswer<THandler>, source: 'once' };
    return undefined;
  }

  /** Checks an `onCall` index: a whole number, not an invocation that already arrived. */
  protected checkCall(call: number, arrived: number, where: string): void {
    if (!Number.isInteger(call) || call < 0) {
      throw new InvalidAnswerError(`${this.describe}: ${where} was given ${String(call)}; it takes the index of an invocation, 0 for the first. To fix this, pass a whole number from 0.`);
    }
    if (call < arrived) {
      throw new InvalidAnswerError(
        `${this.describe}: ${where} was given ${call}, but invocation ${call} has already arrived (${arrived} so far). ` +
          'To fix this, set the answer before the workflow runs, or call mock.reset() first (invocations count again from 0).',
      );
    }
  }
}

/**
 * Runs one answer: a function is called with `args` (as the handler would
 * be), an `Error` is thrown, any other value is returned as it is.
 *
 * @example
 * const value = await runAnswer(answer, [event, context]);
 */
export async function runAnswer(answer: unknown, args: readonly unknown[]): Promise<unknown> {
  if (typeof answer === 'function') return (answer as (...parameters: readonly unknown[]) => unknown)(...args);
  if (answer instanceof Error) throw answer;
  return answer;
}

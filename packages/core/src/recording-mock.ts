import { InvocationLog, type WaitForInvocationOptions } from './invocation-log.js';

/** A record whose fields the mock fills in once the handler has answered. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The shared part of every adapter's mock: what the double received (recorded
 * as it arrives), the errors its handler threw, a bounded wait, and release of
 * the double's route. Adapters add how a handler's answer becomes the double's
 * result.
 */
export abstract class RecordingMock<TRecord> {
  protected readonly log: InvocationLog<TRecord>;
  /** Errors the handler threw (each also reached the double as its failure). */
  readonly errors: Error[] = [];
  private released = false;

  /**
   * @param describe - names the double in timeout messages, e.g. `ECS task double RenderPdf`
   * @param release - gives the double's route back (unregister)
   */
  protected constructor(
    describe: string,
    private readonly release: () => Promise<void>,
  ) {
    this.log = new InvocationLog(describe);
  }

  /** Every invocation so far, oldest first. */
  get invocations(): readonly TRecord[] {
    return this.log.invocations;
  }

  /** Whether {@link restore} was called. */
  get restored(): boolean {
    return this.released;
  }

  /** Resolves with the first invocation that matches, or fails after the timeout listing what arrived. */
  waitForInvocation(options?: WaitForInvocationOptions<TRecord>): Promise<TRecord> {
    return this.log.waitForInvocation(options);
  }

  /** Forgets recorded invocations and errors; the handler stays. */
  clear(): void {
    this.log.clear();
    this.errors.length = 0;
  }

  /** Stops mocking: releases the double so another session (or a registered definition) may take it. Safe to call twice. */
  async restore(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.release();
  }
}

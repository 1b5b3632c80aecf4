import { WaitTimeoutError } from './errors.js';

export interface WaitForInvocationOptions<T> {
  /** Only an invocation this accepts counts. */
  readonly where?: (invocation: T) => boolean;
  /** How long to wait, in milliseconds. Default 30 000. */
  readonly timeoutMs?: number;
}

/**
 * What a double received, in order, with a bounded wait for the next one.
 * Adapters keep one per mock; tests read `invocations` and `waitForInvocation`.
 */
export class InvocationLog<T> {
  private readonly received: T[] = [];
  private readonly waiters = new Set<() => void>();

  /** @param describe - names the double in timeout messages, e.g. `ECS task RenderPdf`. */
  constructor(private readonly describe: string) {}

  /** Every invocation so far, oldest first. */
  get invocations(): readonly T[] {
    return this.received;
  }

  record(invocation: T): void {
    this.received.push(invocation);
    for (const wake of this.waiters) wake();
  }

  /**
   * Resolves with the first invocation (already received or still to come)
   * that `where` accepts. On timeout, the error lists what was received.
   *
   * @example
   * const run = await render.waitForInvocation({ where: (i) => i.container === 'Main', timeoutMs: 5_000 });
   */
  waitForInvocation(options: WaitForInvocationOptions<T> = {}): Promise<T> {
    const accepts = options.where ?? (() => true);
    const timeoutMs = options.timeoutMs ?? 30_000;
    const found = this.received.find(accepts);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const wake = (): void => {
        const match = this.received.find(accepts);
        if (match === undefined) return;
        cleanup();
        resolve(match);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new WaitTimeoutError(
            `${this.describe}: no matching invocation within ${timeoutMs} ms. ` +
              (this.received.length === 0
                ? 'It received none: is the workflow wired to this double, and was it mocked before the workflow started?'
                : `It received ${this.received.length}, none matching:\n${this.received
                    .map((invocation, index) => `  #${index + 1} ${JSON.stringify(invocation)}`)
                    .join('\n')}`),
            this.received.slice(),
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      this.waiters.add(wake);
    });
  }

  /** Forgets what was received (the mock keeps its handler). */
  clear(): void {
    this.received.length = 0;
  }
}

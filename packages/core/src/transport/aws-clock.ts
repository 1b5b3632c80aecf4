/**
 * AWS's clock, as this machine sees it: estimated from the `Date` header of
 * AWS's answers (RFC 7231, whole seconds), so that a route's `expiresAt` is
 * written and read on one clock, whatever this machine's says.
 *
 * Each answer bounds the offset (AWS − local): the server's time was at
 * least `Date` when the answer left (so offset ≥ Date − receivedAt) and less
 * than `Date` + 1 s when the request arrived (offset < Date + 1000 − sentAt).
 * The bounds of every answer are intersected; a sample outside them (this
 * machine's clock was set, or AWS's endpoint changed) starts over from it.
 */
export class AwsClock {
  private low = -Infinity;
  private high = Infinity;

  /** @param localNow This machine's clock in epoch ms (tests skew it). */
  constructor(private readonly localNow: () => number = Date.now) {}

  /** Records an answer's `Date` header; `sentAt` / `receivedAt` on {@link localNow}'s clock. */
  observe(date: string | null | undefined, sentAt: number, receivedAt: number): void {
    const server = date ? Date.parse(date) : NaN;
    if (!Number.isFinite(server)) return;
    const low = server - receivedAt;
    const high = server + 1_000 - sentAt;
    if (low > this.high || high < this.low) {
      this.low = low;
      this.high = high;
      return;
    }
    this.low = Math.max(this.low, low);
    this.high = Math.min(this.high, high);
  }

  /** Whether an answer with a `Date` has been seen. */
  get calibrated(): boolean {
    return Number.isFinite(this.low);
  }

  /** AWS minus this machine, in ms: 0 until calibrated. */
  get offsetMs(): number {
    return this.calibrated ? Math.round((this.low + this.high) / 2) : 0;
  }

  /** AWS's time now, in epoch ms (this machine's, until an answer has been seen). */
  now(): number {
    return this.localNow() + this.offsetMs;
  }

  /** This machine's clock, as given. */
  local(): number {
    return this.localNow();
  }
}

/** The part of an AWS SDK v3 client the clock hooks into. */
export interface MiddlewareClient {
  readonly middlewareStack: {
    add(middleware: unknown, options: { step: 'deserialize'; name: string }): void;
  };
}

type Observer = (date: string | undefined, sentAt: number, receivedAt: number) => void;
const observers = new WeakMap<object, Set<Observer>>();

/**
 * Feeds the `Date` header of every answer `client` gets to `clock` (a
 * deserialize-step middleware, added once per client; a client given by the
 * user keeps working as before). Returns the function that stops it.
 */
export function observeAwsClock(client: MiddlewareClient, clock: AwsClock): () => void {
  let set = observers.get(client);
  if (!set) {
    const created = new Set<Observer>();
    set = created;
    observers.set(client, created);
    const middleware =
      (next: (args: unknown) => Promise<{ response?: unknown }>) =>
      async (args: unknown): Promise<{ response?: unknown }> => {
        const sentAt = Date.now();
        const result = await next(args);
        const headers = (result.response as { headers?: Record<string, string | undefined> } | undefined)?.headers;
        const date = headers?.date ?? headers?.Date;
        const receivedAt = Date.now();
        for (const observer of created) observer(date, sentAt, receivedAt);
        return result;
      };
    client.middlewareStack.add(middleware, { step: 'deserialize', name: 'harnessAwsClock' });
  }
  // The middleware measures on the real clock; the clock's own (possibly skewed) one is what it keeps.
  const observer: Observer = (date, sentAt, receivedAt) => {
    const shift = clock.local() - Date.now();
    clock.observe(date, sentAt + shift, receivedAt + shift);
  };
  set.add(observer);
  return () => set.delete(observer);
}

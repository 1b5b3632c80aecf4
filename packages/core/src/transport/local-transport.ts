import type { Dispatch, DroppedMessage, SessionTransport } from './transport.js';

/**
 * The local target's transport: doubles reach the session's dispatch
 * directly (through the adapters' local integrations), so there is no queue
 * to listen on and a route is the handler itself.
 */
export class LocalTransport implements SessionTransport {
  readonly dropped: readonly DroppedMessage[] = [];

  async start(_dispatch: Dispatch): Promise<void> {}

  async claimRoute(_double: string): Promise<void> {}

  async releaseRoute(_double: string): Promise<void> {}

  async stop(): Promise<void> {}

  async close(): Promise<void> {}
}

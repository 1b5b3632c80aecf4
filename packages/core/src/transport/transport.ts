import type { InvocationMessage, InvocationResult } from '../protocol.js';

/** Answers one invocation: the session's dispatch, as a transport sees it. */
export type Dispatch = (message: InvocationMessage) => Promise<InvocationResult>;

/** A message the listener received but did not hand to a handler, and why. */
export interface DroppedMessage {
  readonly reason: string;
  readonly body: string;
  readonly receivedAt: Date;
}

/**
 * How a session receives invocations and answers them. The aws transport
 * carries them over SQS and DynamoDB; other targets bring their own.
 */
export interface SessionTransport {
  /** Prepares the session's own resources (its queue) and starts listening. */
  start(dispatch: Dispatch): Promise<void>;
  /** Takes the route of a double for this session, waiting for another live holder. */
  claimRoute(double: string): Promise<void>;
  releaseRoute(double: string): Promise<void>;
  /** Stops receiving: once it resolves, no new invocation reaches dispatch. Routes stay. Safe to call twice. */
  stop(): Promise<void>;
  /**
   * Stops receiving, writes the answers already given, releases routes, removes the session's resources.
   * It does not wait for handlers still running: the session waits for them (bounded by `closeTimeoutMs`)
   * between `stop()` and `close()`.
   */
  close(): Promise<void>;
  /** Messages received but not dispatched (from other sessions, malformed…), for diagnosis. */
  readonly dropped: readonly DroppedMessage[];
}

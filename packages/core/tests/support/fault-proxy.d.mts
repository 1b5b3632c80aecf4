export type FaultKind = 'lose-response' | 'reset-after' | 'reset-before' | 'error-500' | 'throttle' | 'delay';
export declare const FAULT_KINDS: readonly FaultKind[];
export declare function seededRandom(seed: number): () => number;
export interface FaultProxy {
  readonly url: string;
  decide: (operation: string, index: number) => FaultKind | undefined;
  delayMs: number;
  readonly counts: Record<string, number>;
  readonly calls: Record<string, number>;
  close(): Promise<void>;
}
export declare function startFaultProxy(
  upstream: string,
  options?: { decide?: (operation: string, index: number) => FaultKind | undefined; delayMs?: number },
): Promise<FaultProxy>;

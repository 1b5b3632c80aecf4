import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { Writable } from 'node:stream';
import { constants as vmConstants } from 'node:vm';
import { warmStartScript } from '@harness/container-agent';

/** The environment variable that sets the size of the local ECS runner's warm process pool (`0`: off). */
export const WARM_PROCESSES_VARIABLE = 'HARNESS_ECS_WARM_PROCESSES';

/** The most processes a pool keeps waiting, whatever is asked: each idle one holds ~40 MB. */
export const MAX_WARM_PROCESSES = 16;

/** What a pool has done so far. */
export interface WarmProcessPoolStats {
  /** How many processes it keeps waiting. */
  readonly size: number;
  /** Processes waiting for a task now. */
  readonly idle: number;
  /** Processes started so far (each serves at most one task). */
  readonly started: number;
  /** Tasks handed to a waiting process. */
  readonly handedOver: number;
  /** Tasks that found the pool empty, or were not of a kind a pool process can take, and were started fresh. */
  readonly startedFresh: number;
}

/**
 * `node` processes started ahead of their tasks, for {@link runTaskLocally}.
 * Each has booted with an empty environment and waits on a pipe; a task's
 * container whose entry point is `node -e <script>` is handed to one (its
 * whole environment, its arguments), which becomes that container and exits
 * with it. One process serves one task; the pool starts another in the
 * background. Anything a pool process cannot take as it would start (another
 * program, node options, variables node reads at start-up: `NODE_*`, `UV_*`,
 * `OPENSSL_*`, `SSL_CERT_*`, `LANG`, `LC_*`), or a task that finds the pool
 * empty, starts a fresh process as before.
 */
export interface WarmProcessPool {
  readonly stats: WarmProcessPoolStats;
  /** The process IDs of the processes waiting now. */
  readonly idlePids: readonly number[];
  /**
   * Hands a container to a waiting process, when one is there and the
   * container can be handed over (see {@link handoverArgs}): the process,
   * now the container's, with its stdout and stderr piped. Undefined
   * otherwise: start a fresh process.
   */
  take(program: string, args: readonly string[], env: Readonly<Record<string, string>>): ChildProcess | undefined;
  /** Ends every waiting process (end of file on its pipe, SIGKILL after 2 s) and starts no more. Tasks already handed over run on. */
  close(): Promise<void>;
  readonly closed: boolean;
}

export interface WarmProcessPoolOptions {
  /** How many processes to keep waiting. Default {@link defaultWarmProcesses}; at most {@link MAX_WARM_PROCESSES}. */
  readonly size?: number;
}

/**
 * The default pool size: the `HARNESS_ECS_WARM_PROCESSES` environment
 * variable when set (a whole number, `0` for no pool), else the number of
 * CPUs, from 2 to 8.
 *
 * @throws {Error} when the variable is set to anything but a whole number from 0 to {@link MAX_WARM_PROCESSES}.
 */
export function defaultWarmProcesses(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[WARM_PROCESSES_VARIABLE];
  if (raw === undefined || raw.trim() === '') return Math.min(8, Math.max(2, availableParallelism()));
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 0 || size > MAX_WARM_PROCESSES) {
    throw new Error(
      `${WARM_PROCESSES_VARIABLE} is '${raw}': it must be a whole number from 0 (no pool: a node process started per task) to ${MAX_WARM_PROCESSES}. To fix this, set it to one or unset it.`,
    );
  }
  return size;
}

/** Whether this Node.js can run a handed-over `-e` script with `import()` (Node.js ≥ 20.12). */
export const warmStartSupported: boolean = Boolean((vmConstants as unknown as Record<string, unknown> | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER);

// Variables node (or libuv, OpenSSL, ICU) reads while it starts: a process that started without them cannot take them on.
const STARTUP_VARIABLES = /^(NODE_|UV_|OPENSSL_|SSL_CERT_|LC_)|^(LANG|LANGUAGE|TZDIR|ICU_DATA)$/;

/**
 * The arguments of a container a pool process can become: `node -e <script>`,
 * then `--` and anything, or arguments that node would not read as its own
 * options. Undefined when it cannot be handed over.
 */
export function handoverArgs(program: string, args: readonly string[], env: Readonly<Record<string, string>>): readonly string[] | undefined {
  if (program !== 'node') return undefined;
  const [flag, script, ...rest] = args;
  if ((flag !== '-e' && flag !== '--eval') || script === undefined) return undefined;
  if (rest[0] !== '--' && rest.some((arg) => arg.startsWith('-'))) return undefined;
  if (Object.keys(env).some((name) => STARTUP_VARIABLES.test(name))) return undefined;
  return args;
}

interface Waiting {
  readonly child: ChildProcess;
  readonly cwd: string;
}

/**
 * Starts a pool of processes waiting for tasks. Close it when done
 * ({@link WarmProcessPool.close}); its processes also exit on their own
 * when this process exits (their pipe ends), and do not keep it alive.
 *
 * @example
 * const pool = createWarmProcessPool({ size: 4 });
 * const result = await runTaskLocally({ taskDefinition, credentials, pool });
 * await pool.close();
 */
export function createWarmProcessPool(options: WarmProcessPoolOptions = {}): WarmProcessPool {
  const size = Math.max(0, Math.min(MAX_WARM_PROCESSES, Math.floor(options.size ?? defaultWarmProcesses())));
  const waiting: Waiting[] = [];
  const ending = new Set<Promise<void>>();
  let started = 0;
  let handedOver = 0;
  let startedFresh = 0;
  let closed = false;
  let refilling = false;
  const script = size > 0 && warmStartSupported ? warmStartScript() : undefined;

  function startWaiting(): void {
    if (!script) return;
    const child = spawn(process.execPath, ['-e', script], { env: {}, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    started++;
    const entry: Waiting = { child, cwd: process.cwd() };
    // A waiting process keeps nothing alive here: should this process end, its pipe ends and it exits.
    child.unref();
    for (const stream of [child.stdout, child.stderr, child.stdio[3]]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
    child.stdio[3]?.on('error', () => {});
    child.once('error', () => drop(entry));
    child.once('exit', () => drop(entry));
    waiting.push(entry);
  }

  function drop(entry: Waiting): void {
    const index = waiting.indexOf(entry);
    if (index >= 0) waiting.splice(index, 1);
  }

  function refill(): void {
    if (refilling || closed) return;
    refilling = true;
    // After the task at hand has started: the refill is background work.
    setImmediate(() => {
      refilling = false;
      while (!closed && waiting.length < size) startWaiting();
    });
  }

  function takeWaiting(): Waiting | undefined {
    const cwd = process.cwd();
    while (waiting.length > 0) {
      const entry = waiting.shift() as Waiting;
      const { child } = entry;
      if (child.exitCode === null && child.signalCode === null && entry.cwd === cwd) return entry;
      endWaiting(entry);
    }
    return undefined;
  }

  function endWaiting(entry: Waiting): void {
    const { child } = entry;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const ended = new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    ending.add(ended);
    void ended.then(() => ending.delete(ended));
    // End of file with nothing on it: the process exits 0.
    (child.stdio[3] as Writable | null)?.end();
  }

  if (script) for (let index = 0; index < size; index++) startWaiting();

  return {
    get stats() {
      return { size: script ? size : 0, idle: waiting.length, started, handedOver, startedFresh };
    },
    get idlePids() {
      return waiting.map((entry) => entry.child.pid).filter((pid): pid is number => pid !== undefined);
    },
    get closed() {
      return closed;
    },
    take(program, args, env) {
      const handover = closed ? undefined : handoverArgs(program, args, env);
      const entry = handover ? takeWaiting() : undefined;
      if (handover) refill();
      if (!entry || !handover) {
        startedFresh++;
        return undefined;
      }
      handedOver++;
      const { child } = entry;
      // From now on it is the task's process: it keeps this one alive, as a fresh one would.
      child.ref();
      for (const stream of [child.stdout, child.stderr]) (stream as unknown as { ref?: () => void } | null)?.ref?.();
      (child.stdio[3] as Writable).end(JSON.stringify({ args: handover, env }));
      return child;
    },
    async close() {
      closed = true;
      for (const entry of waiting.splice(0)) endWaiting(entry);
      await Promise.all(ending);
    },
  };
}

// ----- the pool the harness's sessions share -----

let shared: { pool: WarmProcessPool; leases: number } | undefined;

/**
 * A lease on the process-wide pool that {@link runTaskLocally} uses when it
 * is given none: started by the first lease (its size decided then, by
 * `size` or {@link defaultWarmProcesses}), closed when the last lease is
 * released. The local ECS integration holds one while its harness is open.
 * Release it once; it resolves when the pool's waiting processes have ended
 * (at once when other leases remain).
 */
export function leaseSharedWarmProcessPool(size?: number): () => Promise<void> {
  if (!shared) {
    const pool = createWarmProcessPool(size === undefined ? {} : { size });
    shared = { pool, leases: 0 };
  }
  const lease = shared;
  lease.leases++;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    lease.leases--;
    if (lease.leases > 0) return;
    if (shared === lease) shared = undefined;
    await lease.pool.close();
  };
}

/** The pool leased with {@link leaseSharedWarmProcessPool}, while someone holds a lease. */
export function sharedWarmProcessPool(): WarmProcessPool | undefined {
  return shared?.pool;
}

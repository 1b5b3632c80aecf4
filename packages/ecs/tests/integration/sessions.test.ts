import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { uniqueName } from '@harness/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deployWithCli, MotoEcs } from './support.js';

interface WorkerEvent {
  readonly worker: string;
  readonly event: string;
  readonly at: number;
  readonly session?: string;
  readonly family?: string;
  readonly taskArn?: string;
}

/** A session-worker child process, with its events and a bounded wait for one. */
class Worker {
  readonly events: WorkerEvent[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private stderr = '';

  constructor(name: string, configPath: string, family: string, exitCode: number) {
    this.child = spawn(process.execPath, [new URL('./fixtures/session-worker.mjs', import.meta.url).pathname], {
      env: { ...process.env, HARNESS_CONFIG: configPath, WORKER_FAMILY: family, WORKER_EXIT_CODE: String(exitCode), WORKER_NAME: name },
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (line.startsWith('{')) this.events.push(JSON.parse(line) as WorkerEvent);
    });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  async waitFor(event: string, timeoutMs = 30_000): Promise<WorkerEvent> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.events.find((candidate) => candidate.event === event);
      if (found) return found;
      if (this.child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`worker never said '${event}' within ${timeoutMs} ms; it said ${JSON.stringify(this.events)}; stderr: ${this.stderr}`);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.stdin.write('close\n');
    await this.waitFor('closed');
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

const stack = uniqueName('hx');
let configPath: string;
let ecs: MotoEcs;
const workers: Worker[] = [];

beforeAll(async () => {
  configPath = await deployWithCli(stack, {
    ecs: { families: { Alpha: { containers: ['Main'] }, Beta: { containers: ['Main'] } } },
  });
  ecs = new MotoEcs(stack);
});

afterEach(() => {
  for (const worker of workers.splice(0)) worker.kill();
});

describe('Sessions in separate processes against one stack', () => {
  it('run concurrently with no cross-talk when they mock different families', async () => {
    // Arrange
    const alpha = new Worker('alpha', configPath, 'Alpha', 11);
    const beta = new Worker('beta', configPath, 'Beta', 22);
    workers.push(alpha, beta);
    await Promise.all([alpha.waitFor('ready'), beta.waitFor('ready')]);

    // Act: five runs of each family at once.
    const runs = await Promise.all([
      ...Array.from({ length: 5 }, () => ecs.runTask('Alpha')),
      ...Array.from({ length: 5 }, () => ecs.runTask('Beta')),
    ]);
    await Promise.all([alpha.close(), beta.close()]);

    // Assert
    const exitCodes = runs.map((run) => [run.family, run.containers[0]?.exitCode]);
    expect(exitCodes).toEqual([...Array(5).fill(['Alpha', 11]), ...Array(5).fill(['Beta', 22])]);
    const seen = (worker: Worker) => worker.events.filter((event) => event.event === 'invocation');
    expect(seen(alpha).map((event) => event.family)).toEqual(Array(5).fill('Alpha'));
    expect(seen(beta).map((event) => event.family)).toEqual(Array(5).fill('Beta'));
    expect(new Set(seen(alpha).map((event) => event.taskArn))).toEqual(new Set(runs.slice(0, 5).map((run) => run.taskArn)));
  });

  it('take turns when they mock the same family: the second waits for the first to close', async () => {
    const first = new Worker('first', configPath, 'Alpha', 11);
    workers.push(first);
    await first.waitFor('ready');
    const second = new Worker('second', configPath, 'Alpha', 22);
    workers.push(second);
    await second.waitFor('started');

    const whileFirstHolds = await ecs.runTask('Alpha');
    const secondReadyEarly = second.events.some((event) => event.event === 'ready');
    const closeRequestedAt = Date.now();
    await first.close();
    const secondReady = await second.waitFor('ready');
    const afterHandOver = await ecs.runTask('Alpha');
    await second.close();

    expect(whileFirstHolds.containers[0]?.exitCode).toBe(11);
    expect(secondReadyEarly).toBe(false);
    expect(secondReady.at).toBeGreaterThanOrEqual(closeRequestedAt);
    expect(afterHandOver.containers[0]?.exitCode).toBe(22);
    expect(first.events.filter((event) => event.event === 'invocation')).toHaveLength(1);
    expect(second.events.filter((event) => event.event === 'invocation')).toHaveLength(1);
  });
});

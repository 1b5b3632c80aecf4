import { EC2Client } from '@aws-sdk/client-ec2';
import { createTaskNetwork, useStepFunctionsEngine, type TaskNetwork } from './account.js';
import { motoEnvironment, startMotoServer, type MotoServer, type StartMotoServerOptions } from './server.js';

/** A moto server ready for harness's aws target. */
export interface MotoTarget {
  readonly server: MotoServer;
  readonly endpoint: string;
  /** What was put in `process.env` (and what a child process needs to reach moto). */
  readonly environment: Readonly<Record<string, string>>;
  /** A subnet and security group for RunTask's `awsvpcConfiguration`. */
  readonly network: TaskNetwork;
  /** Stops the server and puts `process.env` back as it was. */
  stop(): Promise<void>;
}

export interface StartMotoTargetOptions extends StartMotoServerOptions {
  /** Default `us-east-1`. */
  readonly region?: string;
  /** Run state machines' ASL on moto's Step Functions engine (else moto's executions are canned). Default true. */
  readonly stepFunctionsEngine?: boolean;
}

/**
 * Everything harness's aws target needs from moto, in one call (for a vitest `globalSetup`): starts moto with
 * harness's fixes (installing it on first use), points this process's AWS SDK at it (`AWS_ENDPOINT_URL`, region,
 * moto's dummy credentials; processes started afterwards inherit them), turns on moto's Step Functions engine,
 * and creates a subnet for RunTask.
 *
 * @example
 * const moto = await startMotoTarget();
 * // npx harness deploy, your workflow's stack, startTaskExecutor({ cluster }) …
 * await moto.stop();
 */
export async function startMotoTarget(options: StartMotoTargetOptions = {}): Promise<MotoTarget> {
  const server = await startMotoServer(options);
  const environment = motoEnvironment(server.endpoint, options.region);
  const previous = Object.fromEntries(['AWS_PROFILE', ...Object.keys(environment)].map((key) => [key, process.env[key]]));
  Object.assign(process.env, environment);
  // A profile would take precedence over moto's dummy keys in some SDK paths.
  delete process.env.AWS_PROFILE;
  const restoreEnv = (): void => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  try {
    if (options.stepFunctionsEngine !== false) await useStepFunctionsEngine(server.endpoint);
    const ec2 = new EC2Client({ endpoint: server.endpoint, region: environment.AWS_REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const network = await createTaskNetwork(ec2).finally(() => ec2.destroy());
    let stopped = false;
    return {
      server,
      endpoint: server.endpoint,
      environment,
      network,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        restoreEnv();
        await server.stop();
      },
    };
  } catch (error) {
    restoreEnv();
    await server.stop();
    throw error;
  }
}

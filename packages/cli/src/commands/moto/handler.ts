import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdapterNotFoundError, HarnessError, resolveAdapterModule } from '@harness/core';
import { HARNESS_COMMAND } from '../../constants.js';
import { UsageError } from '../../errors.js';
import type { CliRuntime } from '../../runtime.js';
import type { MotoInstallArgs, MotoStartArgs } from './command-object.js';

type MotoModule = typeof import('@harness/moto');

/** The moto server `harness moto start` keeps running ended without being asked to. */
export class MotoServerExitedError extends HarnessError {}

/** @harness/moto as the project has it (else beside the CLI): an optional peer, loaded when a moto command runs. */
async function loadMoto(runtime: CliRuntime): Promise<MotoModule> {
  try {
    const { url } = resolveAdapterModule('@harness/moto', { from: [runtime.cwd, dirname(fileURLToPath(import.meta.url))] });
    return (await import(url)) as MotoModule;
  } catch (error) {
    if (error instanceof AdapterNotFoundError) {
      throw new UsageError(`\`${HARNESS_COMMAND} moto\` runs moto server from the package @harness/moto, which this project does not have. To fix this, run \`npm i -D @harness/moto\`.`);
    }
    throw error;
  }
}

export async function motoInstallHandler(args: MotoInstallArgs, runtime: CliRuntime): Promise<void> {
  const moto = await loadMoto(runtime);
  const started = Date.now();
  const installation = await moto.installMoto({ force: args.force, onProgress: (line) => runtime.stderr(`${line}\n`) });
  runtime.stdout(
    installation.installed
      ? `✔ moto installed at ${installation.home} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`
      : `✔ moto is installed at ${installation.home} (--force installs it again)\n`,
  );
}

export async function motoStartHandler(args: MotoStartArgs, runtime: CliRuntime): Promise<void> {
  if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65_535) {
    throw new UsageError(`--port ${args.port} is not a TCP port. To fix this, give a whole number from 1 to 65535.`);
  }
  const moto = await loadMoto(runtime);
  const server = await moto.startMotoServer({
    host: args.host,
    port: args.port,
    fixes: args.fixes,
    onProgress: (line) => runtime.stderr(`${line}\n`),
  });
  try {
    await serve(server, moto, args, runtime);
  } finally {
    runtime.stderr('Stopping moto server…\n');
    await server.stop();
  }
}

async function serve(server: Awaited<ReturnType<MotoModule['startMotoServer']>>, moto: MotoModule, args: MotoStartArgs, runtime: CliRuntime): Promise<void> {
  if (args.stepFunctionsEngine) await moto.useStepFunctionsEngine(server.endpoint);
  const environment = moto.motoEnvironment(server.endpoint);
  runtime.stderr(
    `✔ moto server${args.fixes ? " with harness's fixes" : ''} on ${server.endpoint}${args.stepFunctionsEngine ? ", Step Functions engine on" : ''}. Stop it with Ctrl-C.\n` +
      'In the shell that runs your tests (or your vitest globalSetup):\n',
  );
  runtime.stdout(`export ${Object.entries(environment).map(([key, value]) => `${key}=${value}`).join(' ')}\n`);
  let onSignal: () => void = () => {};
  const signalled = new Promise<'signal'>((resolve) => {
    onSignal = () => resolve('signal');
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  const outcome = await Promise.race([signalled, server.exited]);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (outcome !== 'signal') {
    throw new MotoServerExitedError(
      `moto server on ${server.endpoint} stopped by itself (${outcome.how}). Its last output:\n${outcome.stderr.trim() || '(none)'}\nTo fix this, see the output above, then run \`${HARNESS_COMMAND} moto start\` again.`,
    );
  }
}

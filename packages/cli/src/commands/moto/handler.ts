import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdapterNotFoundError, resolveAdapterModule } from '@harness/core';
import { HARNESS_COMMAND } from '../../constants.js';
import { UsageError } from '../../errors.js';
import type { CliRuntime } from '../../runtime.js';
import type { MotoInstallArgs, MotoStartArgs } from './command-object.js';

type MotoModule = typeof import('@harness/moto');

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
  if (args.stepFunctionsEngine) await moto.useStepFunctionsEngine(server.endpoint);
  const environment = moto.motoEnvironment(server.endpoint);
  runtime.stderr(
    `✔ moto server${args.fixes ? " with harness's fixes" : ''} on ${server.endpoint}${args.stepFunctionsEngine ? ", Step Functions engine on" : ''}. Stop it with Ctrl-C.\n` +
      'In the shell that runs your tests (or your vitest globalSetup):\n',
  );
  runtime.stdout(`export ${Object.entries(environment).map(([key, value]) => `${key}=${value}`).join(' ')}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  runtime.stderr('Stopping moto server…\n');
  await server.stop();
}

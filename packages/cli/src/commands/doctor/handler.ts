import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { adapterStackName, coreStackName, type HarnessConfig } from '@harness/core';
import { createAwsClients, destroyAwsClients, resolveRegion } from '../../aws/clients.js';
import { describeStack } from '../../aws/stacks.js';
import { MARK, writeJson } from '../../output.js';
import type { CliRuntime } from '../../runtime.js';
import { loadAdapters, resolveSettings, type CommandSettings } from '../../settings.js';
import type { DoctorArgs } from './command-object.js';

/** One line of `harness doctor`. */
export interface DoctorCheck {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
  /** What to do about it, when not ok. */
  readonly fix?: string;
}

const SERVICE_ENDPOINTS = ['AWS_ENDPOINT_URL_CLOUDFORMATION', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_SQS', 'AWS_ENDPOINT_URL_DYNAMODB'];

/** Runs every check it can (one failing does not hide the others) and exits 1 when any failed. */
export async function doctorHandler(args: DoctorArgs, runtime: CliRuntime): Promise<void> {
  const checks: DoctorCheck[] = [];
  const add = (check: DoctorCheck) => {
    checks.push(check);
    if (!args.json) runtime.stdout(`${formatCheck(check)}\n`);
  };

  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const nodeOk = major > 20 || (major === 20 && minor >= 19);
  add({
    check: 'node',
    ok: nodeOk,
    detail: `Node.js ${process.versions.node}`,
    ...(nodeOk ? {} : { fix: 'install Node.js 20.19 or later' }),
  });

  let settings: CommandSettings | undefined;
  try {
    settings = await resolveSettings(args, runtime);
    add({ check: 'config', ok: true, detail: `${settings.configPath}: stack ${settings.stack}, adapters ${adapterList(settings.config)}` });
  } catch (error) {
    const [detail, fix] = splitFix((error as Error).message);
    add({ check: 'config', ok: false, detail, fix: fix ?? 'correct the config file' });
  }

  if (settings) {
    for (const name of Object.keys(settings.config?.adapters ?? {})) {
      try {
        await loadAdapters([name], settings);
        add({ check: `adapter ${name}`, ok: true, detail: `@harness/${name} is installed and its config is valid` });
      } catch (error) {
        const [detail, fix] = splitFix((error as Error).message);
        add({ check: `adapter ${name}`, ok: false, detail, fix: fix ?? `install @harness/${name}` });
      }
    }
  }

  const endpoint = runtime.env.AWS_ENDPOINT_URL;
  const serviceEndpoints = SERVICE_ENDPOINTS.filter((name) => runtime.env[name]).map((name) => `${name}=${runtime.env[name]}`);
  add({
    check: 'endpoint',
    ok: true,
    detail: endpoint || serviceEndpoints.length
      ? `custom endpoint: ${[...(endpoint ? [`AWS_ENDPOINT_URL=${endpoint}`] : []), ...serviceEndpoints].join(', ')}`
      : 'AWS (no AWS_ENDPOINT_URL)',
  });

  const clients = createAwsClients({ region: settings?.region ?? args.region, env: runtime.env });
  try {
    let region: string | undefined;
    try {
      region = await resolveRegion(clients);
      const source = args.region ? '--region' : settings?.config?.region ? 'harness.config.json' : runtime.env.AWS_REGION ? 'AWS_REGION' : 'AWS profile';
      add({ check: 'region', ok: true, detail: `${region} (from ${source})` });
    } catch (error) {
      const [detail, fix] = splitFix((error as Error).message);
      add({ check: 'region', ok: false, detail, fix: fix ?? 'set AWS_REGION' });
    }

    let credentialsOk = false;
    if (region) {
      try {
        const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
        credentialsOk = true;
        add({ check: 'credentials', ok: true, detail: `account ${identity.Account}, ${identity.Arn}` });
      } catch (error) {
        add({
          check: 'credentials',
          ok: false,
          detail: `sts:GetCallerIdentity failed: ${(error as Error).message}`,
          fix: endpoint
            ? `check that ${endpoint} is up and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are set (any value works for moto)`
            : 'configure credentials: `aws configure`, `aws sso login`, AWS_PROFILE, or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY',
        });
      }
    }

    if (settings && credentialsOk) {
      const stackNames = [
        coreStackName(settings.stack),
        ...Object.keys(settings.config?.adapters ?? {}).map((name) => adapterStackName(settings.stack, name)),
      ];
      for (const stackName of stackNames) {
        try {
          const stack = await describeStack(clients.cloudFormation, stackName);
          const status = stack?.StackStatus;
          const healthy = status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE';
          add({
            check: `stack ${stackName}`,
            ok: healthy,
            detail: status ?? 'not deployed',
            ...(healthy
              ? {}
              : {
                  fix: status?.endsWith('_IN_PROGRESS')
                    ? 'wait for the operation to finish, then run `harness doctor` again'
                    : 'run `harness deploy` (it replaces a failed stack and updates a rolled-back one)',
                }),
          });
        } catch (error) {
          add({ check: `stack ${stackName}`, ok: false, detail: (error as Error).message, fix: 'check cloudformation:DescribeStacks permission' });
        }
      }
    }
  } finally {
    destroyAwsClients(clients);
  }

  const ok = checks.every((check) => check.ok);
  if (args.json) writeJson(runtime, { ok, checks });
  if (!ok) runtime.exitCode = Math.max(runtime.exitCode, 1);
}

export function formatCheck(check: DoctorCheck): string {
  const line = `${check.ok ? MARK.ok : MARK.fail} ${check.check}: ${check.detail}`;
  return check.ok || !check.fix ? line : `${line}\n    To fix this, ${check.fix.replace(/\.$/, '')}.`;
}

function adapterList(config: HarnessConfig | undefined): string {
  const names = Object.keys(config?.adapters ?? {});
  return names.length ? names.join(', ') : 'none';
}

function splitFix(message: string): [string, string | undefined] {
  const at = message.indexOf(' To fix this, ');
  return at < 0 ? [message, undefined] : [message.slice(0, at), message.slice(at + ' To fix this, '.length)];
}

import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { adapterStackName, coreStackName, type HarnessConfig, type ResolvedAdapterModule } from '@harness/core';
import { createAwsClients, destroyAwsClients, resolveRegion } from '../../aws/clients.js';
import { credentialsFix, describeAwsFailure, type AwsFailure } from '../../aws/failures.js';
import { describeStack, isUsableStatus, stackStatusFix } from '../../aws/stacks.js';
import { HARNESS_COMMAND } from '../../constants.js';
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
        const [loaded] = await loadAdapters([name], settings);
        add({ check: `adapter ${name}`, ok: true, detail: `${describeModule(loaded?.module)} and its config is valid` });
      } catch (error) {
        const [detail, fix] = splitFix((error as Error).message);
        // Never a made-up `npm i -D @harness/<name>`: the loader's own fix knows whether that package exists.
        add({ check: `adapter ${name}`, ok: false, detail, fix: fix ?? `correct adapters.${name} in ${settings.configPath}` });
      }
    }
  }

  const endpoint = runtime.env.AWS_ENDPOINT_URL;
  const serviceEndpoints = SERVICE_ENDPOINTS.filter((name) => runtime.env[name]).map((name) => `${name}=${runtime.env[name]}`);
  const endpointDetail =
    endpoint || serviceEndpoints.length
      ? `custom endpoint: ${[...(endpoint ? [`AWS_ENDPOINT_URL=${endpoint}`] : []), ...serviceEndpoints].join(', ')}`
      : 'AWS (no AWS_ENDPOINT_URL)';

  const clients = createAwsClients({ region: settings?.region ?? args.region, env: runtime.env });
  try {
    let region: string | undefined;
    let regionProblem: [string, string | undefined] | undefined;
    try {
      region = await resolveRegion(clients);
    } catch (error) {
      regionProblem = splitFix((error as Error).message);
    }

    // The first call tells whether the endpoint is reachable at all, so it runs before the endpoint line is printed.
    let identity: { Account?: string; Arn?: string } | undefined;
    let failure: AwsFailure | undefined;
    if (region) {
      try {
        identity = await clients.sts.send(new GetCallerIdentityCommand({}));
      } catch (error) {
        failure = describeAwsFailure(error, runtime.env) ?? {
          kind: 'unanswered',
          summary: (error as Error).message,
          fix: credentialsFix(runtime.env),
        };
      }
    }

    const unreachable = failure?.kind === 'connection' || failure?.kind === 'dns';
    add(unreachable && failure ? { check: 'endpoint', ok: false, detail: failure.summary, fix: failure.fix } : { check: 'endpoint', ok: true, detail: endpointDetail });

    if (regionProblem) {
      add({ check: 'region', ok: false, detail: regionProblem[0], fix: regionProblem[1] ?? 'set AWS_REGION' });
    } else if (failure?.kind === 'region') {
      add({ check: 'region', ok: false, detail: failure.summary, fix: failure.fix });
    } else if (region) {
      const source = args.region ? '--region' : settings?.config?.region ? 'harness.config.json' : runtime.env.AWS_REGION ? 'AWS_REGION' : 'AWS profile';
      add({ check: 'region', ok: true, detail: `${region} (from ${source})` });
    }

    if (identity) {
      add({ check: 'credentials', ok: true, detail: `account ${identity.Account}, ${identity.Arn}` });
    } else if (failure && !unreachable && failure.kind !== 'region') {
      add({
        check: 'credentials',
        ok: false,
        detail: failure.kind === 'credentials' ? failure.summary : `sts:GetCallerIdentity: ${failure.summary}`,
        // Refused by the endpoint: the key, token or session is what it did not accept.
        fix: failure.kind === 'refused' || failure.kind === 'unanswered' ? credentialsFix(runtime.env) : failure.fix,
      });
    }

    if (settings && identity) {
      const stackNames = [
        coreStackName(settings.stack),
        ...Object.keys(settings.config?.adapters ?? {}).map((name) => adapterStackName(settings.stack, name)),
      ];
      for (const stackName of stackNames) {
        try {
          const stack = await describeStack(clients.cloudFormation, stackName);
          const status = stack?.StackStatus;
          const healthy = isUsableStatus(status);
          const reason = stack?.StackStatusReason ? ` (${stack.StackStatusReason})` : '';
          add({
            check: `stack ${stackName}`,
            ok: healthy,
            detail: status === undefined || status === 'DELETE_COMPLETE' ? 'not deployed' : `${status}${healthy ? '' : reason}`,
            ...(healthy
              ? {}
              : { fix: status === undefined || status === 'DELETE_COMPLETE' ? `run \`${HARNESS_COMMAND} deploy\`` : stackStatusFix(stackName, status) }),
          });
        } catch (error) {
          const stackFailure = describeAwsFailure(error, runtime.env);
          add({
            check: `stack ${stackName}`,
            ok: false,
            detail: stackFailure?.summary ?? (error as Error).message,
            // Only a refusal that names access is about permissions; a 5xx or a malformed answer is the endpoint's.
            fix: stackFailure?.kind === 'refused' && isAccessDenied(error) ? 'check your cloudformation:DescribeStacks permission' : (stackFailure?.fix ?? 'run the command again'),
          });
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

/** AccessDenied and its kin: the only refusals a permission fixes. */
function isAccessDenied(error: unknown): boolean {
  const { name, $metadata } = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return $metadata?.httpStatusCode === 403 || (typeof name === 'string' && /AccessDenied|NotAuthorized|UnauthorizedOperation/.test(name));
}

export function formatCheck(check: DoctorCheck): string {
  const line = `${check.ok ? MARK.ok : MARK.fail} ${check.check}: ${check.detail}`;
  return check.ok || !check.fix ? line : `${line}\n    To fix this, ${check.fix.replace(/\.$/, '')}.`;
}

/** `@harness/ecs is installed`, `./adapters/queue (/p/adapters/queue/index.js) loads`. */
function describeModule(module: ResolvedAdapterModule | undefined): string {
  if (!module) return 'it is registered';
  return module.kind === 'package' ? `${module.specifier} is installed` : `${module.specifier} (${module.file}) loads`;
}

function adapterList(config: HarnessConfig | undefined): string {
  const names = Object.keys(config?.adapters ?? {});
  return names.length ? names.join(', ') : 'none';
}

function splitFix(message: string): [string, string | undefined] {
  const at = message.indexOf(' To fix this, ');
  return at < 0 ? [message, undefined] : [message.slice(0, at), message.slice(at + ' To fix this, '.length)];
}

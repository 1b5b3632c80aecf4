import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';

function endpointOf(endpoint: string | undefined): string {
  const chosen = endpoint ?? process.env.AWS_ENDPOINT_URL;
  if (!chosen) throw new Error('No moto endpoint: pass one, or set AWS_ENDPOINT_URL to the moto server (`npx harness moto start` prints it).');
  return chosen.replace(/\/$/, '');
}

/**
 * moto's settings (moto/core/config.py), at `<endpoint>/moto-api/config`: without a body, reads them;
 * with one, merges it in. `endpoint` defaults to `AWS_ENDPOINT_URL`.
 */
export async function motoConfig(body?: unknown, endpoint?: string): Promise<Record<string, unknown>> {
  const base = endpointOf(endpoint);
  const response = await fetch(`${base}/moto-api/config`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  if (!response.ok) throw new Error(`${base}/moto-api/config answered ${response.status}: ${await response.text()}. Is ${base} a moto server?`);
  return (await response.json()) as Record<string, unknown>;
}

/**
 * Turns on moto's Step Functions execution engine, which runs the ASL of state machines created from then on
 * (without it, moto's executions are canned and succeed at once). Resolves with a function that puts the
 * previous setting back.
 *
 * @example
 * const restoreEngine = await useStepFunctionsEngine();
 * // … create state machines, run executions …
 * await restoreEngine();
 */
export async function useStepFunctionsEngine(endpoint?: string): Promise<() => Promise<void>> {
  const previous = (await motoConfig(undefined, endpoint)).stepfunctions ?? { execute_state_machine: false };
  await motoConfig({ stepfunctions: { execute_state_machine: true } }, endpoint);
  return async () => {
    await motoConfig({ stepfunctions: previous }, endpoint);
  };
}

/** Forgets everything in the moto server: every service, every region. */
export async function resetMoto(endpoint?: string): Promise<void> {
  const base = endpointOf(endpoint);
  const response = await fetch(`${base}/moto-api/reset`, { method: 'POST' });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${base}/moto-api/reset answered HTTP ${response.status}. Is ${base} a moto server?`);
}

/** A VPC subnet and security group, for RunTask's `awsvpcConfiguration`. */
export interface TaskNetwork {
  readonly vpcId: string;
  readonly subnetId: string;
  readonly securityGroupId: string;
}

/**
 * Creates a VPC, a subnet and a security group (moto checks that a RunTask's subnets exist; on an
 * account, use your own). The client defaults to one configured from the environment.
 */
export async function createTaskNetwork(client: EC2Client = new EC2Client({})): Promise<TaskNetwork> {
  const vpc = await client.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
  const vpcId = vpc.Vpc?.VpcId;
  if (!vpcId) throw new Error('CreateVpc returned no VpcId');
  const subnet = await client.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.1.0/24' }));
  const group = await client.send(
    new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: `harness-${Date.now().toString(36)}`, Description: 'harness test tasks' }),
  );
  if (!subnet.Subnet?.SubnetId || !group.GroupId) throw new Error('CreateSubnet/CreateSecurityGroup returned no id');
  return { vpcId, subnetId: subnet.Subnet.SubnetId, securityGroupId: group.GroupId };
}

import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

/** A deployed stack's outputs, by key (the endpoint's CloudFormation: moto in the integration suites). */
export async function stackOutputs(stackName: string, client: CloudFormationClient = new CloudFormationClient({})): Promise<Record<string, string>> {
  const described = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  return Object.fromEntries((described.Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
}

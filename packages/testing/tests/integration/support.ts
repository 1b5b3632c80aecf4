import { CreateClusterCommand, RegisterTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { uniqueName } from '../../src/names.js';

/** What an SDK client needs to talk to one moto server (the suite's, or one a test started itself). */
export function motoClientConfig(endpoint: string): { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } } {
  return { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
}

/**
 * A new cluster and a FARGATE, awsvpc task definition with one essential container, `Main` (moto needs each
 * container's memory stated). Resolves with the cluster's name and ARN, the family and the task definition's ARN.
 */
export async function createClusterAndTaskDefinition(
  ecs: ECSClient,
  prefix = 'task',
): Promise<{ cluster: string; clusterArn: string; family: string; taskDefinitionArn: string }> {
  const cluster = uniqueName(prefix);
  const created = await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const family = uniqueName(`${prefix}-family`);
  const registered = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'Main', image: 'node:20-slim', memoryReservation: 256, essential: true }],
    }),
  );
  return { cluster, clusterArn: created.cluster?.clusterArn ?? '', family, taskDefinitionArn: registered.taskDefinition?.taskDefinitionArn ?? '' };
}

import type { AdapterSession, TestDoubleAdapter } from '@harness/core';
import { parseEcsConfig, type EcsConfig } from './config.js';
import { ecsLocalIntegration } from './local/integration.js';
import { createEcsMockApi, type EcsMockApi, type KnownFamilies } from './mock.js';
import { ecsArtifacts, ecsTemplate } from './template.js';

const TASK_DEFINITION_OUTPUT = /^TaskDefinition(.+)$/;

/**
 * The families the doubles have: from the config when it lists them, else
 * from the ECS stack's outputs (task definition ARNs name their family).
 */
export function knownFamilies(config: EcsConfig, outputs: Readonly<Record<string, string>>): KnownFamilies {
  const fromConfig = Object.values(config.families);
  if (fromConfig.length > 0) {
    return new Map(fromConfig.map((family) => [family.family, family.containers.map((container) => container.name)]));
  }
  const known = new Map<string, readonly string[]>();
  for (const [key, value] of Object.entries(outputs)) {
    const suffix = TASK_DEFINITION_OUTPUT.exec(key)?.[1];
    const family = /:task-definition\/([^:]+)/.exec(value)?.[1];
    if (!suffix || !family) continue;
    const containers = outputs[`ContainerNames${suffix}`];
    known.set(family, containers ? containers.split(',') : []);
  }
  return known;
}

/**
 * The ECS adapter: task definition doubles whose containers run the harness
 * container agent, and `harness.ecs` to decide how each run ends.
 *
 * @example
 * const harness = await createHarness({ adapters: [ecsAdapter] });
 * const render = await harness.ecs.mockTask('RenderPdf', () => exit(0));
 */
export const ecsAdapter: TestDoubleAdapter<'ecs', EcsConfig, EcsMockApi> = {
  name: 'ecs',
  parseConfig: parseEcsConfig,
  template: ecsTemplate,
  artifacts: ecsArtifacts,
  createApi: (session: AdapterSession, config: EcsConfig) => createEcsMockApi(session, knownFamilies(config, session.outputs)),
  // The local target: ecs:runTask[.sync|.waitForTaskToken] states run the real agent as child processes.
  localIntegrations: (config, context) => [ecsLocalIntegration(config, context)],
};

/** The name the CLI and the adapter registry look for in every adapter package. */
export const harnessAdapter = ecsAdapter;

import type { AnyAdapter } from '@harness/core';
import { ecsArtifacts, ecsTemplate, parseEcsConfig } from '@harness/ecs';

/**
 * The ECS adapter assembled from @harness/ecs's exported pieces, for tests
 * that hand the CLI an adapter instead of letting it import `@harness/ecs`.
 */
export const testEcsAdapter: AnyAdapter = {
  name: 'ecs',
  parseConfig: parseEcsConfig,
  template: ecsTemplate,
  artifacts: ecsArtifacts,
  createApi: () => ({}),
};

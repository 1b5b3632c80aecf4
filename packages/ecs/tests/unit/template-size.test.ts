import { describe, expect, it, vi } from 'vitest';
import { parseEcsConfig } from '../../src/config.js';
import { EcsConfigError } from '../../src/errors.js';
import { ecsTemplate } from '../../src/template.js';

// A bootstrap of a fixed, large size, so the limit is tested whatever the real one weighs.
vi.mock('@harness/container-agent', () => ({
  bootstrapEntryPoint: () => ['node', '-e', 'x'.repeat(8_000), '--'],
  readAgentArtifact: () => ({ body: new Uint8Array([1]), sha256: '0'.repeat(64) }),
}));

const context = {
  stackName: 'harness-dev',
  core: { routesTable: 'routes', resultsTable: 'results', artifactsBucket: 'bucket' },
  artifacts: { 'container-agent': { key: 'agents/a.mjs', sha256: '0'.repeat(64) } },
};

describe('Function: ecsTemplate (task definition size)', () => {
  it('accepts a family whose task definition stays under 64 KiB', () => {
    const config = parseEcsConfig({ families: { Big: { containers: ['A', 'B', 'C', 'D', 'E', 'F', 'G'] } } });

    expect(ecsTemplate(config, context).Resources.TaskDefinitionBig?.Type).toBe('AWS::ECS::TaskDefinition');
  });

  it('refuses a family whose task definition would pass the ECS limit, naming it', () => {
    const config = parseEcsConfig({ families: { Big: { containers: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I'] } } });

    expect(() => ecsTemplate(config, context)).toThrow(EcsConfigError);
    expect(() => ecsTemplate(config, context)).toThrowErrorMatchingInlineSnapshot(`[EcsConfigError: adapters.ecs.families.Big.containers would make a task definition of 77 KiB (each container carries the agent's bootstrap), over ECS's 64 KiB limit. To fix this, double fewer containers in this family.]`);
  });
});

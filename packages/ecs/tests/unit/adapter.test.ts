import { describeAdapterContract } from '@harness/core/testing';
import { describe, it } from 'vitest';
import { ecsAdapter } from '../../src/adapter.js';
import { exit } from '../../src/results.js';

describeAdapterContract(ecsAdapter, {
  describe,
  it,
  config: { families: { RenderPdf: { containers: ['Main', { name: 'Sidecar', essential: false }], taskTokenVariable: 'TASK_TOKEN' } } },
  invalidConfigs: [
    { config: { families: {} }, field: 'adapters.ecs.families' },
    { config: { families: { RenderPdf: { containers: ['Main'], cpu: 300 } } }, field: 'adapters.ecs.families.RenderPdf.cpu' },
    { config: { families: { RenderPdf: { containers: ['main.app'] } } }, field: 'adapters.ecs.families.RenderPdf.containers[0]' },
  ],
  resources: ['arn:aws:states:::ecs:runTask', 'arn:aws:states:::ecs:runTask.sync', 'arn:aws:states:::ecs:runTask.waitForTaskToken'],
  mock: (api) => api.mockTask('RenderPdf', () => exit(0)),
});

import { ConfigError } from '@harness/core';
import { describe, expect, it } from 'vitest';
import { ECS_DEFAULTS, FARGATE_SIZES, parseEcsConfig } from '../../src/config.js';
import { EcsConfigError } from '../../src/errors.js';

const family = (settings: Record<string, unknown>) => ({ families: { RenderPdf: { containers: ['Main'], ...settings } } });

const badConfigs: [string, unknown, string][] = [
  ['not an object', 'RenderPdf', 'adapters.ecs'],
  ['an unknown setting', { families: {}, famlies: {} }, 'adapters.ecs.famlies'],
  ['no families', {}, 'adapters.ecs.families'],
  ['empty families', { families: {} }, 'adapters.ecs.families'],
  ['a family name with a space', { families: { 'Render Pdf': { containers: ['Main'] } } }, 'adapters.ecs.families.Render Pdf'],
  ['a family name of 256 characters', { families: { [`F${'x'.repeat(255)}`]: { containers: ['Main'] } } }, `adapters.ecs.families.F${'x'.repeat(255)}`],
  ['a family name without letters or digits', { families: { '__': { containers: ['Main'] } } }, 'adapters.ecs.families.__'],
  [
    'families that differ only in punctuation',
    { families: { 'render-pdf': { containers: ['Main'] }, render_pdf: { containers: ['Main'] } } },
    'adapters.ecs.families.render_pdf',
  ],
  ['a family that is a list', { families: { RenderPdf: ['Main'] } }, 'adapters.ecs.families.RenderPdf'],
  ['an unknown family setting', family({ memorySize: 512 }), 'adapters.ecs.families.RenderPdf.memorySize'],
  ['no containers', { families: { RenderPdf: {} } }, 'adapters.ecs.families.RenderPdf.containers'],
  ['an empty container list', family({ containers: [] }), 'adapters.ecs.families.RenderPdf.containers'],
  ['11 containers', family({ containers: Array.from({ length: 11 }, (_, index) => `C${index}`) }), 'adapters.ecs.families.RenderPdf.containers'],
  ['a container name with a dot', family({ containers: ['main.app'] }), 'adapters.ecs.families.RenderPdf.containers[0]'],
  ['a repeated container name', family({ containers: ['Main', { name: 'Main', essential: false }] }), 'adapters.ecs.families.RenderPdf.containers[1]'],
  ['a container without a name', family({ containers: [{ essential: false }] }), 'adapters.ecs.families.RenderPdf.containers[0].name'],
  ['a container that is a number', family({ containers: [7] }), 'adapters.ecs.families.RenderPdf.containers[0]'],
  ['essential as a string', family({ containers: [{ name: 'Main', essential: 'yes' }] }), 'adapters.ecs.families.RenderPdf.containers[0].essential'],
  ['an unknown container setting', family({ containers: [{ name: 'Main', image: 'x' }] }), 'adapters.ecs.families.RenderPdf.containers[0].image'],
  ['no essential container', family({ containers: [{ name: 'Main', essential: false }] }), 'adapters.ecs.families.RenderPdf.containers'],
  ['a cpu Fargate does not offer', family({ cpu: 300 }), 'adapters.ecs.families.RenderPdf.cpu'],
  ['cpu as a string', family({ cpu: '256' }), 'adapters.ecs.families.RenderPdf.cpu'],
  ['memory too large for the cpu', family({ cpu: 256, memory: 4096 }), 'adapters.ecs.families.RenderPdf.memory'],
  ['memory no Fargate size has', family({ memory: 1000 }), 'adapters.ecs.families.RenderPdf.memory'],
  ['a fractional memory', family({ memory: 512.5 }), 'adapters.ecs.families.RenderPdf.memory'],
  ['an image with a space', family({ image: 'node 20' }), 'adapters.ecs.families.RenderPdf.image'],
  ['an empty default image', { ...family({}), image: '' }, 'adapters.ecs.image'],
  ['a timeout of zero', family({ timeoutSeconds: 0 }), 'adapters.ecs.families.RenderPdf.timeoutSeconds'],
  ['a timeout over a day', family({ timeoutSeconds: 86_401 }), 'adapters.ecs.families.RenderPdf.timeoutSeconds'],
  ['a task token variable with a dash', family({ taskTokenVariable: 'TASK-TOKEN' }), 'adapters.ecs.families.RenderPdf.taskTokenVariable'],
  ['a reserved task token variable', family({ taskTokenVariable: 'HARNESS_TOKEN' }), 'adapters.ecs.families.RenderPdf.taskTokenVariable'],
  ['a log retention CloudWatch refuses', { ...family({}), logRetentionDays: 2 }, 'adapters.ecs.logRetentionDays'],
];

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('Function: parseEcsConfig', () => {
  it('fills in the defaults', () => {
    // Act
    const config = parseEcsConfig({ families: { RenderPdf: { containers: ['Main', { name: 'Sidecar', essential: false }] } } });

    // Assert
    expect(config).toEqual({
      logRetentionDays: 3,
      families: {
        RenderPdf: {
          family: 'RenderPdf',
          containers: [
            { name: 'Main', essential: true },
            { name: 'Sidecar', essential: false },
          ],
          cpu: 256,
          memory: 512,
          image: 'node:20-slim',
          timeoutSeconds: 900,
        },
      },
    });
  });

  it('keeps every setting it is given, and the default image for families without one', () => {
    // Act
    const config = parseEcsConfig({
      image: 'public.ecr.aws/docker/library/node:22-slim',
      logRetentionDays: 14,
      families: {
        'render-pdf_v2': { containers: ['Main'], cpu: 1024, memory: 3072, timeoutSeconds: 60, taskTokenVariable: 'TASK_TOKEN' },
        Other: { containers: ['A'], image: 'node:20' },
      },
    });

    // Assert
    expect(config.logRetentionDays).toBe(14);
    expect(config.families['render-pdf_v2']).toEqual({
      family: 'render-pdf_v2',
      containers: [{ name: 'Main', essential: true }],
      cpu: 1024,
      memory: 3072,
      image: 'public.ecr.aws/docker/library/node:22-slim',
      timeoutSeconds: 60,
      taskTokenVariable: 'TASK_TOKEN',
    });
    expect(config.families.Other?.image).toBe('node:20');
  });

  it.each([
    [{ cpu: 1024 }, { cpu: 1024, memory: 2048 }],
    [{ memory: 2048 }, { cpu: 256, memory: 2048 }],
    [{ memory: 3072 }, { cpu: 512, memory: 3072 }],
    [{ cpu: 8192, memory: 20480 }, { cpu: 8192, memory: 20480 }],
    [{}, { cpu: ECS_DEFAULTS.cpu, memory: ECS_DEFAULTS.memory }],
  ])('sizes %o as %o', (size, expected) => {
    expect(parseEcsConfig(family(size)).families.RenderPdf).toMatchObject(expected);
  });

  it('accepts every Fargate size', () => {
    for (const [cpu, memories] of FARGATE_SIZES) {
      for (const memory of memories) expect(parseEcsConfig(family({ cpu, memory })).families.RenderPdf).toMatchObject({ cpu, memory });
    }
  });

  it.each(badConfigs)('refuses %s, naming the field', (_, raw, field) => {
    // Act
    let thrown: unknown;
    try {
      parseEcsConfig(raw);
    } catch (error) {
      thrown = error;
    }

    // Assert
    expect(thrown).toBeInstanceOf(EcsConfigError);
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown).toMatchObject({ name: 'EcsConfigError', field });
    expect((thrown as Error).message.startsWith(`${field} `)).toBe(true);
    expect((thrown as Error).message).toMatch(/\. To fix this, .+\.$/s);
  });

  it('says what is wrong and how to fix it for each bad config', () => {
    const messages = Object.fromEntries(
      badConfigs.map(([name, raw]) => [name, messageOf(() => parseEcsConfig(raw)).replace(/x{200,}/g, (run) => `x{${run.length}}`)]),
    );

    expect(messages).toMatchInlineSnapshot(`
      {
        "11 containers": "adapters.ecs.families.RenderPdf.containers has 11 containers. To fix this, list 1-10 container names of the real task definition, e.g. ["Main", {"name": "Sidecar", "essential": false}].",
        "a container name with a dot": "adapters.ecs.families.RenderPdf.containers[0] is "main.app", not a valid ECS container name. To fix this, use 1-255 letters, digits, hyphens and underscores, exactly as the real task definition names the container.",
        "a container that is a number": "adapters.ecs.families.RenderPdf.containers[0] is 7. To fix this, give a container name ("Main") or {"name": "Sidecar", "essential": false}.",
        "a container without a name": "adapters.ecs.families.RenderPdf.containers[0].name is missing. To fix this, give the container's name as a string, e.g. {"name": "Sidecar", "essential": false}.",
        "a cpu Fargate does not offer": "adapters.ecs.families.RenderPdf.cpu is 300, which Fargate does not offer. To fix this, use one of 256, 512, 1024, 2048, 4096, 8192, 16384.",
        "a family name of 256 characters": "adapters.ecs.families.Fx{255} is not a valid ECS task family name. To fix this, use 1-255 letters, digits, hyphens and underscores, exactly as the workflow names the family.",
        "a family name with a space": "adapters.ecs.families.Render Pdf is not a valid ECS task family name. To fix this, use 1-255 letters, digits, hyphens and underscores, exactly as the workflow names the family.",
        "a family name without letters or digits": "adapters.ecs.families.__ has no letter or digit, so it cannot name its stack outputs. To fix this, use a family name with 1-240 letters and digits.",
        "a family that is a list": "adapters.ecs.families.RenderPdf must be an object, not an array. To fix this, write {"containers": ["Main"]}.",
        "a fractional memory": "adapters.ecs.families.RenderPdf.memory is 512.5. To fix this, give the memory in MiB as a whole number, e.g. 512.",
        "a log retention CloudWatch refuses": "adapters.ecs.logRetentionDays is 2, which CloudWatch Logs does not accept. To fix this, use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.",
        "a repeated container name": "adapters.ecs.families.RenderPdf.containers[1] repeats the container name "Main". To fix this, give each container of a family its own name.",
        "a reserved task token variable": "adapters.ecs.families.RenderPdf.taskTokenVariable is "HARNESS_TOKEN", a name reserved for harness and AWS. To fix this, pass the task token in a variable without the HARNESS_, AWS_ or ECS_ prefix, e.g. "TASK_TOKEN".",
        "a task token variable with a dash": "adapters.ecs.families.RenderPdf.taskTokenVariable is "TASK-TOKEN", not an environment variable name. To fix this, use the name your workflow passes the task token in, e.g. "TASK_TOKEN" (letters, digits and underscores).",
        "a timeout of zero": "adapters.ecs.families.RenderPdf.timeoutSeconds is 0. To fix this, use a whole number of seconds from 1 to 86400 (default 900).",
        "a timeout over a day": "adapters.ecs.families.RenderPdf.timeoutSeconds is 86401. To fix this, use a whole number of seconds from 1 to 86400 (default 900).",
        "an empty container list": "adapters.ecs.families.RenderPdf.containers has 0 containers. To fix this, list 1-10 container names of the real task definition, e.g. ["Main", {"name": "Sidecar", "essential": false}].",
        "an empty default image": "adapters.ecs.image is "", not an image reference. To fix this, give an image that has node 20 or later, e.g. "node:20-slim" (the default).",
        "an image with a space": "adapters.ecs.families.RenderPdf.image is "node 20", not an image reference. To fix this, give an image that has node 20 or later, e.g. "node:20-slim" (the default).",
        "an unknown container setting": "adapters.ecs.families.RenderPdf.containers[0].image is not an ECS adapter setting. To fix this, remove it, or use one of name, essential.",
        "an unknown family setting": "adapters.ecs.families.RenderPdf.memorySize is not an ECS adapter setting. To fix this, remove it, or use one of containers, cpu, memory, image, timeoutSeconds, taskTokenVariable.",
        "an unknown setting": "adapters.ecs.famlies is not an ECS adapter setting. To fix this, remove it, or use one of families, image, logRetentionDays.",
        "cpu as a string": "adapters.ecs.families.RenderPdf.cpu is "256", which Fargate does not offer. To fix this, use one of 256, 512, 1024, 2048, 4096, 8192, 16384.",
        "empty families": "adapters.ecs.families must be an object with at least one family, not an empty object. To fix this, add the task families your workflow runs, e.g. "families": {"RenderPdf": {"containers": ["Main"]}}.",
        "essential as a string": "adapters.ecs.families.RenderPdf.containers[0].essential is "yes". To fix this, use true or false (default true).",
        "families that differ only in punctuation": "adapters.ecs.families.render_pdf and families.render-pdf differ only in hyphens and underscores, so their stack outputs would both be TaskDefinitionrenderpdf. To fix this, rename one of them.",
        "memory no Fargate size has": "adapters.ecs.families.RenderPdf.memory is 1000, which no Fargate size offers. To fix this, use a size Fargate offers (512, 1024, 2048, then multiples of 1024 up to 30720, of 4096 up to 61440, of 8192 up to 122880), or set cpu too.",
        "memory too large for the cpu": "adapters.ecs.families.RenderPdf.memory is 4096, which Fargate does not offer with cpu 256. To fix this, use one of 512, 1024, 2048 with cpu 256, or change cpu.",
        "no containers": "adapters.ecs.families.RenderPdf.containers is missing. To fix this, list the container names of the real task definition, e.g. "containers": ["Main"].",
        "no essential container": "adapters.ecs.families.RenderPdf.containers has no essential container, which ECS refuses. To fix this, leave at least one container essential (the default).",
        "no families": "adapters.ecs.families is missing. To fix this, add the task families your workflow runs, e.g. "families": {"RenderPdf": {"containers": ["Main"]}}.",
        "not an object": "adapters.ecs must be an object, not "RenderPdf". To fix this, write {"families": {"RenderPdf": {"containers": ["Main"]}}}.",
      }
    `);
  });
});

import { StatesError } from '@harness/core';
import { describe, expect, it } from 'vitest';
import { parseEcsConfig } from '../../src/config.js';
import { MAX_OVERRIDES_CHARACTERS, readRunTaskRequest } from '../../src/local/run-task-request.js';

const config = parseEcsConfig({ families: { RenderPdf: { containers: ['Main', 'Sidecar'] } } });
const network = { AwsvpcConfiguration: { Subnets: ['subnet-1', 'subnet-2'], SecurityGroups: ['sg-1'] } };

function failureOf(input: unknown): StatesError {
  try {
    readRunTaskRequest(config, input);
  } catch (error) {
    if (error instanceof StatesError) return error;
    throw error;
  }
  throw new Error('expected readRunTaskRequest to fail');
}

describe('Function: readRunTaskRequest', () => {
  it('reads a Step Functions RunTask request into the ECS API shape', () => {
    const { request, family } = readRunTaskRequest(config, {
      Cluster: 'arn:aws:ecs:eu-west-1:123456789012:cluster/orders',
      TaskDefinition: 'RenderPdf:4',
      LaunchType: 'FARGATE',
      PlatformVersion: 'LATEST',
      StartedBy: 'order-o-1',
      NetworkConfiguration: network,
      Overrides: {
        ContainerOverrides: [{ Name: 'Main', Command: ['--order', 'o-1'], Environment: [{ Name: 'ORDER_ID', Value: 'o-1' }], Memory: 256 }],
      },
      Tags: [{ Key: 'team', Value: 'orders' }],
    });

    expect(family.family).toBe('RenderPdf');
    expect(request).toEqual({
      cluster: 'arn:aws:ecs:eu-west-1:123456789012:cluster/orders',
      family: 'RenderPdf',
      revision: 4,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      startedBy: 'order-o-1',
      subnets: ['subnet-1', 'subnet-2'],
      containerOverrides: [{ name: 'Main', command: ['--order', 'o-1'], environment: [{ name: 'ORDER_ID', value: 'o-1' }], memory: 256 }],
      tags: [{ key: 'team', value: 'orders' }],
      enableExecuteCommand: false,
    });
  });

  it.each([
    ['a family', 'RenderPdf', undefined],
    ['family:revision', 'RenderPdf:12', 12],
    ['an ARN', 'arn:aws:ecs:us-east-1:123456789012:task-definition/RenderPdf:3', 3],
    ['an ARN without revision', 'arn:aws:ecs:us-east-1:123456789012:task-definition/RenderPdf', undefined],
  ])('takes the task definition as %s', (_case, TaskDefinition, revision) => {
    const { request } = readRunTaskRequest(config, { TaskDefinition, NetworkConfiguration: network });

    expect(request.family).toBe('RenderPdf');
    expect(request.revision).toBe(revision);
    expect(request.cluster).toBe('default');
    expect(request.launchType).toBe('FARGATE');
  });

  it('takes the capacity provider instead of a launch type when the state gives a strategy', () => {
    const { request } = readRunTaskRequest(config, {
      TaskDefinition: 'RenderPdf',
      NetworkConfiguration: network,
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }],
    });

    expect(request.capacityProvider).toBe('FARGATE_SPOT');
    expect(request.launchType).toBeUndefined();
  });

  it.each([
    ['a family', { TaskDefinition: 'Invoice' }],
    ['a family in an ARN', { TaskDefinition: 'arn:aws:ecs:us-east-1:1:task-definition/Invoice:1' }],
  ])('fails as RunTask does for an unknown %s, then says which config to add', (_case, input) => {
    const failure = failureOf(input);

    expect(failure.error).toBe('ECS.ClientException');
    expect(failure.cause).toMatch(
      /^Unable to describe task definition\. \(Service: AmazonECS; Status Code: 400; Error Code: ClientException; Request ID: [0-9a-f-]{36}; Proxy: null\) \(harness: /,
    );
    expect(failure.cause).toContain(
      "(harness: 'Invoice' is not an ECS family of adapters.ecs.families (families: RenderPdf). To fix this, add it there in harness.config.json, " +
        'with the container names of the real task definition: "adapters": {"ecs": {"families": {"Invoice": {"containers": ["Main"]}}}}.)',
    );
  });

  it.each([
    [
      'an override of another container',
      { TaskDefinition: 'RenderPdf', NetworkConfiguration: network, Overrides: { ContainerOverrides: [{ Name: 'Renderer' }] } },
      'ECS.InvalidParameterException',
      'Override for container named Renderer is not a container in the TaskDefinition.',
    ],
    [
      'no network configuration',
      { TaskDefinition: 'RenderPdf' },
      'ECS.InvalidParameterException',
      "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    ],
    [
      'a command that is not a list of strings',
      { TaskDefinition: 'RenderPdf', NetworkConfiguration: network, Overrides: { ContainerOverrides: [{ Name: 'Main', Command: '--order o-1' }] } },
      'ECS.InvalidParameterException',
      'Overrides.ContainerOverrides[0].Command must be a list of strings',
    ],
  ])('fails as RunTask does for %s', (_case, input, error, message) => {
    const failure = failureOf(input);

    expect(failure.error).toBe(error);
    expect(failure.cause).toContain(message);
    expect(failure.cause).toMatch(/ \(Service: AmazonECS; Status Code: 400; Error Code: \w+; Request ID: [0-9a-f-]{36}; Proxy: null\)$/);
  });

  it('counts the overrides as ECS does, JSON punctuation included, up to 8192 characters', () => {
    // {"name":"Main","command":["…"]} inside [ ]: 31 characters around the argument.
    const overrides = (length: number) => ({ ContainerOverrides: [{ Name: 'Main', Command: ['x'.repeat(length)] }] });
    const atLimit = MAX_OVERRIDES_CHARACTERS - JSON.stringify([{ name: 'Main', command: [''] }]).length;

    const fits = () => readRunTaskRequest(config, { TaskDefinition: 'RenderPdf', NetworkConfiguration: network, Overrides: overrides(atLimit) });
    const failure = failureOf({ TaskDefinition: 'RenderPdf', NetworkConfiguration: network, Overrides: overrides(atLimit + 1) });

    expect(fits).not.toThrow();
    expect(failure.error).toBe('ECS.InvalidParameterException');
    expect(failure.cause).toMatch(/^Container Overrides length must be at most 8192 /);
  });
});

import { randomUUID } from 'node:crypto';
import type { ContainerOverride, KeyValuePair, Tag } from '@aws-sdk/client-ecs';
import { describeJsonValue, isRecord, StatesError } from '@harness/core';
import type { EcsConfig, EcsFamilyConfig } from '../config.js';

/**
 * A Step Functions `ecs:runTask` state's parameters, read into the ECS API's
 * own (camelCase) shape. Step Functions takes them in PascalCase
 * (`Overrides.ContainerOverrides[].Command`) and hands ECS the camelCase request.
 */
export interface RunTaskRequest {
  /** The cluster as given (name or ARN); `default` when the state names none, as ECS does. */
  readonly cluster: string;
  readonly family: string;
  /** The revision the state names (`family:3`, or an ARN's); undefined for the latest. */
  readonly revision?: number;
  readonly launchType?: string;
  readonly capacityProvider?: string;
  readonly platformVersion?: string;
  readonly startedBy?: string;
  readonly group?: string;
  readonly subnets: readonly string[];
  readonly containerOverrides: readonly ContainerOverride[];
  readonly tags: readonly Tag[];
  readonly enableExecuteCommand: boolean;
}

/** ECS's limit on RunTask `overrides`, JSON formatting characters included. */
export const MAX_OVERRIDES_CHARACTERS = 8192;

const TASK_DEFINITION_ARN = /^arn:[a-z-]+:ecs:[^:]*:[^:]*:task-definition\/([^:/]+)(?::(\d+))?$/;
const FAMILY_REVISION = /^([A-Za-z0-9_-]+)(?::(\d+))?$/;

/**
 * An error of the ECS API as Step Functions reports it: `ECS.<Code>`, and as
 * cause the message in the form of AWS's Java SDK, which Step Functions uses.
 *
 * @example
 * throw ecsServiceError('ClientException', 'Unable to describe task definition.');
 * // Error: ECS.ClientException, Cause: "Unable to describe task definition. (Service: AmazonECS; Status Code: 400; Error Code: ClientException; Request ID: …; Proxy: null)"
 */
export function ecsServiceError(code: string, message: string): StatesError {
  return new StatesError(
    `ECS.${code}`,
    `${message} (Service: AmazonECS; Status Code: 400; Error Code: ${code}; Request ID: ${randomUUID()}; Proxy: null)`,
  );
}

/**
 * Reads a RunTask request from a state's effective input and checks it the
 * way ECS would against the configured families: an unknown task definition,
 * an override for a container the family does not have, overrides over 8192
 * characters, or no network configuration for an `awsvpc` task fail with the
 * error ECS gives (as a {@link StatesError}).
 *
 * @example
 * const { request, family } = readRunTaskRequest(config, { TaskDefinition: 'RenderPdf', NetworkConfiguration: {…} });
 */
export function readRunTaskRequest(config: EcsConfig, input: unknown): { request: RunTaskRequest; family: EcsFamilyConfig } {
  const parameters = isRecord(input) ? input : {};
  const { family: familyName, revision } = readTaskDefinition(parameters.TaskDefinition);
  const family = config.families[familyName];
  if (!family) {
    // What ECS answers RunTask for a family it has no task definition of.
    throw ecsServiceError('ClientException', 'Unable to describe task definition.');
  }

  const containerOverrides = readContainerOverrides(parameters.Overrides);
  // ECS counts the JSON of the overrides it receives, formatting characters included.
  if (JSON.stringify(containerOverrides).length > MAX_OVERRIDES_CHARACTERS) {
    throw ecsServiceError('InvalidParameterException', `Container Overrides length must be at most ${MAX_OVERRIDES_CHARACTERS}`);
  }
  for (const override of containerOverrides) {
    if (!family.containers.some((container) => container.name === override.name)) {
      throw ecsServiceError('InvalidParameterException', `Override for container named ${String(override.name)} is not a container in the TaskDefinition.`);
    }
  }

  // The doubles' task definitions are Fargate, network mode awsvpc (see template.ts).
  const subnets = readSubnets(parameters.NetworkConfiguration);
  if (subnets.length === 0) {
    throw ecsServiceError('InvalidParameterException', "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }

  const capacityProvider = readCapacityProvider(parameters.CapacityProviderStrategy);
  const request: RunTaskRequest = {
    cluster: optionalString(parameters.Cluster, 'Cluster') ?? 'default',
    family: familyName,
    ...(revision !== undefined ? { revision } : {}),
    ...optional('launchType', optionalString(parameters.LaunchType, 'LaunchType') ?? (capacityProvider ? undefined : 'FARGATE')),
    ...optional('capacityProvider', capacityProvider),
    ...optional('platformVersion', optionalString(parameters.PlatformVersion, 'PlatformVersion')),
    ...optional('startedBy', optionalString(parameters.StartedBy, 'StartedBy')),
    ...optional('group', optionalString(parameters.Group, 'Group')),
    subnets,
    containerOverrides,
    tags: readTags(parameters.Tags),
    enableExecuteCommand: parameters.EnableExecuteCommand === true,
  };
  return { request, family };
}

function readTaskDefinition(raw: unknown): { family: string; revision?: number } {
  if (typeof raw !== 'string' || raw === '') {
    throw ecsServiceError('InvalidParameterException', `TaskDefinition must be a task definition family, family:revision or ARN, not ${describeJsonValue(raw)}.`);
  }
  const match = TASK_DEFINITION_ARN.exec(raw) ?? FAMILY_REVISION.exec(raw);
  if (!match?.[1]) throw ecsServiceError('ClientException', 'Unable to describe task definition.');
  return { family: match[1], ...(match[2] !== undefined ? { revision: Number(match[2]) } : {}) };
}

function readContainerOverrides(raw: unknown): ContainerOverride[] {
  if (raw === undefined) return [];
  if (!isRecord(raw)) throw invalid('Overrides', raw, 'an object');
  const list = raw.ContainerOverrides;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw invalid('Overrides.ContainerOverrides', list, 'a list');
  return list.map((entry: unknown, index) => {
    const field = `Overrides.ContainerOverrides[${index}]`;
    if (!isRecord(entry)) throw invalid(field, entry, 'an object');
    const override: ContainerOverride = {};
    if (typeof entry.Name !== 'string' || entry.Name === '') throw invalid(`${field}.Name`, entry.Name, 'a container name');
    override.name = entry.Name;
    if (entry.Command !== undefined) {
      if (!Array.isArray(entry.Command) || entry.Command.some((part) => typeof part !== 'string')) {
        throw invalid(`${field}.Command`, entry.Command, 'a list of strings');
      }
      override.command = [...(entry.Command as string[])];
    }
    if (entry.Environment !== undefined) {
      if (!Array.isArray(entry.Environment)) throw invalid(`${field}.Environment`, entry.Environment, 'a list of {Name, Value}');
      override.environment = entry.Environment.map((variable: unknown, position): KeyValuePair => {
        if (!isRecord(variable) || typeof variable.Name !== 'string' || (variable.Value !== undefined && typeof variable.Value !== 'string')) {
          throw invalid(`${field}.Environment[${position}]`, variable, '{"Name": string, "Value": string}');
        }
        return { name: variable.Name, ...(variable.Value !== undefined ? { value: variable.Value } : {}) };
      });
    }
    for (const [key, target] of [
      ['Cpu', 'cpu'],
      ['Memory', 'memory'],
      ['MemoryReservation', 'memoryReservation'],
    ] as const) {
      const value = entry[key];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(`${field}.${key}`, value, 'a whole number');
      override[target] = value;
    }
    return override;
  });
}

function readSubnets(raw: unknown): string[] {
  if (!isRecord(raw) || !isRecord(raw.AwsvpcConfiguration)) return [];
  const subnets = raw.AwsvpcConfiguration.Subnets;
  return Array.isArray(subnets) ? subnets.filter((subnet): subnet is string => typeof subnet === 'string' && subnet !== '') : [];
}

function readCapacityProvider(raw: unknown): string | undefined {
  if (!Array.isArray(raw)) return undefined;
  const first: unknown = raw[0];
  return isRecord(first) && typeof first.CapacityProvider === 'string' ? first.CapacityProvider : undefined;
}

function readTags(raw: unknown): Tag[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((tag): tag is Record<string, unknown> => isRecord(tag) && typeof tag.Key === 'string')
    .map((tag) => ({ key: tag.Key as string, ...(typeof tag.Value === 'string' ? { value: tag.Value } : {}) }));
}

function optionalString(raw: unknown, field: string): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw invalid(field, raw, 'a string');
  return raw;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

// Step Functions hands ECS whatever the state's Parameters produced; ECS
// refuses values of the wrong type. The wording is harness's own (the exact
// AWS message for each field is not known to it).
function invalid(field: string, value: unknown, expected: string): StatesError {
  return ecsServiceError('InvalidParameterException', `${field} must be ${expected}, not ${describeJsonValue(value)}.`);
}

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
  return parseRunTaskRequest(config, input, {
    fail: ecsServiceError,
    field: (name) => name,
    // ECS's own error and cause, then (as the ECS API's answer has it) what to add: a Catch on ECS.ClientException still matches.
    unknownFamily: (family) => {
      const refused = ecsServiceError(...UNKNOWN_TASK_DEFINITION);
      return new StatesError(refused.error, `${refused.cause ?? ''} ${unknownFamilyHint(config, family)}`);
    },
  });
}

/** What the harness adds to ECS's answer for a family it has no double of: the families it has, and the config to add. */
function unknownFamilyHint(config: EcsConfig, family: string): string {
  const known = Object.keys(config.families);
  return (
    `(harness: '${family}' is not an ECS family of adapters.ecs.families (families: ${known.join(', ') || 'none'}). ` +
    `To fix this, add it there in harness.config.json, with the container names of the real task definition: ` +
    `"adapters": {"ecs": {"families": {"${family}": {"containers": ["Main"]}}}}.)`
  );
}

/** An error of the ECS API as ECS itself answers it (what the AWS SDK throws as `<code>`). */
export class EcsApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/**
 * Reads the body of an ECS API `RunTask` call (camelCase, as the AWS SDK
 * sends it) and checks it as {@link readRunTaskRequest} does. Errors are
 * {@link EcsApiError}s with ECS's codes. A family the config does not list
 * gets ECS's own `ClientException` message, followed by what to change.
 *
 * @example
 * const { request } = readRunTaskApiRequest(config, { taskDefinition: 'RenderPdf', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } } });
 */
export function readRunTaskApiRequest(config: EcsConfig, input: unknown): { request: RunTaskRequest; family: EcsFamilyConfig } {
  const fail = (code: string, message: string): EcsApiError => new EcsApiError(code, message);
  return parseRunTaskRequest(config, toPascalCase(input), {
    fail,
    // `Overrides.ContainerOverrides[0].Command` → `overrides.containerOverrides[0].command`: the API's own names.
    field: (name) => name.replace(/(^|\.)([A-Z])/g, (_match, dot: string, letter: string) => dot + letter.toLowerCase()),
    unknownFamily: (family) => fail(UNKNOWN_TASK_DEFINITION[0], `${UNKNOWN_TASK_DEFINITION[1]} ${unknownFamilyHint(config, family)}`),
  });
}

/** What ECS answers RunTask for a family it has no task definition of. */
const UNKNOWN_TASK_DEFINITION = ['ClientException', 'Unable to describe task definition.'] as const;

/** How one caller (Step Functions or the ECS API) names fields and reports errors. */
interface Dialect {
  fail(code: string, message: string): Error;
  field(pascalCaseName: string): string;
  unknownFamily(family: string): Error;
}

function parseRunTaskRequest(config: EcsConfig, input: unknown, dialect: Dialect): { request: RunTaskRequest; family: EcsFamilyConfig } {
  const parameters = isRecord(input) ? input : {};
  const { fail } = dialect;
  const { family: familyName, revision } = readTaskDefinition(parameters.TaskDefinition, dialect);
  const family = Object.hasOwn(config.families, familyName) ? config.families[familyName] : undefined;
  if (!family) throw dialect.unknownFamily(familyName);

  const containerOverrides = readContainerOverrides(parameters.Overrides, dialect);
  // ECS counts the JSON of the overrides it receives, formatting characters included.
  if (JSON.stringify(containerOverrides).length > MAX_OVERRIDES_CHARACTERS) {
    throw fail('InvalidParameterException', `Container Overrides length must be at most ${MAX_OVERRIDES_CHARACTERS}`);
  }
  for (const override of containerOverrides) {
    if (!family.containers.some((container) => container.name === override.name)) {
      throw fail('InvalidParameterException', `Override for container named ${String(override.name)} is not a container in the TaskDefinition.`);
    }
  }

  // The doubles' task definitions are Fargate, network mode awsvpc (see template.ts).
  const subnets = readSubnets(parameters.NetworkConfiguration);
  if (subnets.length === 0) {
    throw fail('InvalidParameterException', "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }

  const capacityProvider = readCapacityProvider(parameters.CapacityProviderStrategy);
  const string = (key: string): string | undefined => optionalString(parameters[key], key, dialect);
  const request: RunTaskRequest = {
    cluster: string('Cluster') ?? 'default',
    family: familyName,
    ...(revision !== undefined ? { revision } : {}),
    ...optional('launchType', string('LaunchType') ?? (capacityProvider ? undefined : 'FARGATE')),
    ...optional('capacityProvider', capacityProvider),
    ...optional('platformVersion', string('PlatformVersion')),
    ...optional('startedBy', string('StartedBy')),
    ...optional('group', string('Group')),
    subnets,
    containerOverrides,
    tags: readTags(parameters.Tags),
    enableExecuteCommand: parameters.EnableExecuteCommand === true,
  };
  return { request, family };
}

function readTaskDefinition(raw: unknown, dialect: Dialect): { family: string; revision?: number } {
  if (typeof raw !== 'string' || raw === '') {
    throw dialect.fail(
      'InvalidParameterException',
      `${dialect.field('TaskDefinition')} must be a task definition family, family:revision or ARN, not ${describeJsonValue(raw)}.`,
    );
  }
  const match = TASK_DEFINITION_ARN.exec(raw) ?? FAMILY_REVISION.exec(raw);
  if (!match?.[1]) throw dialect.fail(...UNKNOWN_TASK_DEFINITION);
  return { family: match[1], ...(match[2] !== undefined ? { revision: Number(match[2]) } : {}) };
}

function readContainerOverrides(raw: unknown, dialect: Dialect): ContainerOverride[] {
  const invalid = (field: string, value: unknown, expected: string): Error => invalidValue(dialect, field, value, expected);
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
      const [name, value] = [dialect.field('Name'), dialect.field('Value')];
      if (!Array.isArray(entry.Environment)) throw invalid(`${field}.Environment`, entry.Environment, `a list of {${name}, ${value}}`);
      override.environment = entry.Environment.map((variable: unknown, position): KeyValuePair => {
        if (!isRecord(variable) || typeof variable.Name !== 'string' || (variable.Value !== undefined && typeof variable.Value !== 'string')) {
          throw invalid(`${field}.Environment[${position}]`, variable, `{"${name}": string, "${value}": string}`);
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

function optionalString(raw: unknown, field: string, dialect: Dialect): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw invalidValue(dialect, field, raw, 'a string');
  return raw;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

// Step Functions hands ECS whatever the state's Parameters produced; ECS
// refuses values of the wrong type. The wording is harness's own (the exact
// AWS message for each field is not known to it).
function invalidValue(dialect: Dialect, field: string, value: unknown, expected: string): Error {
  return dialect.fail('InvalidParameterException', `${dialect.field(field)} must be ${expected}, not ${describeJsonValue(value)}.`);
}

/**
 * The ECS API's request (camelCase members) with Step Functions' PascalCase
 * member names, which is all that tells the two apart: RunTask's request has
 * no maps whose keys are data.
 */
function toPascalCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPascalCase);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key.charAt(0).toUpperCase() + key.slice(1), toPascalCase(entry)]));
}

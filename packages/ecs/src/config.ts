import { describeJsonValue, isRecord } from '@harness/core';
import { EcsConfigError } from './errors.js';

/** One container of an ECS task double, as the real task definition names it. */
export interface EcsContainerConfig {
  /** The container's name: `ContainerOverrides` of RunTask address it by this name. */
  readonly name: string;
  /** Whether the task stops when this container exits (ECS `essential`). */
  readonly essential: boolean;
}

/** One ECS task family to double, with every default filled in. */
export interface EcsFamilyConfig {
  /** The task definition family, as the workflow under test names it. */
  readonly family: string;
  readonly containers: readonly EcsContainerConfig[];
  /** Fargate CPU units. */
  readonly cpu: number;
  /** Fargate memory, in MiB. */
  readonly memory: number;
  /** The image every container runs; the container agent does not need to be in it. */
  readonly image: string;
  /** How long a container waits for the test's answer, in seconds. */
  readonly timeoutSeconds: number;
  /** The environment variable the workflow puts a task token in (`.waitForTaskToken`), if any. */
  readonly taskTokenVariable?: string;
}

/** The ECS adapter's validated configuration (`adapters.ecs` in harness.config.json). */
export interface EcsConfig {
  /** Families by name, in the order the config lists them. */
  readonly families: Readonly<Record<string, EcsFamilyConfig>>;
  /** Retention of the doubles' CloudWatch log group, in days. */
  readonly logRetentionDays: number;
}

/** Defaults of the ECS adapter's configuration. */
export const ECS_DEFAULTS = {
  image: 'node:20-slim',
  cpu: 256,
  memory: 512,
  timeoutSeconds: 900,
  logRetentionDays: 3,
} as const;

/**
 * Fargate's CPU units and the memory sizes (MiB) each allows (Linux).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
export const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

/** The values CloudWatch Logs accepts for a log group's retention. */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const NAME = /^[A-Za-z0-9_-]{1,255}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
/** ECS task definitions allow at most 10 containers. */
const MAX_CONTAINERS = 10;
const MAX_TIMEOUT_SECONDS = 86_400;
/** Output keys are `ContainerNames<alnum>` and logical ids `TaskDefinition<alnum>`: CloudFormation caps both at 255. */
const MAX_ALNUM_FAMILY = 240;

const ROOT = 'adapters.ecs';
const CONFIG_FIELDS = ['families', 'image', 'logRetentionDays'] as const;
const FAMILY_FIELDS = ['containers', 'cpu', 'memory', 'image', 'timeoutSeconds', 'taskTokenVariable'] as const;
const CONTAINER_FIELDS = ['name', 'essential'] as const;

/**
 * Validates the ECS adapter's raw configuration and fills in the defaults.
 * Errors name the field (`adapters.ecs.families.RenderPdf.cpu`) and the fix.
 *
 * @example
 * const config = parseEcsConfig({ families: { RenderPdf: { containers: ['Main', { name: 'Sidecar', essential: false }] } } });
 * config.families.RenderPdf.cpu; // 256
 */
export function parseEcsConfig(raw: unknown): EcsConfig {
  if (!isRecord(raw)) {
    throw new EcsConfigError(ROOT, `must be an object, not ${describeJsonValue(raw)}`, 'write {"families": {"RenderPdf": {"containers": ["Main"]}}}');
  }
  checkFields(raw, CONFIG_FIELDS, ROOT);

  const defaultImage = raw.image === undefined ? ECS_DEFAULTS.image : parseImage(raw.image, `${ROOT}.image`);

  let logRetentionDays: number = ECS_DEFAULTS.logRetentionDays;
  if (raw.logRetentionDays !== undefined) {
    if (typeof raw.logRetentionDays !== 'number' || !LOG_RETENTION_DAYS.includes(raw.logRetentionDays)) {
      throw new EcsConfigError(
        `${ROOT}.logRetentionDays`,
        `is ${describeJsonValue(raw.logRetentionDays)}, which CloudWatch Logs does not accept`,
        `use one of ${LOG_RETENTION_DAYS.join(', ')}`,
      );
    }
    logRetentionDays = raw.logRetentionDays;
  }

  const { families } = raw;
  if (families === undefined) {
    throw new EcsConfigError(
      `${ROOT}.families`,
      'is missing',
      'add the task families your workflow runs, e.g. "families": {"RenderPdf": {"containers": ["Main"]}}',
    );
  }
  if (!isRecord(families) || Object.keys(families).length === 0) {
    throw new EcsConfigError(
      `${ROOT}.families`,
      `must be an object with at least one family, not ${isRecord(families) ? 'an empty object' : describeJsonValue(families)}`,
      'add the task families your workflow runs, e.g. "families": {"RenderPdf": {"containers": ["Main"]}}',
    );
  }

  const parsed: Record<string, EcsFamilyConfig> = {};
  const byLogicalName = new Map<string, string>();
  for (const [family, value] of Object.entries(families)) {
    const familyField = `${ROOT}.families.${family}`;
    if (!NAME.test(family)) {
      throw new EcsConfigError(
        familyField,
        'is not a valid ECS task family name',
        'use 1-255 letters, digits, hyphens and underscores, exactly as the workflow names the family',
        family,
      );
    }
    const logicalName = familyLogicalName(family);
    if (logicalName.length === 0 || logicalName.length > MAX_ALNUM_FAMILY) {
      throw new EcsConfigError(
        familyField,
        logicalName.length === 0
          ? 'has no letter or digit, so it cannot name its stack outputs'
          : `has ${logicalName.length} letters and digits, too many for its stack output keys`,
        `use a family name with 1-${MAX_ALNUM_FAMILY} letters and digits`,
        family,
      );
    }
    const clash = byLogicalName.get(logicalName);
    if (clash !== undefined) {
      throw new EcsConfigError(
        familyField,
        `and families.${clash} differ only in hyphens and underscores, so their stack outputs would both be TaskDefinition${logicalName}`,
        'rename one of them',
        family,
      );
    }
    byLogicalName.set(logicalName, family);
    parsed[family] = parseFamily(family, value, familyField, defaultImage);
  }

  return { families: parsed, logRetentionDays };
}

function parseFamily(family: string, raw: unknown, field: string, defaultImage: string): EcsFamilyConfig {
  if (!isRecord(raw)) {
    throw new EcsConfigError(field, `must be an object, not ${describeJsonValue(raw)}`, 'write {"containers": ["Main"]}', family);
  }
  checkFields(raw, FAMILY_FIELDS, field, family);

  const containers = parseContainers(family, raw.containers, `${field}.containers`);
  const { cpu, memory } = parseSize(family, raw.cpu, raw.memory, field);
  const image = raw.image === undefined ? defaultImage : parseImage(raw.image, `${field}.image`, family);

  let timeoutSeconds: number = ECS_DEFAULTS.timeoutSeconds;
  if (raw.timeoutSeconds !== undefined) {
    if (!isInteger(raw.timeoutSeconds) || raw.timeoutSeconds < 1 || raw.timeoutSeconds > MAX_TIMEOUT_SECONDS) {
      throw new EcsConfigError(
        `${field}.timeoutSeconds`,
        `is ${describeJsonValue(raw.timeoutSeconds)}`,
        `use a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS} (default ${ECS_DEFAULTS.timeoutSeconds})`,
        family,
      );
    }
    timeoutSeconds = raw.timeoutSeconds;
  }

  let taskTokenVariable: string | undefined;
  if (raw.taskTokenVariable !== undefined) {
    if (typeof raw.taskTokenVariable !== 'string' || !ENV_NAME.test(raw.taskTokenVariable)) {
      throw new EcsConfigError(
        `${field}.taskTokenVariable`,
        `is ${describeJsonValue(raw.taskTokenVariable)}, not an environment variable name`,
        'use the name your workflow passes the task token in, e.g. "TASK_TOKEN" (letters, digits and underscores)',
        family,
      );
    }
    if (/^(HARNESS_|AWS_|ECS_)/i.test(raw.taskTokenVariable)) {
      throw new EcsConfigError(
        `${field}.taskTokenVariable`,
        `is "${raw.taskTokenVariable}", a name reserved for harness and AWS`,
        'pass the task token in a variable without the HARNESS_, AWS_ or ECS_ prefix, e.g. "TASK_TOKEN"',
        family,
      );
    }
    taskTokenVariable = raw.taskTokenVariable;
  }

  return {
    family,
    containers,
    cpu,
    memory,
    image,
    timeoutSeconds,
    ...(taskTokenVariable !== undefined ? { taskTokenVariable } : {}),
  };
}

function parseContainers(family: string, raw: unknown, field: string): EcsContainerConfig[] {
  if (raw === undefined) {
    throw new EcsConfigError(field, 'is missing', 'list the container names of the real task definition, e.g. "containers": ["Main"]', family);
  }
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_CONTAINERS) {
    throw new EcsConfigError(
      field,
      Array.isArray(raw) ? `has ${raw.length} containers` : `must be a list, not ${describeJsonValue(raw)}`,
      `list 1-${MAX_CONTAINERS} container names of the real task definition, e.g. ["Main", {"name": "Sidecar", "essential": false}]`,
      family,
    );
  }
  const containers: EcsContainerConfig[] = [];
  raw.forEach((entry: unknown, index) => {
    const entryField = `${field}[${index}]`;
    let container: EcsContainerConfig;
    if (typeof entry === 'string') {
      container = { name: entry, essential: true };
    } else if (isRecord(entry)) {
      checkFields(entry, CONTAINER_FIELDS, entryField, family);
      if (entry.essential !== undefined && typeof entry.essential !== 'boolean') {
        throw new EcsConfigError(`${entryField}.essential`, `is ${describeJsonValue(entry.essential)}`, 'use true or false (default true)', family);
      }
      if (typeof entry.name !== 'string') {
        throw new EcsConfigError(
          `${entryField}.name`,
          entry.name === undefined ? 'is missing' : `is ${describeJsonValue(entry.name)}`,
          'give the container\'s name as a string, e.g. {"name": "Sidecar", "essential": false}',
          family,
        );
      }
      container = { name: entry.name, essential: entry.essential ?? true };
    } else {
      throw new EcsConfigError(
        entryField,
        `is ${describeJsonValue(entry)}`,
        'give a container name ("Main") or {"name": "Sidecar", "essential": false}',
        family,
      );
    }
    if (!NAME.test(container.name)) {
      throw new EcsConfigError(
        entryField,
        `is ${JSON.stringify(container.name)}, not a valid ECS container name`,
        'use 1-255 letters, digits, hyphens and underscores, exactly as the real task definition names the container',
        family,
      );
    }
    if (containers.some((other) => other.name === container.name)) {
      throw new EcsConfigError(
        entryField,
        `repeats the container name ${JSON.stringify(container.name)}`,
        'give each container of a family its own name',
        family,
      );
    }
    containers.push(container);
  });
  if (!containers.some((container) => container.essential)) {
    throw new EcsConfigError(field, 'has no essential container, which ECS refuses', 'leave at least one container essential (the default)', family);
  }
  return containers;
}

function parseSize(family: string, rawCpu: unknown, rawMemory: unknown, field: string): { cpu: number; memory: number } {
  const cpus = [...FARGATE_SIZES.keys()];
  if (rawCpu !== undefined && (!isInteger(rawCpu) || !FARGATE_SIZES.has(rawCpu))) {
    throw new EcsConfigError(`${field}.cpu`, `is ${describeJsonValue(rawCpu)}, which Fargate does not offer`, `use one of ${cpus.join(', ')}`, family);
  }
  if (rawMemory !== undefined && !isInteger(rawMemory)) {
    throw new EcsConfigError(`${field}.memory`, `is ${describeJsonValue(rawMemory)}`, 'give the memory in MiB as a whole number, e.g. 512', family);
  }
  if (rawCpu === undefined && rawMemory === undefined) return { cpu: ECS_DEFAULTS.cpu, memory: ECS_DEFAULTS.memory };
  if (rawCpu === undefined) {
    const memory = rawMemory as number;
    const cpu = cpus.find((candidate) => FARGATE_SIZES.get(candidate)?.includes(memory));
    if (cpu === undefined) {
      throw new EcsConfigError(
        `${field}.memory`,
        `is ${memory}, which no Fargate size offers`,
        'use a size Fargate offers (512, 1024, 2048, then multiples of 1024 up to 30720, of 4096 up to 61440, of 8192 up to 122880), or set cpu too',
        family,
      );
    }
    return { cpu, memory };
  }
  const cpu = rawCpu as number;
  const memories = FARGATE_SIZES.get(cpu) ?? [];
  if (rawMemory === undefined) return { cpu, memory: memories[0] ?? ECS_DEFAULTS.memory };
  const memory = rawMemory as number;
  if (!memories.includes(memory)) {
    throw new EcsConfigError(
      `${field}.memory`,
      `is ${memory}, which Fargate does not offer with cpu ${cpu}`,
      `use one of ${describeSizes(memories)} with cpu ${cpu}, or change cpu`,
      family,
    );
  }
  return { cpu, memory };
}

function parseImage(raw: unknown, field: string, family?: string): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 255 || /\s/.test(raw)) {
    throw new EcsConfigError(
      field,
      `is ${describeJsonValue(raw)}, not an image reference`,
      `give an image that has node 20 or later, e.g. "${ECS_DEFAULTS.image}" (the default)`,
      family,
    );
  }
  return raw;
}

/** The family name with only its letters and digits: the suffix of its logical ids and output keys. */
export function familyLogicalName(family: string): string {
  return family.replace(/[^A-Za-z0-9]/g, '');
}

function checkFields(raw: Record<string, unknown>, allowed: readonly string[], field: string, family?: string): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) {
      throw new EcsConfigError(`${field}.${key}`, 'is not an ECS adapter setting', `remove it, or use one of ${allowed.join(', ')}`, family);
    }
  }
}

function describeSizes(values: readonly number[]): string {
  return values.length > 4 ? `${values[0]}-${values[values.length - 1]} in steps of ${(values[1] ?? 0) - (values[0] ?? 0)}` : values.join(', ');
}

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}


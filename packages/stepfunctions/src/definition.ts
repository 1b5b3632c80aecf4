import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeJsonValue, isRecord } from '@harness/core';
import { validateDefinition as validateAsl } from './engine/model/validate.js';
import { DefinitionSourceError, InvalidDefinitionError, type DefinitionProblem } from './errors.js';

/** One state of an Amazon States Language definition. Fields other than `Type` depend on the type. */
export interface AslState {
  readonly Type: string;
  readonly [field: string]: unknown;
}

/** A parsed Amazon States Language definition (the top level, or a `Parallel` branch / `Map` processor). */
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
  readonly Comment?: string;
  readonly TimeoutSeconds?: number;
  readonly Version?: string;
  readonly QueryLanguage?: string;
  readonly [field: string]: unknown;
}

/** A CloudFormation template holding one or more `AWS::StepFunctions::StateMachine` resources (JSON form). */
export interface StateMachineTemplate {
  readonly Resources: Readonly<Record<string, unknown>>;
  readonly Parameters?: Readonly<Record<string, unknown>>;
}

/**
 * Where a definition comes from: an ASL object, a CloudFormation template
 * object, or a path to a JSON file holding either (`.json`, `.asl.json`,
 * `.template.json`…).
 */
export type DefinitionSource = AslDefinition | StateMachineTemplate | string;

export interface LoadDefinitionOptions {
  /** The logical id of the state machine in a template; needed when it has more than one. */
  readonly stateMachine?: string;
  /**
   * Values for `${Name}` placeholders, `Ref`s and `Fn::GetAtt`s (`'Worker.Arn'`)
   * in a template. They win over `DefinitionSubstitutions`, parameter defaults
   * and the ARNs the loader derives for resources of the template.
   */
  readonly substitutions?: Readonly<Record<string, string>>;
  /** Region used for derived ARNs and `AWS::Region`. Default `us-east-1`. */
  readonly region?: string;
  /** Account used for derived ARNs and `AWS::AccountId`. Default `123456789012`. */
  readonly accountId?: string;
}

const STATE_MACHINE_TYPES = new Set(['AWS::StepFunctions::StateMachine', 'AWS::Serverless::StateMachine']);

/**
 * Loads and validates a state machine definition.
 *
 * From a CloudFormation template it picks the `AWS::StepFunctions::StateMachine`
 * (by logical id when there are several) and resolves its `Definition` or
 * `DefinitionString` (a string, `Fn::Sub` or `Fn::Join`) with its
 * `DefinitionSubstitutions` and the `substitutions` given. `Ref` / `Fn::GetAtt`
 * to resources of the template become ARNs of the same shape AWS gives them.
 *
 * @throws {DefinitionSourceError} the source cannot be read or has no such state machine.
 * @throws {InvalidDefinitionError} the definition is not valid ASL; lists every problem with its state.
 *
 * @example
 * const definition = loadDefinition('./infrastructure/template.json', {
 *   stateMachine: 'OrderFlow',
 *   substitutions: { RenderTaskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/RenderPdf:1' },
 * });
 */
export function loadDefinition(source: DefinitionSource, options: LoadDefinitionOptions = {}): AslDefinition {
  let raw: unknown = source;
  let description = 'the object given';
  if (typeof source === 'string') {
    description = source;
    raw = readJsonFile(source);
  }
  if (isRecord(raw) && 'Resources' in raw) {
    const { definition, where } = definitionFromTemplate(raw, description, options);
    return checked(definition, where);
  }
  if (!isRecord(raw)) {
    throw new DefinitionSourceError(
      `${description} is ${describeJsonValue(raw)}, not a state machine definition. ` +
        'To fix this, give an ASL object ({"StartAt": …, "States": {…}}), a CloudFormation template, or a path to a JSON file with either.',
    );
  }
  return checked(raw, description);
}

function checked(definition: unknown, source: string): AslDefinition {
  const problems = validateDefinition(definition);
  if (problems.length > 0) throw new InvalidDefinitionError(problems, source);
  return definition as AslDefinition;
}

function readJsonFile(path: string): unknown {
  if (/\.ya?ml$/i.test(path)) {
    throw new DefinitionSourceError(
      `${path} is YAML, which loadDefinition does not read (it has no YAML dependency). ` +
        'To fix this, convert it to JSON (e.g. `cfn-flip`), or parse it yourself and pass the object.',
    );
  }
  let text: string;
  try {
    text = readFileSync(resolve(path), 'utf8');
  } catch (error) {
    throw new DefinitionSourceError(
      `Cannot read the state machine definition ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). ` +
        'To fix this, give a path relative to the working directory, or an absolute one.',
      { cause: error },
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DefinitionSourceError(
      `${path} is not valid JSON (${(error as Error).message}). To fix this, correct the file, or pass the definition as an object.`,
      { cause: error },
    );
  }
}

// ----- CloudFormation -----

function definitionFromTemplate(
  template: Record<string, unknown>,
  description: string,
  options: LoadDefinitionOptions,
): { definition: unknown; where: string } {
  const resources = isRecord(template.Resources) ? template.Resources : {};
  const machines = Object.entries(resources)
    .filter(([, resource]) => isRecord(resource) && typeof resource.Type === 'string' && STATE_MACHINE_TYPES.has(resource.Type))
    .map(([logicalId]) => logicalId);
  let logicalId = options.stateMachine;
  if (logicalId === undefined) {
    if (machines.length !== 1) {
      throw new DefinitionSourceError(
        machines.length === 0
          ? `${description} has no AWS::StepFunctions::StateMachine resource. To fix this, give the template that defines the workflow, or its ASL definition.`
          : `${description} has ${machines.length} state machines (${machines.join(', ')}). To fix this, pick one with { stateMachine: '<logical id>' }.`,
      );
    }
    logicalId = machines[0] as string;
  } else if (!machines.includes(logicalId)) {
    throw new DefinitionSourceError(
      `${description} has no state machine with logical id '${logicalId}' (state machines: ${machines.join(', ') || 'none'}). ` +
        'To fix this, use the logical id of the AWS::StepFunctions::StateMachine resource, as the template spells it.',
    );
  }
  const where = `${description} (resource ${logicalId})`;
  const properties = (resources[logicalId] as Record<string, unknown>).Properties;
  const props = isRecord(properties) ? properties : {};
  const resolver = new TemplateResolver(template, props, options, where);

  if (props.Definition !== undefined) {
    const resolved = resolver.resolve(props.Definition, 'Definition');
    return { definition: resolver.substituteStrings(resolved), where };
  }
  if (props.DefinitionString !== undefined) {
    const text = resolver.resolve(props.DefinitionString, 'DefinitionString');
    if (typeof text !== 'string') {
      throw new DefinitionSourceError(`${where}: DefinitionString resolves to ${describeJsonValue(text)}, not a string. To fix this, make it a JSON string, Fn::Sub or Fn::Join.`);
    }
    const substituted = resolver.substituteText(text);
    try {
      return { definition: JSON.parse(substituted), where };
    } catch (error) {
      throw new DefinitionSourceError(
        `${where}: DefinitionString is not valid JSON once resolved (${(error as Error).message}): ${substituted.slice(0, 200)}. ` +
          'To fix this, check its substitutions produce JSON (strings inside the definition need their quotes).',
        { cause: error },
      );
    }
  }
  const other = props.DefinitionS3Location !== undefined || props.DefinitionUri !== undefined;
  throw new DefinitionSourceError(
    `${where} has ${other ? 'its definition in S3 (DefinitionS3Location / DefinitionUri)' : 'no Definition or DefinitionString'}. ` +
      'To fix this, load the definition file itself: loadDefinition(\'./path/to/definition.asl.json\').',
  );
}

/** Ref / Fn::GetAtt return values AWS gives, by resource type, from the resource's name. */
const RESOURCE_VALUES: Readonly<Record<string, { nameProperty: string; ref: 'name' | 'arn'; arn: (name: string, env: ArnEnv) => string }>> = {
  'AWS::StepFunctions::StateMachine': { nameProperty: 'StateMachineName', ref: 'arn', arn: (name, env) => `arn:${env.partition}:states:${env.region}:${env.accountId}:stateMachine:${name}` },
  'AWS::Serverless::StateMachine': { nameProperty: 'Name', ref: 'arn', arn: (name, env) => `arn:${env.partition}:states:${env.region}:${env.accountId}:stateMachine:${name}` },
  'AWS::Lambda::Function': { nameProperty: 'FunctionName', ref: 'name', arn: (name, env) => `arn:${env.partition}:lambda:${env.region}:${env.accountId}:function:${name}` },
  'AWS::Serverless::Function': { nameProperty: 'FunctionName', ref: 'name', arn: (name, env) => `arn:${env.partition}:lambda:${env.region}:${env.accountId}:function:${name}` },
  'AWS::ECS::TaskDefinition': { nameProperty: 'Family', ref: 'arn', arn: (name, env) => `arn:${env.partition}:ecs:${env.region}:${env.accountId}:task-definition/${name}:1` },
  'AWS::ECS::Cluster': { nameProperty: 'ClusterName', ref: 'name', arn: (name, env) => `arn:${env.partition}:ecs:${env.region}:${env.accountId}:cluster/${name}` },
  'AWS::SQS::Queue': { nameProperty: 'QueueName', ref: 'name', arn: (name, env) => `arn:${env.partition}:sqs:${env.region}:${env.accountId}:${name}` },
  'AWS::SNS::Topic': { nameProperty: 'TopicName', ref: 'arn', arn: (name, env) => `arn:${env.partition}:sns:${env.region}:${env.accountId}:${name}` },
  'AWS::DynamoDB::Table': { nameProperty: 'TableName', ref: 'name', arn: (name, env) => `arn:${env.partition}:dynamodb:${env.region}:${env.accountId}:table/${name}` },
  'AWS::S3::Bucket': { nameProperty: 'BucketName', ref: 'name', arn: (name, env) => `arn:${env.partition}:s3:::${name}` },
  'AWS::IAM::Role': { nameProperty: 'RoleName', ref: 'name', arn: (name, env) => `arn:${env.partition}:iam::${env.accountId}:role/${name}` },
  'AWS::Events::EventBus': { nameProperty: 'Name', ref: 'name', arn: (name, env) => `arn:${env.partition}:events:${env.region}:${env.accountId}:event-bus/${name}` },
};

interface ArnEnv {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/** Resolves the intrinsic functions a state machine resource's definition uses, the way CloudFormation would. */
class TemplateResolver {
  private readonly env: ArnEnv;
  private readonly definitionSubstitutions: Record<string, unknown>;

  constructor(
    private readonly template: Record<string, unknown>,
    properties: Record<string, unknown>,
    private readonly options: LoadDefinitionOptions,
    private readonly where: string,
  ) {
    this.env = { partition: 'aws', region: options.region ?? 'us-east-1', accountId: options.accountId ?? '123456789012' };
    this.definitionSubstitutions = isRecord(properties.DefinitionSubstitutions) ? properties.DefinitionSubstitutions : {};
  }

  resolve(value: unknown, path: string): unknown {
    if (Array.isArray(value)) return value.map((item, index) => this.resolve(item, `${path}[${index}]`));
    if (!isRecord(value)) return value;
    const keys = Object.keys(value);
    const [key] = keys;
    if (keys.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::'))) {
      return this.intrinsic(key, value[key], path);
    }
    return Object.fromEntries(Object.entries(value).map(([field, inner]) => [field, this.resolve(inner, `${path}.${field}`)]));
  }

  /** `${Name}` placeholders of DefinitionSubstitutions in a definition string (unknown ones stay, as text). */
  substituteText(text: string): string {
    return text.replace(/\$\{([A-Za-z0-9_.:-]+)\}/g, (whole, name: string) => this.definitionSubstitution(name) ?? whole);
  }

  /** Applies DefinitionSubstitutions to every string of a resolved `Definition` object. */
  substituteStrings(value: unknown): unknown {
    if (typeof value === 'string') return this.substituteText(value);
    if (Array.isArray(value)) return value.map((item) => this.substituteStrings(item));
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([field, inner]) => [field, this.substituteStrings(inner)]));
    return value;
  }

  private definitionSubstitution(name: string): string | undefined {
    const given = this.options.substitutions?.[name];
    if (given !== undefined) return given;
    if (!(name in this.definitionSubstitutions)) return undefined;
    const resolved = this.resolve(this.definitionSubstitutions[name], `DefinitionSubstitutions.${name}`);
    return typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
  }

  private intrinsic(name: string, argument: unknown, path: string): unknown {
    switch (name) {
      case 'Ref':
        if (typeof argument !== 'string') throw this.unusable(path, 'Ref takes a name');
        return this.lookup(argument, undefined, path);
      case 'Fn::GetAtt': {
        const parts = typeof argument === 'string' ? argument.split('.') : argument;
        if (!Array.isArray(parts) || parts.length !== 2 || !parts.every((part) => typeof part === 'string')) {
          throw this.unusable(path, 'Fn::GetAtt takes [logicalId, attribute]');
        }
        return this.lookup(parts[0] as string, parts[1] as string, path);
      }
      case 'Fn::Join': {
        if (!Array.isArray(argument) || argument.length !== 2 || typeof argument[0] !== 'string' || !Array.isArray(argument[1])) {
          throw this.unusable(path, 'Fn::Join takes [delimiter, [values]]');
        }
        const items = this.resolve(argument[1], `${path}.Fn::Join`) as unknown[];
        return items.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(argument[0]);
      }
      case 'Fn::Sub': {
        let text: unknown = argument;
        let variables: Record<string, unknown> = {};
        if (Array.isArray(argument)) {
          [text] = argument;
          variables = isRecord(argument[1]) ? (this.resolve(argument[1], `${path}.Fn::Sub`) as Record<string, unknown>) : {};
        }
        if (typeof text !== 'string') throw this.unusable(path, 'Fn::Sub takes a string or [string, {variables}]');
        return text.replace(/\$\{(!?)([^}]*)\}/g, (whole, bang: string, inner: string) => {
          if (bang === '!') return `\${${inner}}`;
          const key = inner.trim();
          if (key in variables) return String(variables[key]);
          const dot = key.indexOf('.');
          const value = this.definitionSubstitution(key) ?? (dot > 0 ? this.lookup(key.slice(0, dot), key.slice(dot + 1), path) : this.lookup(key, undefined, path));
          return typeof value === 'string' ? value : JSON.stringify(value);
        });
      }
      case 'Fn::Select': {
        if (!Array.isArray(argument) || argument.length !== 2) throw this.unusable(path, 'Fn::Select takes [index, [values]]');
        const index = Number(this.resolve(argument[0], path));
        const list = this.resolve(argument[1], path);
        if (!Array.isArray(list) || !(index in list)) throw this.unusable(path, `Fn::Select index ${index} is out of range`);
        return list[index];
      }
      default:
        throw new DefinitionSourceError(
          `${this.where}: ${path} uses ${name}, which loadDefinition does not resolve (it resolves Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select). ` +
            'To fix this, pass the resolved value in { substitutions }, or load the definition from its own file.',
        );
    }
  }

  private lookup(logicalId: string, attribute: string | undefined, path: string): unknown {
    const key = attribute === undefined ? logicalId : `${logicalId}.${attribute}`;
    const given = this.options.substitutions?.[key];
    if (given !== undefined) return given;
    const pseudo: Record<string, string> = {
      'AWS::Region': this.env.region,
      'AWS::AccountId': this.env.accountId,
      'AWS::Partition': this.env.partition,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': 'local',
      'AWS::NoValue': '',
    };
    if (attribute === undefined && key in pseudo) return pseudo[key];
    const parameters = isRecord(this.template.Parameters) ? this.template.Parameters : {};
    const parameter = parameters[logicalId];
    if (attribute === undefined && isRecord(parameter)) {
      if (parameter.Default !== undefined) return String(parameter.Default);
      throw this.unresolved(path, key, `parameter ${logicalId} has no Default`);
    }
    const resources = isRecord(this.template.Resources) ? this.template.Resources : {};
    const resource = resources[logicalId];
    if (isRecord(resource) && typeof resource.Type === 'string') {
      const known = RESOURCE_VALUES[resource.Type];
      if (known) {
        const props = isRecord(resource.Properties) ? resource.Properties : {};
        const nameProperty = props[known.nameProperty];
        const name = typeof nameProperty === 'string' ? nameProperty : logicalId;
        if (attribute === undefined) return known.ref === 'arn' ? known.arn(name, this.env) : name;
        if (attribute === 'Arn') return known.arn(name, this.env);
        if (attribute === 'Name' || attribute === known.nameProperty) return name;
      }
      throw this.unresolved(path, key, `loadDefinition cannot derive it for a ${resource.Type}`);
    }
    throw this.unresolved(path, key, 'the template has no such parameter or resource');
  }

  private unresolved(path: string, key: string, why: string): DefinitionSourceError {
    return new DefinitionSourceError(
      `${this.where}: ${path} refers to ${key}, which loadDefinition cannot resolve (${why}). To fix this, pass it: { substitutions: { '${key}': '…' } }.`,
    );
  }

  private unusable(path: string, why: string): DefinitionSourceError {
    return new DefinitionSourceError(`${this.where}: ${path} is malformed: ${why}. To fix this, correct the template.`);
  }
}

// ----- validation -----

/**
 * The problems Step Functions would refuse a definition for, with AWS's
 * ValidateStateMachineDefinition codes and messages, each with where it is
 * (`/States/Check/Next`) and the state it belongs to. Empty when valid.
 *
 * @example
 * validateDefinition({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } });
 * // [{ path: '/States/A/Next', state: 'A', code: 'MISSING_TRANSITION_TARGET', problem: 'Missing \'Next\' target: B' }]
 */
export function validateDefinition(definition: unknown): DefinitionProblem[] {
  return validateAsl(definition)
    .filter((diagnostic) => diagnostic.severity === 'ERROR')
    .map((diagnostic) => ({
      path: diagnostic.location === '' ? '(root)' : diagnostic.location,
      ...(diagnostic.state !== undefined ? { state: diagnostic.state } : {}),
      code: diagnostic.code,
      problem: diagnostic.message,
    }));
}

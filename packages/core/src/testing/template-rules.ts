import { isRecord } from '../validation.js';

/**
 * What `harness deploy` can deploy: an adapter's template goes to
 * CloudFormation as it is (CreateStack / UpdateStack with
 * `CAPABILITY_NAMED_IAM` only, no parameters, through S3 when over 51,200
 * bytes). Each rule returns the problems it found, as sentences that start
 * with the path of the offending value (`Resources.Role.Properties.Policies`).
 */

/** The sections a `CloudFormationTemplate` declares; any other is refused. */
const TEMPLATE_SECTIONS = ['AWSTemplateFormatVersion', 'Description', 'Parameters', 'Resources', 'Outputs'];
/** The attributes a `CloudFormationResource` declares. */
const RESOURCE_ATTRIBUTES = ['Type', 'Properties', 'DependsOn', 'DeletionPolicy', 'UpdateReplacePolicy'];
const POLICIES = ['Delete', 'Retain', 'Snapshot'];
const LOGICAL_ID = /^[A-Za-z0-9]{1,255}$/;
const RESOURCE_TYPE = /^(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+|Custom::[A-Za-z0-9_@-]{1,60})$/;

/** Intrinsic functions CloudFormation resolves without a transform, and that need no section the contract refuses. */
export const ALLOWED_INTRINSICS = ['Ref', 'Fn::GetAtt', 'Fn::Sub', 'Fn::Join', 'Fn::Select', 'Fn::Split', 'Fn::Base64'] as const;

/** Why the other intrinsic functions are refused. */
const REFUSED_INTRINSICS: Readonly<Record<string, string>> = {
  'Fn::Transform': 'a macro, which needs CAPABILITY_AUTO_EXPAND (harness deploy does not pass it)',
  'Fn::ImportValue': 'a cross-stack import: the core names come in the template context, and an import would pin the exporting stack',
  'Fn::If': 'a condition, and harness templates have no Conditions section',
  'Fn::Equals': 'a condition, and harness templates have no Conditions section',
  'Fn::And': 'a condition, and harness templates have no Conditions section',
  'Fn::Or': 'a condition, and harness templates have no Conditions section',
  'Fn::Not': 'a condition, and harness templates have no Conditions section',
  'Fn::FindInMap': 'a mapping lookup, and harness templates have no Mappings section',
  'Fn::Length': 'part of the AWS::LanguageExtensions transform',
  'Fn::ToJsonString': 'part of the AWS::LanguageExtensions transform',
  'Fn::ForEach': 'part of the AWS::LanguageExtensions transform',
};

/** Pseudo parameters a `Ref` or `${…}` may name. */
const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/** CloudFormation quotas a harness stack must stay within. */
export const TEMPLATE_LIMITS = { resources: 500, outputs: 200, parameters: 200, bytes: 1_000_000, descriptionBytes: 1024 } as const;

/**
 * Values that do not survive `JSON.stringify` as they are (undefined, functions,
 * NaN, Dates, class instances…): the template the CLI deploys would not be the
 * one the adapter built.
 */
export function plainJsonProblems(value: unknown, path: string): string[] {
  const problems: string[] = [];
  const walk = (item: unknown, at: string): void => {
    if (item === null || typeof item === 'string' || typeof item === 'boolean') return;
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) problems.push(`${at} is ${item}, which JSON writes as null`);
      return;
    }
    if (item === undefined) {
      problems.push(`${at} is undefined, which JSON leaves out`);
      return;
    }
    if (typeof item !== 'object') {
      problems.push(`${at} is a ${typeof item}, which is not JSON`);
      return;
    }
    if (Array.isArray(item)) {
      item.forEach((entry, index) => walk(entry, `${at}[${index}]`));
      return;
    }
    const prototype = Object.getPrototypeOf(item) as unknown;
    if (prototype !== Object.prototype && prototype !== null) {
      const name = (item as { constructor?: { name?: string } }).constructor?.name ?? 'an object with a prototype';
      problems.push(`${at} is a ${name}, not a plain object`);
      return;
    }
    for (const [key, entry] of Object.entries(item)) walk(entry, `${at}.${key}`);
  };
  walk(value, path);
  return problems;
}

/** The sections: format version, only declared sections, at least one resource, every parameter with a default, a short description. */
export function sectionProblems(template: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (template.AWSTemplateFormatVersion !== '2010-09-09') {
    problems.push(`AWSTemplateFormatVersion is ${JSON.stringify(template.AWSTemplateFormatVersion)}, not '2010-09-09'`);
  }
  for (const key of Object.keys(template)) {
    if (!TEMPLATE_SECTIONS.includes(key)) {
      problems.push(
        key === 'Transform'
          ? 'Transform is a macro: harness deploy passes no CAPABILITY_AUTO_EXPAND, so CloudFormation refuses the stack'
          : `${key} is not a section of CloudFormationTemplate (${TEMPLATE_SECTIONS.join(', ')})`,
      );
    }
  }
  if (template.Description !== undefined) {
    if (typeof template.Description !== 'string') problems.push('Description is not a string');
    else if (Buffer.byteLength(template.Description) > TEMPLATE_LIMITS.descriptionBytes) {
      problems.push(`Description is over ${TEMPLATE_LIMITS.descriptionBytes} bytes, CloudFormation's limit`);
    }
  }
  if (!isRecord(template.Resources) || Object.keys(template.Resources).length === 0) {
    problems.push('Resources is missing or empty: CloudFormation needs at least one resource');
  }
  if (template.Parameters !== undefined) {
    if (!isRecord(template.Parameters)) problems.push('Parameters is not an object');
    else {
      for (const [name, parameter] of Object.entries(template.Parameters)) {
        if (!isRecord(parameter) || typeof parameter.Type !== 'string') problems.push(`Parameters.${name} has no Type`);
        else if (parameter.Default === undefined) {
          problems.push(`Parameters.${name} has no Default: harness deploy passes no parameter values, so the stack would not create`);
        }
      }
    }
  }
  if (template.Outputs !== undefined && !isRecord(template.Outputs)) problems.push('Outputs is not an object');
  return problems;
}

/** Each resource: an alphanumeric logical id, a Type CloudFormation deploys without a transform or a child template, only declared attributes. */
export function resourceProblems(template: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const resources = isRecord(template.Resources) ? template.Resources : {};
  for (const [id, resource] of Object.entries(resources)) {
    const at = `Resources.${id}`;
    if (!LOGICAL_ID.test(id)) problems.push(`${at}: the logical id is not 1-255 letters and digits`);
    if (!isRecord(resource)) {
      problems.push(`${at} is not an object`);
      continue;
    }
    const type = resource.Type;
    if (typeof type !== 'string' || !RESOURCE_TYPE.test(type)) {
      problems.push(`${at}.Type is ${JSON.stringify(type)}, not a resource type (AWS::Service::Resource or Custom::Name)`);
    } else if (type.startsWith('AWS::Serverless::')) {
      problems.push(`${at}.Type is ${type}, which needs the AWS::Serverless transform (a macro harness deploy cannot run)`);
    } else if (type === 'AWS::CloudFormation::Stack') {
      problems.push(`${at}.Type is a nested stack, whose child template harness deploy does not upload`);
    }
    for (const key of Object.keys(resource)) {
      if (!RESOURCE_ATTRIBUTES.includes(key)) problems.push(`${at}.${key} is not an attribute of CloudFormationResource (${RESOURCE_ATTRIBUTES.join(', ')})`);
    }
    if (resource.Properties !== undefined && !isRecord(resource.Properties)) problems.push(`${at}.Properties is not an object`);
    for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy']) {
      const value = resource[policy];
      if (value !== undefined && !POLICIES.includes(value as string)) problems.push(`${at}.${policy} is ${JSON.stringify(value)}, not one of ${POLICIES.join(', ')}`);
    }
    const dependsOn = resource.DependsOn;
    if (dependsOn !== undefined) {
      const targets = typeof dependsOn === 'string' ? [dependsOn] : Array.isArray(dependsOn) ? dependsOn : [undefined];
      for (const target of targets) {
        if (typeof target !== 'string' || !(target in resources)) problems.push(`${at}.DependsOn names ${JSON.stringify(target)}, which is not a resource of the template`);
        else if (target === id) problems.push(`${at}.DependsOn names the resource itself`);
      }
    }
  }
  return problems;
}

/**
 * Intrinsic functions: only {@link ALLOWED_INTRINSICS}, each alone in its
 * object, and every `Ref`, `Fn::GetAtt` and `${…}` naming a resource, a
 * parameter or a pseudo parameter of this template.
 */
export function intrinsicProblems(template: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const resources = new Set(Object.keys(isRecord(template.Resources) ? template.Resources : {}));
  const parameters = new Set(Object.keys(isRecord(template.Parameters) ? template.Parameters : {}));
  const referable = (name: string): boolean => resources.has(name) || parameters.has(name) || PSEUDO_PARAMETERS.has(name);

  const checkSub = (text: string, variables: ReadonlySet<string>, at: string): void => {
    for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
      const name = (match[1] ?? '').trim();
      if (name.startsWith('!')) continue; // `${!Literal}` is written as `${Literal}`.
      if (variables.has(name) || referable(name)) continue;
      const dot = name.indexOf('.');
      if (dot > 0 && resources.has(name.slice(0, dot))) continue; // `${Resource.Attribute}`
      problems.push(`${at} refers to \${${name}}, which is not a resource, parameter, pseudo parameter or Fn::Sub variable of the template`);
    }
  };

  const walk = (value: unknown, at: string): void => {
    if (Array.isArray(value)) {
      value.forEach((entry, index) => walk(entry, `${at}[${index}]`));
      return;
    }
    if (!isRecord(value)) return;
    const keys = Object.keys(value);
    const functions = keys.filter((key) => key === 'Ref' || key.startsWith('Fn::'));
    if (functions.length === 0) {
      for (const key of keys) walk(value[key], `${at}.${key}`);
      return;
    }
    if (keys.length > 1) {
      problems.push(`${at} has ${keys.join(', ')}: an intrinsic function must be the only key of its object`);
      return;
    }
    const name = functions[0] as string;
    const argument = value[name];
    const here = `${at}.${name}`;
    if (!(ALLOWED_INTRINSICS as readonly string[]).includes(name)) {
      const reason = REFUSED_INTRINSICS[name] ?? `not one of ${ALLOWED_INTRINSICS.join(', ')}`;
      problems.push(`${at} uses ${name}, which harness deploy cannot deploy: it is ${reason}`);
      return;
    }
    switch (name) {
      case 'Ref':
        if (typeof argument !== 'string') problems.push(`${here} is not a name`);
        else if (!referable(argument)) problems.push(`${here} names ${argument}, which is not a resource, parameter or pseudo parameter of the template`);
        return;
      case 'Fn::GetAtt': {
        const parts = typeof argument === 'string' ? [argument.slice(0, argument.indexOf('.')), argument.slice(argument.indexOf('.') + 1)] : argument;
        if (!Array.isArray(parts) || parts.length !== 2 || typeof parts[0] !== 'string' || parts[0] === '') {
          problems.push(`${here} is not [logicalId, attribute]`);
        } else if (!resources.has(parts[0])) {
          problems.push(`${here} names ${parts[0]}, which is not a resource of the template`);
        }
        if (Array.isArray(parts)) walk(parts[1], `${here}[1]`);
        return;
      }
      case 'Fn::Sub': {
        if (typeof argument === 'string') {
          checkSub(argument, new Set(), here);
        } else if (Array.isArray(argument) && argument.length === 2 && typeof argument[0] === 'string' && isRecord(argument[1])) {
          checkSub(argument[0], new Set(Object.keys(argument[1])), here);
          walk(argument[1], `${here}[1]`);
        } else {
          problems.push(`${here} is not a string or [string, { variables }]`);
        }
        return;
      }
      default:
        walk(argument, here);
    }
  };

  for (const [id, resource] of Object.entries(isRecord(template.Resources) ? template.Resources : {})) {
    if (isRecord(resource)) walk(resource.Properties, `Resources.${id}.Properties`);
  }
  for (const [key, output] of Object.entries(isRecord(template.Outputs) ? template.Outputs : {})) {
    if (isRecord(output)) {
      walk(output.Value, `Outputs.${key}.Value`);
      walk(output.Export, `Outputs.${key}.Export`);
    }
  }
  return problems;
}

/** Outputs: alphanumeric keys, a string (or intrinsic) value, and an export name, if any, that includes the stack name. */
export function outputProblems(template: Record<string, unknown>, stackName: string): string[] {
  const problems: string[] = [];
  for (const [key, output] of Object.entries(isRecord(template.Outputs) ? template.Outputs : {})) {
    const at = `Outputs.${key}`;
    if (!LOGICAL_ID.test(key)) problems.push(`${at}: the output key is not 1-255 letters and digits`);
    if (!isRecord(output)) {
      problems.push(`${at} is not an object`);
      continue;
    }
    const value = output.Value;
    const intrinsic = isRecord(value) && Object.keys(value).length === 1 && /^(Ref|Fn::)/.test(Object.keys(value)[0] ?? '');
    if (typeof value !== 'string' && !intrinsic) {
      problems.push(`${at}.Value is ${value === undefined ? 'missing' : JSON.stringify(value)}: an output's value is a string or an intrinsic function`);
    }
    if (output.Export !== undefined) {
      const name = isRecord(output.Export) ? output.Export.Name : undefined;
      const text = JSON.stringify(name) ?? '';
      if (name === undefined) problems.push(`${at}.Export has no Name`);
      else if (!text.includes(stackName) && !text.includes('AWS::StackName')) {
        problems.push(`${at}.Export.Name is ${text}: export names are unique per region, so it must include the stack name (two harness stacks would collide)`);
      }
    }
  }
  return problems;
}

/** CloudFormation's quotas: resources, outputs, parameters, and the template's size (harness deploy uploads large ones to S3, whose limit is 1 MB). */
export function limitProblems(template: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const count = (section: unknown): number => (isRecord(section) ? Object.keys(section).length : 0);
  const sections = [
    ['Resources', TEMPLATE_LIMITS.resources],
    ['Outputs', TEMPLATE_LIMITS.outputs],
    ['Parameters', TEMPLATE_LIMITS.parameters],
  ] as const;
  for (const [section, limit] of sections) {
    const n = count(template[section]);
    if (n > limit) problems.push(`${section} has ${n} entries; CloudFormation allows ${limit}`);
  }
  const bytes = Buffer.byteLength(JSON.stringify(template));
  if (bytes > TEMPLATE_LIMITS.bytes) problems.push(`the template is ${bytes} bytes as JSON; CloudFormation reads at most ${TEMPLATE_LIMITS.bytes} from S3`);
  return problems;
}

import type { Tag } from '@aws-sdk/client-cloudformation';
import {
  checkStackOutputs,
  CORE_OUTPUTS,
  coreStackName,
  StackNotReadyError,
  type Artifact,
  type CoreResources,
  type TemplateContext,
} from '@harness/core';

/**
 * Pure steps shared by deploy and synth: what the stacks are called, how they
 * are tagged, and what each adapter's template is given.
 */

/** Tag keys on every harness stack (CloudFormation copies them to the resources). */
export const STACK_TAGS = { stack: 'harness:stack', component: 'harness:component' } as const;

export function stackTags(stack: string, component: string): Tag[] {
  return [
    { Key: STACK_TAGS.stack, Value: stack },
    { Key: STACK_TAGS.component, Value: component },
  ];
}

/** The core resources from the core stack's outputs; refuses a core stack without them. */
export function coreResourcesFromOutputs(stack: string, outputs: Readonly<Record<string, string>>): CoreResources {
  const missing = Object.values(CORE_OUTPUTS).filter((key) => !outputs[key]);
  if (missing.length > 0) {
    throw new StackNotReadyError(coreStackName(stack), `has no output${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }
  checkStackOutputs(coreStackName(stack), outputs);
  return {
    routesTable: outputs[CORE_OUTPUTS.routesTable] as string,
    resultsTable: outputs[CORE_OUTPUTS.resultsTable] as string,
    artifactsBucket: outputs[CORE_OUTPUTS.artifactsBucket] as string,
  };
}

/** Stand-ins for the core names in `harness synth`, which never calls AWS: deploy puts the real names there. */
export function placeholderCoreResources(stack: string): CoreResources {
  const core = coreStackName(stack);
  return {
    routesTable: `<${core}.${CORE_OUTPUTS.routesTable}>`,
    resultsTable: `<${core}.${CORE_OUTPUTS.resultsTable}>`,
    artifactsBucket: `<${core}.${CORE_OUTPUTS.artifactsBucket}>`,
  };
}

export function templateContext(stack: string, core: CoreResources, artifacts: readonly Pick<Artifact, 'name' | 'key' | 'sha256'>[]): TemplateContext {
  return {
    stackName: stack,
    core,
    artifacts: Object.fromEntries(artifacts.map((artifact) => [artifact.name, { key: artifact.key, sha256: artifact.sha256 }])),
  };
}

/** `harness-dev-core.template.json`, `harness-dev-ecs.template.json`. */
export function templateFileName(stackName: string): string {
  return `${stackName}.template.json`;
}

/**
 * URL CloudFormation reads a large template from (TemplateURL). Always the
 * AWS form: CloudFormation reads it itself, and moto maps it to its own S3.
 */
export function templateUrl(bucket: string, key: string, region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://${bucket}.s3.${region}.${suffix}/${key}`;
}

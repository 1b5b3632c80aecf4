/**
 * What a `Task` state's `Resource` is, as the history names it:
 * - a service integration `arn:aws:states:::lambda:invoke[.pattern]` →
 *   `TaskScheduled { resourceType: 'lambda', resource: 'invoke' }`
 *   (`aws-sdk:s3:listObjectsV2` → `resourceType: 'aws-sdk:s3'`);
 * - a Lambda function ARN → `LambdaFunctionScheduled`;
 * - an activity ARN → `ActivityScheduled`.
 */
export type TaskResource =
  | { readonly kind: 'service'; readonly resourceType: string; readonly resource: string; readonly pattern: 'request-response' | 'sync' | 'waitForTaskToken' }
  | { readonly kind: 'lambda'; readonly arn: string }
  | { readonly kind: 'activity'; readonly arn: string };

const SERVICE = /^arn:aws[\w-]*:states:[^:]*:[^:]*:(.+)$/;
const LAMBDA = /^arn:aws[\w-]*:lambda:[^:]+:[^:]+:function:.+$/;
const ACTIVITY = /^arn:aws[\w-]*:states:[^:]+:[^:]+:activity:.+$/;

const cache = new Map<string, TaskResource>();

/** Parses a Resource ARN (cached: a definition's resources repeat). */
export function parseTaskResource(arn: string): TaskResource {
  const known = cache.get(arn);
  if (known) return known;
  let parsed: TaskResource;
  if (LAMBDA.test(arn)) parsed = { kind: 'lambda', arn };
  else if (ACTIVITY.test(arn)) parsed = { kind: 'activity', arn };
  else {
    const service = SERVICE.exec(arn)?.[1] ?? arn;
    const cut = service.lastIndexOf(':');
    const resourceType = cut < 0 ? service : service.slice(0, cut);
    const resource = cut < 0 ? service : service.slice(cut + 1);
    const pattern = resource.endsWith('.waitForTaskToken') ? 'waitForTaskToken' : /\.sync(:\d+)?$/.test(resource) ? 'sync' : 'request-response';
    parsed = { kind: 'service', resourceType, resource, pattern };
  }
  if (cache.size > 1_000) cache.clear();
  cache.set(arn, parsed);
  return parsed;
}

/** The region a Resource ARN names, or the execution's. */
export function resourceRegion(arn: string, fallback: string): string {
  const region = arn.split(':')[3];
  return region !== undefined && region !== '' ? region : fallback;
}

import { LAMBDA_DOUBLE_ERRORS } from '@harness/container-agent';
import { doubleId, PROTOCOL_VERSION, type InvocationMessage, type LocalIntegrationContext } from '@harness/core';
import { LambdaNotSupportedError } from '../errors.js';
import { deployedFunctionName } from '../template.js';
import { isLambdaResultValue, type LambdaInvocationPayload, type LambdaResultValue } from '../wire.js';

/**
 * Hands one invocation of a function to its mock (`harness.lambda.mockFunction`)
 * as a Lambda double would, and answers what the function did: its result
 * value, or, when no session mocks the function, what the aws target answers:
 * a function listed in `configured` has a deployed double, which fails with
 * `Harness.NoRoute` ({@link noRouteValue}); any other is not deployed at all
 * (`undefined`: Lambda's `ResourceNotFoundException`).
 */
export async function invokeMockedFunction(
  context: LocalIntegrationContext,
  payload: LambdaInvocationPayload,
  requestId: string,
  configured: readonly string[] = [],
): Promise<LambdaResultValue | undefined> {
  const double = doubleId('lambda', payload.functionName);
  if (!context.isMocked(double)) return configured.includes(payload.functionName) ? noRouteValue(payload.functionName) : undefined;
  const message: InvocationMessage<LambdaInvocationPayload> = {
    v: PROTOCOL_VERSION,
    invocationId: requestId,
    double,
    session: context.session,
    payload,
    sentAt: new Date().toISOString(),
  };
  const answer = await context.dispatch(message);
  if (answer.status === 'error') {
    // The mock was released between the route check and the dispatch: the function is gone.
    if (answer.error.name === 'NotMockedError') return configured.includes(payload.functionName) ? noRouteValue(payload.functionName) : undefined;
    // Anything else failed in the session; the aws-target double would rethrow it, so the function fails with it.
    return {
      functionError: 'Unhandled',
      errorType: answer.error.name,
      errorMessage: answer.error.message,
      trace: answer.error.stack?.split('\n') ?? [],
    };
  }
  if (isLambdaResultValue(answer.value)) return answer.value;
  throw new LambdaNotSupportedError(
    `Double ${double} was answered with ${describeAnswer(answer.value)}, which is not a Lambda result. ` +
      'To fix this, mock the function with harness.lambda.mockFunction (another adapter must not register lambda:* doubles).',
  );
}

/**
 * The function a name invokes on the local target. A function of `adapters.lambda.functions` answers to its
 * own name (`ChargeCard`) and to the name its double is deployed under on the aws target
 * (`<stack>-ChargeCard`, {@link deployedFunctionName}), so code wired to the deployed name, or to its ARN,
 * works on both targets. Any other name is the function it names.
 *
 * @param stack - the harness stack; without it only the configured names are known
 *
 * @example
 * const functionNamed = configuredFunctionNames(['ChargeCard'], 'harness-dev');
 * functionNamed('harness-dev-ChargeCard'); // 'ChargeCard'
 * functionNamed('ChargeCard'); // 'ChargeCard'
 */
export function configuredFunctionNames(configured: readonly string[], stack: string | undefined): (name: string) => string {
  const byDeployedName = new Map<string, string>();
  if (stack !== undefined) {
    for (const name of configured) byDeployedName.set(deployedFunctionName(stack, name), name);
  }
  // A configured name is itself first: `<stack>-X` may also be configured as a function of its own.
  return (name) => (configured.includes(name) ? name : (byDeployedName.get(name) ?? name));
}

function describeAnswer(value: unknown): string {
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.slice(0, 100);
}

/**
 * What a deployed Lambda double does when no session has mocked its function
 * (`lambda-double.ts` in @harness/container-agent): it throws `Harness.NoRoute`
 * with this message, which the Node.js runtime reports as an Unhandled function
 * error. The local target answers the same, so `Catch` / `Retry` on
 * `Harness.NoRoute` behave alike on both targets.
 */
export function noRouteValue(functionName: string): LambdaResultValue {
  const errorMessage =
    `no test session has mocked Lambda function ${functionName} (double ${doubleId('lambda', functionName)}): ` +
    `register it with harness.lambda.mockFunction('${functionName}', handler) before the workflow invokes it`;
  return { functionError: 'Unhandled', errorType: LAMBDA_DOUBLE_ERRORS.noRoute, errorMessage, trace: [`${LAMBDA_DOUBLE_ERRORS.noRoute}: ${errorMessage}`] };
}

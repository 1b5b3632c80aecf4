import { doubleId, PROTOCOL_VERSION, type InvocationMessage, type LocalIntegrationContext } from '@harness/core';
import { LambdaNotSupportedError } from '../errors.js';
import { isLambdaResultValue, type LambdaInvocationPayload, type LambdaResultValue } from '../wire.js';

/**
 * Hands one invocation of a function to its mock (`harness.lambda.mockFunction`)
 * as a Lambda double would, and answers what the function did: its result
 * value, or `undefined` when no session mocks the function (Lambda's
 * `ResourceNotFoundException`).
 */
export async function invokeMockedFunction(
  context: LocalIntegrationContext,
  payload: LambdaInvocationPayload,
  requestId: string,
): Promise<LambdaResultValue | undefined> {
  const double = doubleId('lambda', payload.functionName);
  if (!context.isMocked(double)) return undefined;
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
    if (answer.error.name === 'NotMockedError') return undefined;
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

function describeAnswer(value: unknown): string {
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.slice(0, 100);
}

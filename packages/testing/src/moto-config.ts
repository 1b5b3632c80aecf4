/**
 * moto's settings (moto/core/config.py), at `<endpoint>/moto-api/config`: without a body, reads them;
 * with one, merges it in. `endpoint` defaults to `AWS_ENDPOINT_URL` (what the integration suites set).
 */
export async function motoConfig(body?: unknown, endpoint: string | undefined = process.env.AWS_ENDPOINT_URL): Promise<Record<string, unknown>> {
  if (!endpoint) throw new Error('No moto endpoint: pass one, or set AWS_ENDPOINT_URL (the integration suites do).');
  const response = await fetch(`${endpoint}/moto-api/config`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  if (!response.ok) throw new Error(`${endpoint}/moto-api/config answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/**
 * Turns on moto's Step Functions execution engine, which runs the ASL of state machines created from then on
 * (without it, executions are canned). Resolves with a function that puts the previous setting back.
 *
 * @example
 * const restoreEngine = await useStepFunctionsEngine();
 * // … create state machines, run executions …
 * await restoreEngine();
 */
export async function useStepFunctionsEngine(endpoint?: string): Promise<() => Promise<void>> {
  const previous = (await motoConfig(undefined, endpoint)).stepfunctions ?? { execute_state_machine: false };
  await motoConfig({ stepfunctions: { execute_state_machine: true } }, endpoint);
  return async () => {
    await motoConfig({ stepfunctions: previous }, endpoint);
  };
}

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { createFakeSession } from '@harness/core/testing';
import { createStepFunctionsApi, parseStepFunctionsConfig, type AslDefinition } from '@harness/stepfunctions';
import { uniqueName, useStepFunctionsEngine } from '@harness/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// On the aws target the definition comes from DescribeStateMachine (moto server here), so a failed
// assertion draws the deployed workflow, as on the local target.
const definition = {
  StartAt: 'Check',
  States: {
    Check: { Type: 'Pass', Result: { ok: false }, ResultPath: '$.check', Next: 'Rejected' },
    Rejected: { Type: 'Fail', Error: 'OrderRejected', Cause: 'The order did not pass.' },
  },
} as unknown as AslDefinition;

let restoreEngine: (() => Promise<void>) | undefined;
let dir: string;
const previousDir = process.env.HARNESS_COVERAGE_DIR;

beforeAll(async () => {
  restoreEngine = await useStepFunctionsEngine();
  dir = mkdtempSync(join(tmpdir(), 'harness-matchers-picture-aws-'));
});

afterAll(async () => {
  if (previousDir === undefined) delete process.env.HARNESS_COVERAGE_DIR;
  else process.env.HARNESS_COVERAGE_DIR = previousDir;
  rmSync(dir, { recursive: true, force: true });
  await restoreEngine?.();
});

describe('Failure messages on the aws target', () => {
  it('draw the deployed definition: execute attaches what DescribeStateMachine returns', async () => {
    const client = new SFNClient({});
    const { stateMachineArn = '' } = await client.send(
      new CreateStateMachineCommand({ name: uniqueName('picture'), definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/harness-test' }),
    );
    const api = createStepFunctionsApi(createFakeSession({ id: 's-aws', target: 'aws', stackName: 'hx' }), parseStepFunctionsConfig({}));
    const run = await api.execute('Picture', { orderId: 'o-1' }, { stateMachineArn, timeoutMs: 30_000 });
    process.env.HARNESS_COVERAGE_DIR = dir; // after execute: set, it would also record the run for coverage

    let message = '';
    try {
      expect(run).toHaveSucceeded();
    } catch (error) {
      message = (error as Error).message;
    }

    expect(run.definition).toEqual(definition);
    expect(message).toContain('```mermaid\nflowchart TD\n');
    expect(message).toMatch(/class [^\n]*\bs_Rejected\b[^\n]* failed/);
    const file = /with the failing state's input and error: (.+\.html)$/m.exec(message)?.[1] ?? '';
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain('<h2>Failed at Rejected (Fail)</h2>');
  });
});

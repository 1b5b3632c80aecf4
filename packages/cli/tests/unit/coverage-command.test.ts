import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordRun, runLocalExecution, type AslDefinition } from '@harness/stepfunctions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { recordingRuntime } from '../helpers/runtime.js';

const definition: AslDefinition = {
  StartAt: 'Route',
  States: {
    Route: { Type: 'Choice', Choices: [{ Variable: '$.ship', BooleanEquals: true, Next: 'Ship' }], Default: 'Done' },
    Ship: { Type: 'Pass', Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

describe('Command: harness coverage', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'harness-cli-coverage-'));
    const run = await runLocalExecution({ definition, input: { ship: true }, integrations: [], stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Shipping' });
    recordRun(run, definition, 'local', dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the summary of the recorded runs and writes the report beside them', async () => {
    const runtime = recordingRuntime({ cwd: dir });

    const code = await runCli(['coverage', '.'], runtime);

    expect(code).toBe(0);
    expect(runtime.out.join('')).toContain('Shipping (');
    expect(runtime.out.join('')).toContain('✗ Route Default → Done');
    expect(runtime.out.join('')).toContain(`Report: ${join(dir, 'index.html')}`);
  });

  it('exits with 1 under --threshold and names what is not covered', async () => {
    const runtime = recordingRuntime({ cwd: dir });

    const code = await runCli(['coverage', dir, '--threshold', '100', '--json'], runtime);

    expect(code).toBe(1);
    expect(JSON.parse(runtime.out.join(''))).toMatchObject({ workflows: [{ workflow: 'Shipping', total: { covered: 4, total: 5 } }] });
    expect(runtime.err.join('')).toMatch(/Shipping is 80\.0% covered, under the threshold of 100%\. Not covered: Route Default → Done\. To fix this/);
  });

  it('says how to record runs when the directory has none', async () => {
    const runtime = recordingRuntime({ cwd: dir });

    const code = await runCli(['coverage', 'missing'], runtime);

    expect(code).toBe(1);
    expect(runtime.err.join('')).toMatch(/No recorded runs in .*missing.*To fix this/);
  });
});

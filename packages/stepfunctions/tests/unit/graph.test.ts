import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatesError, type LocalTaskInvocation } from '@harness/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { AslDefinition } from '../../src/definition.js';
import { coverageHits, coverageItems } from '../../src/graph/coverage.js';
import { renderMermaid } from '../../src/graph/mermaid.js';
import { workflowGraph } from '../../src/graph/model.js';
import { describeRunPicture, writeRunPicture } from '../../src/graph/picture.js';
import { RECORDED_RUN_FORMAT, recordRun, type RecordedRun } from '../../src/graph/record.js';
import { renderSvg } from '../../src/graph/svg.js';
import { runLocalExecution } from '../../src/local-runner.js';
import { ECS_SYNC, LAMBDA, fakeIntegration } from '../helpers/fakes.js';

const definition: AslDefinition = {
  StartAt: 'Route',
  States: {
    Route: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.kind', StringEquals: 'fan', Next: 'Fan' },
        { Variable: '$.kind', StringEquals: 'each', Next: 'Each' },
        { Variable: '$.kind', StringEquals: 'all', Next: 'Each' },
      ],
      Default: 'Charge',
    },
    Charge: {
      Type: 'Task',
      Resource: LAMBDA,
      Retry: [
        { ErrorEquals: ['Busy'], IntervalSeconds: 1, MaxAttempts: 2 },
        { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 1 },
      ],
      Catch: [
        { ErrorEquals: ['Declined'], ResultPath: '$.error', Next: 'Rejected' },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Broken' },
      ],
      Next: 'Done',
    },
    Fan: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Left', States: { Left: { Type: 'Pass', End: true } } },
        { StartAt: 'Right', States: { Right: { Type: 'Pass', End: true } } },
      ],
      Next: 'Done',
    },
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Work',
        States: { Work: { Type: 'Task', Resource: ECS_SYNC, Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, MaxAttempts: 1 }], End: true } },
      },
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Broken' }],
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
    Rejected: { Type: 'Fail', Error: 'Rejected', Cause: 'The charge was declined.' },
    Broken: { Type: 'Fail', Error: 'Broken' },
  },
};

/** Lambda and ECS answers in the order given: an error name throws it, anything else is the result. */
function scripted(outcomes: Array<string | object>) {
  const next = (task: LocalTaskInvocation): unknown => {
    const outcome = outcomes.shift() ?? { ok: true };
    if (typeof outcome === 'string') throw new StatesError(outcome, `${task.stateName} failed with ${outcome}`);
    return outcome;
  };
  return [fakeIntegration('lambda', (resource) => resource.startsWith(LAMBDA), next), fakeIntegration('ecs', (resource) => resource.startsWith('arn:aws:states:::ecs:'), next)];
}

function run(input: unknown, outcomes: Array<string | object> = []) {
  return runLocalExecution({ definition, input, integrations: scripted(outcomes) });
}

describe('Function: workflowGraph', () => {
  it('has every state, transition, Retry clause, Parallel branch and Map processor of the definition', () => {
    const graph = workflowGraph(definition);

    expect([...graph.states.keys()].sort()).toEqual(['Broken', 'Charge', 'Done', 'Each', 'Fan', 'Left', 'Rejected', 'Right', 'Route', 'Work']);
    expect(graph.edges.filter((edge) => edge.from === 'Route').map((edge) => [edge.kind, edge.to, edge.label])).toEqual([
      ['choice', 'Fan', '$.kind == "fan"'],
      ['choice', 'Each', '$.kind == "each"'],
      ['choice', 'Each', '$.kind == "all"'],
      ['default', 'Charge', 'Default'],
    ]);
    expect(graph.edges.filter((edge) => edge.kind === 'catch').map((edge) => `${edge.from}→${edge.to}`)).toEqual(['Charge→Rejected', 'Charge→Broken', 'Each→Broken']);
    expect(graph.states.get('Charge')?.retries.map((retry) => retry.label)).toEqual(['Retry Busy ×2', 'Retry States.ALL ×1']);
    expect(graph.scopes.map((scope) => [scope.id, scope.kind, scope.startAt])).toEqual([
      ['root', 'root', 'Route'],
      ['Fan/branch 1', 'branch', 'Left'],
      ['Fan/branch 2', 'branch', 'Right'],
      ['Each/processor', 'processor', 'Work'],
    ]);
    expect(graph.states.get('Work')?.scope).toBe('Each/processor');
  });
});

describe('Function: coverageHits', () => {
  it('credits the Default and the first retrier that takes the error', async () => {
    const execution = await run({ kind: 'other' }, ['Busy', 'Busy', { charged: true }]);

    const ids = coverageHits(workflowGraph(definition), execution.history).map((hit) => hit.id);

    expect(execution.status).toBe('SUCCEEDED');
    expect(ids).toEqual(['state:Route', 'default:Route', 'state:Charge', 'retry:Charge#0', 'retry:Charge#0', 'state:Done']);
  });

  it('stops retrying when the matching retrier is used up (AWS does not try the next one) and credits the catcher that takes the error', async () => {
    const execution = await run({ kind: 'other' }, ['Busy', 'Busy', 'Busy']);

    const ids = coverageHits(workflowGraph(definition), execution.history).map((hit) => hit.id);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'Broken' });
    expect(ids.filter((id) => id.startsWith('retry:') || id.startsWith('catch:'))).toEqual(['retry:Charge#0', 'retry:Charge#0', 'catch:Charge#1']);
  });

  it('credits the second retrier for an error only it takes, then the first catcher', async () => {
    const execution = await run({ kind: 'other' }, ['Declined', 'Declined']);

    const ids = coverageHits(workflowGraph(definition), execution.history).map((hit) => hit.id);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'Rejected' });
    expect(ids).toEqual(['state:Route', 'default:Route', 'state:Charge', 'retry:Charge#1', 'catch:Charge#0', 'state:Rejected']);
  });

  it('tells apart two Choice rules with the same Next by evaluating them on the recorded input', async () => {
    const graph = workflowGraph(definition);

    const each = coverageHits(graph, (await run({ kind: 'each', items: [1] })).history);
    const all = coverageHits(graph, (await run({ kind: 'all', items: [1] })).history);

    expect(each.filter((hit) => hit.id.startsWith('choice:'))).toEqual([{ id: 'choice:Route#1', how: 'exact' }]);
    expect(all.filter((hit) => hit.id.startsWith('choice:'))).toEqual([{ id: 'choice:Route#2', how: 'exact' }]);
    expect(all.map((hit) => hit.id)).toContain('processor:Each');
    expect(all.map((hit) => hit.id)).toContain('state:Work');
  });

  it('counts each Parallel branch that ran', async () => {
    const hits = coverageHits(workflowGraph(definition), (await run({ kind: 'fan' })).history).map((hit) => hit.id);

    expect(hits).toEqual(expect.arrayContaining(['choice:Route#0', 'state:Fan', 'branch:Fan#0', 'branch:Fan#1', 'state:Left', 'state:Right', 'state:Done']));
  });

  it('credits a Map iteration\'s retry to its state, and the Map\'s Catch with the iteration\'s error', async () => {
    const execution = await run({ kind: 'each', items: [1, 2] }, [{ ok: 1 }, 'States.TaskFailed', 'States.TaskFailed']);

    const ids = coverageHits(workflowGraph(definition), execution.history).map((hit) => hit.id);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'Broken' });
    expect(ids).toEqual(expect.arrayContaining(['retry:Work#0', 'catch:Each#0', 'state:Broken']));
  });

  it('lists every item, and none of them is unobservable in an inline Map', () => {
    const items = coverageItems(workflowGraph(definition));

    expect(items.map((item) => item.id)).toEqual(
      expect.arrayContaining(['choice:Route#0', 'choice:Route#1', 'choice:Route#2', 'default:Route', 'retry:Charge#0', 'retry:Charge#1', 'catch:Charge#0', 'catch:Charge#1', 'branch:Fan#0', 'branch:Fan#1', 'processor:Each', 'retry:Work#0', 'catch:Each#0']),
    );
    expect(items).toHaveLength(10 + 4 + 2 + 2 + 2 + 1 + 1 + 1);
    expect(items.every((item) => item.observable)).toBe(true);
  });
});

describe('Function: renderMermaid', () => {
  it('draws states by type, labelled transitions, Retry clauses and subgraphs for Map and Parallel', () => {
    const text = renderMermaid(workflowGraph(definition));

    expect(text.startsWith('flowchart TD\n')).toBe(true);
    expect(text).toContain('s_Route{"Route"}');
    expect(text).toContain('s_Charge["Charge<br/>Retry Busy ×2<br/>Retry States.ALL ×1"]');
    expect(text).toContain('s_Route -->|"$.kind == #quot;fan#quot;"| s_Fan');
    expect(text).toContain('s_Charge -.->|"Catch Declined"| s_Rejected');
    expect(text).toContain('subgraph s_Each ["Map: Each"]');
    expect(text).toContain('subgraph s_Fan_b1 ["branch 2"]');
    expect(text).toContain('s_Done(["Done"])');
  });
});

describe('Function: describeRunPicture', () => {
  it('shows the path, the failing state with its input and error, and marks it in the Mermaid text', async () => {
    const execution = await run({ kind: 'each', items: [1, 2] }, [{ ok: 1 }, 'States.TaskFailed', 'States.TaskFailed']);

    const picture = describeRunPicture(execution, definition);

    expect(picture.failingState).toMatchObject({ name: 'Broken', type: 'Fail', error: 'Broken' });
    expect(picture.failingState?.input).toMatchObject({ kind: 'each', error: { Error: 'States.TaskFailed' } });
    expect(picture.path).toBe('Route → Each [Work ×2, 1 ✖] → Broken ✖');
    expect(picture.text).toContain('Failed at Broken (Fail) with Broken');
    expect(picture.mermaid).toMatch(/class [^\n]*s_Broken[^\n]* failed/);
    expect(picture.html).toContain('<svg');
  });

  it('names the innermost failing state of an uncaught failure and its error', async () => {
    const uncaught: AslDefinition = { StartAt: 'Charge', States: { Charge: { Type: 'Task', Resource: LAMBDA, End: true } } };
    const execution = await runLocalExecution({ definition: uncaught, input: { amount: 5 }, integrations: scripted(['Declined']) });

    const picture = describeRunPicture(execution, uncaught);

    expect(picture.failingState).toEqual({ name: 'Charge', type: 'Task', input: { amount: 5 }, error: 'Declined', cause: 'Charge failed with Declined' });
    expect(picture.path).toBe('Charge ✖');
  });

  it('writes the picture as an HTML file in the directory given', async () => {
    const execution = await run({ kind: 'fan' });
    const dir = mkdtempSync(join(tmpdir(), 'harness-picture-'));

    const file = writeRunPicture(describeRunPicture(execution, definition), 'run/1', dir);

    expect(file).toBe(join(dir, 'run_1.html'));
    expect(readFileSync(file, 'utf8')).toContain('<p class="path">Route → Fan [Left → Right] → Done</p>');
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('Function: renderSvg', () => {
  it('draws one group per state and one path per transition', () => {
    const graph = workflowGraph(definition);

    const svg = renderSvg(graph);

    expect(svg.match(/<g class="state/g)).toHaveLength(graph.states.size);
    expect(svg.match(/<path class="edge/g)).toHaveLength(graph.edges.length);
  });
});

describe('Function: recordRun', () => {
  const dir = mkdtempSync(join(tmpdir(), 'harness-record-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the run with its definition and workflow name under runs/', async () => {
    const execution = await run({ kind: 'fan' });

    recordRun(execution, definition, 'local', dir);

    const files = readdirSync(join(dir, 'runs'));
    expect(files).toHaveLength(1);
    const record = JSON.parse(readFileSync(join(dir, 'runs', files[0] as string), 'utf8')) as RecordedRun;
    expect(record).toMatchObject({ format: RECORDED_RUN_FORMAT, workflow: 'LocalStateMachine', target: 'local', status: 'SUCCEEDED', definition });
    expect(record.definitionHash).toMatch(/^[0-9a-f]{12}$/);
    expect(record.history.length).toBe(execution.history.length);
  });
});

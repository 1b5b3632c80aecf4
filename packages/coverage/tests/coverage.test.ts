import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatesError, type LocalServiceIntegration } from '@harness/core';
import { describeRunPicture, recordRun, runLocalExecution, type AslDefinition } from '@harness/stepfunctions';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { belowThreshold, computeCoverage, formatTextSummary, HarnessCoverageReporter, readRecordedRuns, writeCoverageReport } from '../src/index.js';

const LAMBDA = 'arn:aws:states:::lambda:invoke';

/** A workflow with a Choice (two rules and a Default), a Task with Retry and Catch, and a Parallel state. */
const definition: AslDefinition = {
  StartAt: 'Route',
  States: {
    Route: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.kind', StringEquals: 'charge', Next: 'Charge' },
        { Variable: '$.kind', StringEquals: 'fan', Next: 'Fan' },
      ],
      Default: 'Done',
    },
    Charge: {
      Type: 'Task',
      Resource: LAMBDA,
      Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 1, MaxAttempts: 1 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Declined' }],
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
    Done: { Type: 'Succeed' },
    Declined: { Type: 'Fail', Error: 'Declined' },
  },
};

function lambda(outcomes: string[]): LocalServiceIntegration {
  return {
    name: 'lambda',
    handles: (resource) => resource === LAMBDA,
    async invoke() {
      const outcome = outcomes.shift();
      if (outcome !== undefined) throw new StatesError(outcome, `failed with ${outcome}`);
      return { charged: true };
    },
  };
}

async function recordRuns(dir: string, inputs: Array<{ input: unknown; failures?: string[] }>): Promise<void> {
  for (const { input, failures = [] } of inputs) {
    const run = await runLocalExecution({ definition, input, integrations: [lambda(failures)], stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Payments' });
    recordRun(run, definition, 'local', dir);
  }
}

describe('Function: computeCoverage', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'harness-coverage-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts states, Choice rules, Default, Retry / Catch clauses and branches over the runs, per workflow', async () => {
    await recordRuns(dir, [{ input: { kind: 'charge' }, failures: ['Busy'] }, { input: { kind: 'other' } }]);

    const report = computeCoverage(readRecordedRuns(dir));

    expect(report.workflows).toHaveLength(1);
    const [workflow] = report.workflows;
    expect(workflow).toMatchObject({ workflow: 'Payments', runs: 2, targets: ['local'] });
    expect(workflow?.byKind).toEqual({
      states: { covered: 3, total: 7, percent: (3 / 7) * 100 },
      choices: { covered: 2, total: 3, percent: (2 / 3) * 100 },
      retries: { covered: 1, total: 1, percent: 100 },
      catches: { covered: 0, total: 1, percent: 0 },
      branches: { covered: 0, total: 2, percent: 0 },
    });
    expect(workflow?.items.filter((item) => item.hits === 0).map((item) => item.id)).toEqual([
      'choice:Route#1',
      'catch:Charge#0',
      'state:Left',
      'state:Right',
      'state:Fan',
      'branch:Fan#0',
      'branch:Fan#1',
      'state:Declined',
    ]);
    expect(formatTextSummary(report)).toContain('  ✗ Route rule 2: $.kind == "fan" → Fan');
    expect(belowThreshold(report, 100).map(({ workflow: short }) => short.workflow)).toEqual(['Payments']);
  });

  it('says where runs are missing and how to record them', () => {
    expect(() => readRecordedRuns(join(dir, 'nowhere'))).toThrow(/No recorded runs in .*nowhere.*To fix this, run the tests with the harness coverage reporter/);
  });
});

describe('Class: HarnessCoverageReporter', () => {
  it('sets HARNESS_COVERAGE_DIR for the workers, writes the report and fails the run under its threshold', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-reporter-'));
    const previous = { env: process.env.HARNESS_COVERAGE_DIR, exitCode: process.exitCode };
    const written: Array<[string, string]> = [];
    try {
      const reporter = new HarnessCoverageReporter({ dir, threshold: 100, write: (text, stream) => void written.push([stream, text]) });
      reporter.onInit();
      expect(process.env.HARNESS_COVERAGE_DIR).toBe(dir);
      await recordRuns(dir, [{ input: { kind: 'fan' } }]);

      reporter.onTestRunEnd();

      expect(process.exitCode).toBe(1);
      expect(written.find(([stream]) => stream === 'stderr')?.[1]).toMatch(/harness coverage of Payments is 57\.1%, under the threshold of 100%\. Not covered: .*Charge \(Task\).*To fix this/);
      expect(JSON.parse(readFileSync(join(dir, 'coverage.json'), 'utf8'))).toMatchObject({ format: 'harness.coverage/1', workflows: [{ workflow: 'Payments', runs: 1 }] });
    } finally {
      process.exitCode = previous.exitCode;
      if (previous.env === undefined) delete process.env.HARNESS_COVERAGE_DIR;
      else process.env.HARNESS_COVERAGE_DIR = previous.env;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// The HTML pages in a real browser: headless Chromium from the system's packages (scripts/setup-browser.mjs), driven by
// playwright-core through its executablePath (Playwright's own browser builds cannot be downloaded here).
describe('HTML pages in Chromium', () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'harness-html-'));
    browser = await chromium.launch({ executablePath: process.env.HARNESS_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders the coverage graph: every state drawn with a size, coloured covered or not', async () => {
    await recordRuns(dir, [{ input: { kind: 'charge' }, failures: ['Busy'] }, { input: { kind: 'other' } }]);
    const files = writeCoverageReport(computeCoverage(readRecordedRuns(dir)), dir);
    const page = await browser.newPage();

    await page.goto(`file://${files.html}`);

    const states = await page.locator('svg.workflow-graph g.state').evaluateAll((groups) =>
      groups.map((group) => {
        // Runs in the page: the element is an SVGGraphicsElement there (this package has no DOM types).
        const box = (group as unknown as { getBBox(): { width: number; height: number } }).getBBox();
        return { name: group.getAttribute('data-state'), mark: group.getAttribute('class'), width: box.width, height: box.height, fill: group.querySelector('rect')?.getAttribute('fill') };
      }),
    );
    expect(states.map((state) => state.name).sort()).toEqual(['Charge', 'Declined', 'Done', 'Fan', 'Left', 'Right', 'Route']);
    expect(states.every((state) => state.width > 50 && state.height > 20)).toBe(true);
    expect(states.find((state) => state.name === 'Done')).toMatchObject({ mark: 'state covered', fill: '#d9f2d9' });
    expect(states.find((state) => state.name === 'Left')).toMatchObject({ mark: 'state uncovered', fill: '#ffe3e3' });
    // Charge was entered, but its Catch never used: partly covered.
    expect(states.find((state) => state.name === 'Charge')?.mark).toBe('state partial');
    expect(await page.locator('svg.workflow-graph path.edge').count()).toBe(6);
    expect(await page.locator('ul.uncovered li').allTextContents()).toContain('Charge Catch States.ALL → Declined');
    await page.close();
  }, 60_000);

  it('renders a failed run: the path, the failing state marked, its input and error', async () => {
    const run = await runLocalExecution({ definition, input: { kind: 'charge', amount: 5 }, integrations: [lambda(['CardExpired', 'CardExpired'])] });
    const picture = describeRunPicture(run, definition);
    const file = join(dir, 'failed-run.html');
    writeFileSync(file, picture.html);
    const page = await browser.newPage();

    await page.goto(`file://${file}`);

    expect(await page.locator('p.path').textContent()).toBe('Route → Charge → Declined ✖');
    expect(await page.locator('g.state.failed').getAttribute('data-state')).toBe('Declined');
    expect(await page.locator('g.state.visited').evaluateAll((groups) => groups.map((group) => group.getAttribute('data-state')))).toEqual(['Route', 'Charge']);
    expect(JSON.parse((await page.locator('pre.input').textContent()) ?? '')).toMatchObject({ kind: 'charge', amount: 5, error: { Error: 'CardExpired' } });
    await page.close();
  }, 60_000);
});

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Execution } from '@harness/stepfunctions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseExecution } from '../src/index.js';
import { failureMessage, flow, openHarness, runFlow, type FlowHarness } from './support/runs.js';

// Real runs of tests/support/runs.ts#flow on the local target; the pictures go to a directory of this file's own.
let harness: FlowHarness;
let clean: Execution; // Nothing fails.
let fatal: Execution; // Right (branch 2 of the Parallel Both) fails with Fatal, which no Catch takes.
let dir: string;
const previousDir = process.env.HARNESS_COVERAGE_DIR;

beforeAll(async () => {
  harness = await openHarness();
  clean = await runFlow(harness, {});
  fatal = await runFlow(harness, { right: 'Fatal' });
  // Set after the runs: with it set, execute would also record them for coverage.
  dir = mkdtempSync(join(tmpdir(), 'harness-matchers-picture-'));
  process.env.HARNESS_COVERAGE_DIR = dir;
});

afterAll(async () => {
  if (previousDir === undefined) delete process.env.HARNESS_COVERAGE_DIR;
  else process.env.HARNESS_COVERAGE_DIR = previousDir;
  rmSync(dir, { recursive: true, force: true });
  await harness?.close();
});

const pictures = (): string[] => (existsSync(join(dir, 'failed-runs')) ? readdirSync(join(dir, 'failed-runs')) : []);

/** The HTML file a failure message names. */
function pageOf(message: string): string {
  const file = /with the failing state's input and error: (.+\.html)$/m.exec(message)?.[1];
  if (file === undefined) throw new Error(`The message names no HTML page of the run. It reads:\n${message}`);
  return file;
}

/** The text of the HTML element with this class, unescaped. */
function elementText(html: string, tag: string, className: string): string {
  const text = new RegExp(`<${tag} class="${className}">([\\s\\S]*?)</${tag}>`).exec(html)?.[1];
  if (text === undefined) throw new Error(`No <${tag} class="${className}"> in the page:\n${html.slice(0, 2000)}`);
  return text.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

describe('Failure messages: the picture of the run', () => {
  it('a failing matcher shows the run as Mermaid text after the diff, with the failing state marked, its error and input', () => {
    const message = failureMessage(() => expect(fatal).toHaveSucceeded());

    const mermaid = /```mermaid\n([\s\S]*?)\n```\n── end of the Mermaid text ──/.exec(message)?.[1] ?? '';
    expect(mermaid.startsWith('flowchart TD\n')).toBe(true);
    // Right is the failing state: drawn with the `failed` class, its note carries the error and the input it entered with.
    expect(mermaid).toMatch(/\n\s+class [^\n]*\bs_Right\b[^\n]* failed(\n|$)/);
    expect(mermaid).toContain('<br/>nothing can catch this<br/>');
    expect(mermaid).toContain('s_Right["Right<br/>✖ failed here: Fatal<br/>');
    expect(mermaid).toContain('input: {#quot;order#quot;:#quot;o-1#quot;');
    // The path it took is marked too: the states entered before it are `visited`.
    expect(mermaid).toMatch(/\n\s+class [^\n]*\bs_Flaky\b[^\n]* visited(\n|$)/);
    // The text before it: a Lambda error's cause (errorType, errorMessage, trace) in short, its errorMessage.
    expect(message).toContain('Failing state: Right (Task) in branch 2 of Both\n  input: {"order":"o-1",');
    expect(message).toMatch(/\n {2}error: Fatal\n {2}cause: nothing can catch this \(a cause of \d+ characters\)\n/);
    expect(message.indexOf('Received: FAILED')).toBeLessThan(message.indexOf('```mermaid'));
    expect(message.indexOf('Path the execution took:')).toBeLessThan(message.indexOf('```mermaid'));
  });

  it('writes an HTML page beside the report with the failing state, its input and its error', () => {
    const message = failureMessage(() => expect(fatal).toHaveSucceeded());

    const file = pageOf(message);
    expect(file.startsWith(join(dir, 'failed-runs'))).toBe(true);
    // Named after the test, then the execution.
    expect(file).toContain('writes-an-HTML-page-beside-the-report');
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<h2>Failed at Right (Task)</h2>');
    expect(elementText(html, 'p', 'error')).toContain('Fatal');
    expect(elementText(html, 'p', 'error')).toContain('nothing can catch this');
    expect(JSON.parse(elementText(html, 'pre', 'input'))).toEqual({ order: 'o-1', items: [{ kind: 'big' }, { kind: 'small' }], flaky: { payload: { done: 'flaky' } }, each: expect.any(Array) });
    expect(html).toContain('data-state="Right"');
  });

  it.each([
    ['toHaveSucceeded', (run: Execution) => expect(run).toHaveSucceeded()],
    ['toHaveFailedWith', (run: Execution) => expect(run).toHaveFailedWith('Boom')],
    ['toHaveVisited', (run: Execution) => expect(run).toHaveVisited('Recover')],
    ['toHaveTakenPath', (run: Execution) => expect(run).toHaveTakenPath(['Start', 'Flaky', 'Each', 'Both', 'Recover', 'Done'])],
    ['toHaveRetried', (run: Execution) => expect(run).toHaveRetried('Flaky', 1)],
    ['toHaveBeenCaughtBy', (run: Execution) => expect(run).toHaveBeenCaughtBy('Right', 'Recover')],
    ['toHaveEnteredWith', (run: Execution) => expect(run).toHaveEnteredWith('Right', { order: 'o-2' })],
  ])('%s carries the picture when it fails', (_name, assertion) => {
    const message = failureMessage(() => assertion(fatal));

    expect(message).toContain('```mermaid\nflowchart TD\n');
    expect(message).toMatch(/class [^\n]*\bs_Right\b[^\n]* failed/);
    expect(existsSync(pageOf(message))).toBe(true);
  });

  it('writes nothing when the matchers pass, and a failing .not shows the text path only', () => {
    const before = pictures();

    expect(clean).toHaveSucceeded();
    expect(fatal).toHaveFailedWith('Fatal');
    expect(fatal).not.toHaveVisited('Recover');
    expect(fatal).toHaveEnteredWith('Right', { order: 'o-1' });
    const negated = failureMessage(() => expect(fatal).not.toHaveFailedWith('Fatal'));

    expect(pictures()).toEqual(before);
    expect(negated).toContain('Path the execution took:');
    expect(negated).not.toContain('```mermaid');
  });

  it('without a definition, keeps the text path and says why there is no picture', () => {
    const copied = { ...fatal }; // a spread leaves the non-enumerable definition behind

    const message = failureMessage(() => expect(copied).toHaveSucceeded());

    expect(message).toContain('  branch 2: Right ✗ Fatal: nothing can catch this');
    expect(message).toContain('No picture of the run: the execution carries no definition');
    expect(message).toContain("attachDefinition(run, definition) from '@harness/stepfunctions'");
    expect(message).not.toContain('```mermaid');
  });
});

describe('Execution.definition', () => {
  it('is the definition the run ran, left out of equality, JSON and snapshots', () => {
    expect(fatal.definition).toBe(flow);
    expect(Object.keys(fatal)).not.toContain('definition');
    expect(JSON.stringify(fatal)).not.toContain('"StartAt"');
    expect(normaliseExecution(fatal)).not.toHaveProperty('definition');
    expect(fatal).toEqual({ ...fatal });
  });
});

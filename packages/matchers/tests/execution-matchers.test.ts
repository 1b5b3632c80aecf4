import type { Execution } from '@harness/stepfunctions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describePath, MatcherUsageError } from '../src/index.js';
import { failureMessage, openHarness, runFlow, type FlowHarness } from './support/runs.js';

// Real runs of tests/support/runs.ts#flow on the local target, one per outcome.
let harness: FlowHarness;
let caught: Execution; // Flaky fails twice then succeeds; the Parallel's Right fails with Boom, caught by Recover.
let clean: Execution; // Nothing fails.
let fatal: Execution; // Right fails with Fatal, which no Catch takes: the execution fails.

beforeAll(async () => {
  harness = await openHarness();
  caught = await runFlow(harness, { flakyFailures: 2, right: 'Boom' });
  clean = await runFlow(harness, {});
  fatal = await runFlow(harness, { right: 'Fatal' });
});

afterAll(async () => {
  await harness?.close();
});

describe('Function: describePath', () => {
  it('lists the states in order, with iterations, branches, retries, errors and catches', () => {
    expect(describePath(caught)).toBe(
      [
        'Start (Pass)',
        'Flaky (Task) ↻ 2 retries',
        'Each (Map, 2 iterations)',
        '  iteration 0: Pick → Big',
        '  iteration 1: Pick → Small',
        'Both (Parallel) ✗ failed → caught by Recover',
        '  branch 1: Left → LeftAgain',
        '  branch 2: Right ✗ Boom: the right branch broke',
        'Recover (Pass)',
        'Done (Succeed)',
        '✓ SUCCEEDED',
      ].join('\n'),
    );
  });
});

describe('Matcher: toHaveSucceeded', () => {
  it('passes on a SUCCEEDED execution and fails on a FAILED one, showing the path and the failing state', () => {
    expect(caught).toHaveSucceeded();

    const message = failureMessage(() => expect(fatal).toHaveSucceeded());

    expect(message).toContain('expect(run).toHaveSucceeded()');
    expect(message).toContain('Expected: SUCCEEDED\nReceived: FAILED (Fatal: nothing can catch this)');
    expect(message).toContain('  branch 2: Right ✗ Fatal: nothing can catch this');
    expect(message).toContain('Failing state: Right (Task) in branch 2 of Both\n  input: {"order":"o-1",');
    expect(message).toContain('  error: Fatal');
  });

  it('.not fails on a SUCCEEDED execution', () => {
    expect(fatal).not.toHaveSucceeded();
    expect(failureMessage(() => expect(clean).not.toHaveSucceeded())).toContain('Expected the execution not to succeed, but it SUCCEEDED.');
  });

  it('says how to fix a test that passes the promise instead of the execution', () => {
    const pending = Promise.resolve(clean) as unknown as Execution; // what a test that forgot `await` passes
    expect(() => expect(pending).toHaveSucceeded()).toThrow(MatcherUsageError);
    expect(() => expect(pending).toHaveSucceeded()).toThrow(/received a Promise\. To fix this, await it/);
  });
});

describe('Matcher: toHaveFailedWith', () => {
  it('passes on the error, with the cause as text or an asymmetric matcher', () => {
    expect(fatal).toHaveFailedWith('Fatal');
    expect(fatal).toHaveFailedWith('Fatal', expect.stringContaining('nothing can catch this'));
    expect(fatal).toHaveFailedWith(expect.stringMatching(/^Fat/));
  });

  it('fails with a diff of error and cause', () => {
    const message = failureMessage(() => expect(fatal).toHaveFailedWith('Boom', 'it broke'));
    expect(message).toContain('expect(run).toHaveFailedWith(error, cause)');
    expect(message).toMatch(/-\s+"cause": "it broke",\n-\s+"error": "Boom",/);
    expect(message).toMatch(/\+\s+"error": "Fatal",/);
    expect(message).toContain('Path the execution took:');
  });

  it('fails on a SUCCEEDED execution, and .not passes on it', () => {
    expect(failureMessage(() => expect(clean).toHaveFailedWith('Fatal'))).toContain('Expected the execution to fail, but it SUCCEEDED.');
    expect(clean).not.toHaveFailedWith('Fatal');
    expect(failureMessage(() => expect(fatal).not.toHaveFailedWith('Fatal'))).toContain("Expected the execution not to fail with \"Fatal\", but it FAILED");
  });
});

describe('Matcher: toHaveVisited', () => {
  it('finds states at the top level, in Map iterations and in Parallel branches', () => {
    expect(caught).toHaveVisited('Recover');
    expect(caught).toHaveVisited('Big');
    expect(caught).toHaveVisited('LeftAgain');
    expect(clean).not.toHaveVisited('Recover');
  });

  it('lists the states entered when one was not', () => {
    const message = failureMessage(() => expect(clean).toHaveVisited('Recover'));
    expect(message).toContain('Expected the execution to enter "Recover", but it never did.');
    expect(message).toContain('States entered: Start, Flaky, Each, Pick, Big, Small, Both, Left, Right, LeftAgain, Done');
    expect(failureMessage(() => expect(caught).not.toHaveVisited('Pick'))).toContain('Expected the execution not to enter Pick, but it did 2 times (iteration 0 of Each).');
  });
});

describe('Matcher: toHaveTakenPath', () => {
  it('matches top-level states, Map iterations by index or all at once, and Parallel branches in any order', () => {
    expect(caught).toHaveTakenPath(['Start', 'Flaky', 'Each', 'Both', 'Recover', 'Done']);
    expect(caught).toHaveTakenPath([
      'Start',
      'Flaky',
      { state: 'Each', iterations: [['Pick', 'Big'], ['Pick', 'Small']] },
      { state: 'Both', branches: [['Right'], ['Left', 'LeftAgain']] },
      'Recover',
      'Done',
    ]);
    expect(clean).toHaveTakenPath(['Start', 'Flaky', { state: 'Each', everyIteration: ['Pick', expect.any(String)] }, 'Both', 'Done']);
    expect(clean).not.toHaveTakenPath(['Start', 'Flaky', 'Each', 'Both', 'Recover', 'Done']);
  });

  it('fails with a diff cut to what the path asked about', () => {
    const message = failureMessage(() =>
      expect(caught).toHaveTakenPath(['Start', 'Flaky', { state: 'Each', everyIteration: ['Pick', 'Big'] }, { state: 'Both', branches: [['Left'], ['Right']] }, 'Done']),
    );
    expect(message).toContain('expect(run).toHaveTakenPath(path)');
    expect(message).toMatch(/-\s+"Big",\n\+\s+"Small",/);
    expect(message).toMatch(/"Left",\n\+\s+"LeftAgain",/);
    expect(message).toMatch(/\+\s+"Recover",\n\s+"Done",/);
    expect(message).toContain('  Recover (Pass)');
  });
});

describe('Matcher: toHaveRetried', () => {
  it('counts the retries and reads the backoff from the virtual clock', () => {
    expect(caught).toHaveRetried('Flaky', 2);
    expect(caught).toHaveRetried('Flaky', 2, { intervalsMs: [1000, 2000] });
    expect(clean).toHaveRetried('Flaky', 0);
    expect(clean).not.toHaveRetried('Flaky', 1);
  });

  it('fails with the retries it saw', () => {
    const message = failureMessage(() => expect(caught).toHaveRetried('Flaky', 2, { intervalsMs: [1000, 4000] }));
    expect(message).toMatch(/-\s+4000,\n\+\s+2000,/);
    expect(message).toContain('Retries of Flaky:\n  Flaky: 2 retries after 1000 ms, 2000 ms');
    expect(failureMessage(() => expect(caught).toHaveRetried('Nope', 1))).toContain('Expected Nope to be retried, but the execution never entered it.');
  });
});

describe('Matcher: toHaveBeenCaughtBy', () => {
  it('passes when the state failed and its Catch went to the catcher', () => {
    expect(caught).toHaveBeenCaughtBy('Both', 'Recover');
    expect(clean).not.toHaveBeenCaughtBy('Both', 'Recover');
  });

  it('says what happened to the state instead', () => {
    expect(failureMessage(() => expect(clean).toHaveBeenCaughtBy('Both', 'Recover'))).toContain('  Both did not fail; next: Done');
    expect(failureMessage(() => expect(fatal).toHaveBeenCaughtBy('Right', 'Recover'))).toContain('  Right (branch 2 of Both) failed with Fatal and was not caught');
    expect(failureMessage(() => expect(caught).not.toHaveBeenCaughtBy('Both', 'Recover'))).toContain('Expected Both not to be caught by Recover, but it was.');
  });
});

describe('Matcher: toHaveEnteredWith', () => {
  it('matches a recursive subset of the input, in any visit, with asymmetric matchers', () => {
    expect(caught).toHaveEnteredWith('Big', { kind: 'big' });
    expect(caught).toHaveEnteredWith('Recover', { error: { Error: 'Boom', Cause: expect.stringContaining('the right branch broke') } });
    expect(caught).toHaveEnteredWith('Done', { flaky: { payload: { done: 'flaky' } }, items: [{ kind: 'big' }, {}] });
    expect(caught).not.toHaveEnteredWith('Big', { kind: 'small' });
  });

  it('fails with a diff against each visit', () => {
    const message = failureMessage(() => expect(caught).toHaveEnteredWith('Pick', { kind: 'huge' }));
    expect(message).toContain('Pick (iteration 0 of Each) entered with:');
    expect(message).toMatch(/-\s+"kind": "huge",\n\+\s+"kind": "big",/);
    expect(message).toContain('Pick (iteration 1 of Each) entered with:');
  });
});

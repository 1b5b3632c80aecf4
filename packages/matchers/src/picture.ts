import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AslDefinition, RunPicture } from '@harness/stepfunctions';
import type { ExecutionLike } from './types.js';

/** The part of `@harness/stepfunctions` that draws a run (`describeRunPicture`, `writeRunPicture`). */
interface PictureModule {
  describeRunPicture(run: ExecutionLike, definition: AslDefinition): RunPicture;
  writeRunPicture(picture: RunPicture, name: string, dir?: string): string;
}

/** A run's picture for a failure message: Mermaid text and the HTML page written, or why there is none. */
export type RunPictureReport = { readonly mermaid: string; readonly file?: string; readonly fileError?: string } | { readonly missing: string };

let pictureModule: PictureModule | Error | undefined;

/**
 * `@harness/stepfunctions`, loaded when a first matcher fails: it is an
 * optional peer (the double matchers need none), and a failure message is
 * built synchronously, so it is required, not imported.
 */
function loadPictureModule(): PictureModule | Error {
  if (pictureModule) return pictureModule;
  const from = [typeof __filename === 'string' ? __filename : undefined, join(process.cwd(), 'package.json')].filter((base) => base !== undefined);
  let failure: unknown;
  for (const base of from) {
    try {
      pictureModule = createRequire(base)('@harness/stepfunctions') as PictureModule;
      return pictureModule;
    } catch (error) {
      failure = error;
    }
  }
  pictureModule = new Error(`@harness/stepfunctions could not be loaded (${failure instanceof Error ? failure.message.split('\n')[0] : String(failure)})`);
  return pictureModule;
}

function fileName(testName: string | undefined, run: ExecutionLike): string {
  const execution = run.name ?? run.executionArn?.slice(run.executionArn.lastIndexOf(':') + 1) ?? 'run';
  const test = (testName ?? '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 119 - Math.min(execution.length, 40));
  return test ? `${test}-${execution.slice(0, 40)}` : execution;
}

/**
 * Draws the run on its definition's graph (the `definition` that
 * `harness.stepFunctions.execute` attaches on both targets) and writes the
 * HTML page beside the coverage report, or in the temporary directory.
 * Never throws: a picture that cannot be drawn says why instead.
 */
export function pictureOf(run: ExecutionLike, testName?: string): RunPictureReport {
  const definition = (run as { definition?: AslDefinition }).definition;
  if (definition === undefined) {
    return {
      missing:
        'the execution carries no definition: harness.stepFunctions.execute attaches it (a non-enumerable `definition`), ' +
        'an execution from executeOnAws called directly, or copied ({ ...run }), has none. To fix this, assert on what execute resolved with, ' +
        "or attach it: attachDefinition(run, definition) from '@harness/stepfunctions'.",
    };
  }
  const module = loadPictureModule();
  if (module instanceof Error) return { missing: module.message };
  let picture: RunPicture;
  try {
    picture = module.describeRunPicture(run, definition);
  } catch (error) {
    return { missing: `drawing it failed (${error instanceof Error ? error.message : String(error)})` };
  }
  try {
    return { mermaid: picture.mermaid, file: module.writeRunPicture(picture, fileName(testName, run)) };
  } catch (error) {
    return { mermaid: picture.mermaid, fileError: error instanceof Error ? error.message : String(error) };
  }
}

/** The picture as the end of a failure message: the Mermaid text between clear delimiters, then the HTML file. */
export function describePicture(report: RunPictureReport): string {
  if ('missing' in report) return `No picture of the run: ${report.missing}`;
  const page = report.file !== undefined ? `The run drawn on its graph, with the failing state's input and error: ${report.file}` : `No HTML page of the run: writing it failed (${report.fileError}).`;
  return [
    '── The run on its graph (Mermaid: paste it into https://mermaid.live, or a ```mermaid block on GitHub) ──',
    '```mermaid',
    report.mermaid.trimEnd(),
    '```',
    '── end of the Mermaid text ──',
    page,
  ].join('\n');
}

import type { CliRuntime } from '../../src/runtime.js';

/** A runtime that records what a command writes, for assertions. */
export interface RecordingRuntime extends CliRuntime {
  readonly out: string[];
  readonly err: string[];
  readonly questions: string[];
}

export function recordingRuntime(options: { cwd?: string; env?: Record<string, string | undefined>; interactive?: boolean; answer?: boolean } = {}): RecordingRuntime {
  const out: string[] = [];
  const err: string[] = [];
  const questions: string[] = [];
  return {
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    interactive: options.interactive ?? false,
    confirm: async (question) => {
      questions.push(question);
      return options.answer ?? false;
    },
    exitCode: 0,
    out,
    err,
    questions,
  };
}

import { createInterface } from 'node:readline/promises';

/** Where a command writes, what it reads, and how it asks: the process, or a test's stand-in. */
export interface CliRuntime {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Results: tables, JSON, paths. */
  readonly stdout: (text: string) => void;
  /** Progress, warnings and errors. */
  readonly stderr: (text: string) => void;
  /** Whether a person can answer a question on stdin. */
  readonly interactive: boolean;
  /** Asks a yes/no question; resolves true only for yes. */
  readonly confirm: (question: string) => Promise<boolean>;
  /** The exit code the process should end with; commands raise it, never lower it. */
  exitCode: number;
}

/** The runtime of the real process. */
export function processRuntime(): CliRuntime {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    interactive: Boolean(process.stdin.isTTY),
    confirm: async (question) => {
      const readline = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const answer = await readline.question(`${question} [y/N] `);
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        readline.close();
      }
    },
    exitCode: 0,
  };
}

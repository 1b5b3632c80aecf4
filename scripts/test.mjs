#!/usr/bin/env node
// `npm test`: builds every package, then runs typecheck and unit tests, then
// the integration and end-to-end suites (each starts its own moto server on
// loopback). Output streams as it comes; at the end, one line sums up the
// test counts vitest printed for every suite.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nx = join(root, 'node_modules', '.bin', 'nx');
const steps = [
  ['run-many', '-t', 'build'],
  ['run-many', '-t', 'typecheck', 'test', 'test:local'],
  ['run-many', '-t', 'test:integration', 'test:e2e', '--parallel=1'],
];
const env = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  // Node 20 is what these machines run; the SDK's notice about 2027 releases is not news to the tests.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
const totals = { passed: 0, failed: 0, skipped: 0, suites: 0 };
const ansi = /\u001b\[[0-9;]*m/g;

function count(text) {
  for (const line of text.replace(ansi, '').split('\n')) {
    const match = /^\s*Tests\s+(.*\(\d+\))\s*$/.exec(line);
    if (!match) continue;
    totals.suites++;
    for (const [, n, kind] of match[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
      if (kind === 'todo') totals.skipped += Number(n);
      else totals[kind] += Number(n);
    }
  }
}

function run(args) {
  return new Promise((resolve) => {
    console.log(`\n> nx ${args.join(' ')}`);
    const child = spawn(nx, [...args, '--output-style=static'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    const forward = (stream) => (chunk) => {
      stream.write(chunk);
      pending += chunk.toString();
      const end = pending.lastIndexOf('\n');
      if (end >= 0) {
        count(pending.slice(0, end));
        pending = pending.slice(end + 1);
      }
    };
    child.stdout.on('data', forward(process.stdout));
    child.stderr.on('data', forward(process.stderr));
    child.on('close', (code) => {
      count(pending);
      resolve(code ?? 1);
    });
  });
}

const started = Date.now();
let status = 0;
for (const step of steps) {
  status = await run(step);
  if (status !== 0) break;
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\n${totals.suites} vitest runs in ${seconds} s`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
if (status === 0 && totals.passed === 0) {
  console.error('No test ran: that is a failure, not a pass.');
  status = 1;
}
process.exit(status);

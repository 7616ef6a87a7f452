#!/usr/bin/env node
// The `service-connection-rotator` command (package.json `bin`).
import { main } from './main';

// The first Ctrl-C (or SIGTERM) cancels gracefully: nothing new starts, the report still says what
// was done. A second one ends the process at once.
const cancel = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (cancel.signal.aborted) process.exit(130);
    process.stderr.write(`${signal}: cancelling; again to stop at once.\n`);
    cancel.abort();
  });
}

main(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  signal: cancel.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

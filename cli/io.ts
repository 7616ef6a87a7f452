/** The process as the CLI sees it, and its version. */
import fs from 'node:fs';
import path from 'node:path';

/** What the CLI touches of its process; tests pass their own. */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  cwd: string;
  /** Aborted on SIGINT/SIGTERM: nothing new starts, work in flight stops at a safe step. */
  signal?: AbortSignal;
}

export type ParsedValues = Record<string, string | boolean | string[] | undefined>;

/** The package version (package.json two folders up from `dist/cli/`, in the repo and the package). */
export function version(): string {
  const file = path.resolve(__dirname, '..', '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

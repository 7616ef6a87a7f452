/**
 * Secret hygiene (spec §3): no secret may appear in any output of a task run: stdout and stderr
 * line by line (logging commands, errors, warnings, debug lines), output variables, the JSON
 * report and the Markdown summary, except the one `##vso[task.setsecret]` line that registers it.
 * The secrets searched are every secret text the emulator ever held (seeded and minted app
 * passwords, including the rotator's own, and literal connection secrets) plus every job token
 * and PAT of the organization, and any extra (a PAT passed as input). A private key PEM (a
 * certificate connection's, issue #15) is searched line by line too (test/support/pem-secrets.ts).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Emulator, OrgDescription } from '../../../emulator';
import type { TaskRun } from '../../../scripts/agent/run-task';
import { expandPemSecrets, isRegisteringLine } from '../../support/pem-secrets';
import { countScan } from './table';

/** Every secret the organization and the emulator know of. */
export function knownSecrets(
  emulator: Emulator,
  org: OrgDescription,
  extra: readonly string[] = [],
): string[] {
  const tokens = (org.identities ?? []).flatMap((i) => [i.accessToken, i.pat]);
  return expandPemSecrets(
    [...new Set([...emulator.issuedSecrets(), ...tokens, ...extra])].filter(
      (s): s is string => typeof s === 'string' && s.length >= 8,
    ),
  );
}

/** Files a run wrote for people to read: the JSON report and the summaries. */
function artifacts(run: TaskRun): Array<{ name: string; text: string }> {
  const files = new Set<string>(run.summaries);
  const reportPath = run.variables.ReportPath?.value;
  if (reportPath) files.add(reportPath);
  const found: Array<{ name: string; text: string }> = [];
  for (const file of files) {
    if (fs.existsSync(file)) found.push({ name: file, text: fs.readFileSync(file, 'utf8') });
  }
  return found;
}

/**
 * Asserts that no secret appears anywhere but on its own registering line, and counts the scan
 * for the table under `section`.
 */
export function assertNoSecretLeaked(run: TaskRun, secrets: readonly string[], section: string): void {
  const lines = [...run.lines, ...run.stderr.split(/\r?\n/)];
  const files = artifacts(run);
  const variables = Object.entries(run.variables).map(([name, v]) => ({
    name: `variable ${name}`,
    text: v.value,
  }));
  const leaks: string[] = [];
  const known = new Set(secrets);
  for (const secret of secrets) {
    lines.forEach((line, i) => {
      if (line.includes(secret) && !isRegisteringLine(line, known)) leaks.push(`output line ${i + 1}`);
    });
    for (const item of [...files, ...variables]) {
      if (item.text.includes(secret)) leaks.push(item.name);
    }
  }
  // Never print the secret itself: only where it was found.
  assert.deepEqual(leaks, [], `a secret appeared in ${leaks.join(', ')}`);
  countScan(section, secrets, files.length + variables.length + 2, lines.length);
}

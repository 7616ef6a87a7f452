/**
 * Shared setup of the task tests: the staged bundle (built once per test run, as it ships), the
 * demo organization and variants of it, and an emulator per test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Emulator, type EmulatorOptions, type OrgDescription, startEmulator } from '../../emulator';
import type { RunReport } from '../../lib';
import { type EmulatedJob, emulatedJob } from '../../scripts/agent/emulator-agent';
import { runTask, type TaskRun } from '../../scripts/agent/run-task';
import { packageExtension } from '../../scripts/package';
import { expandPemSecrets, isRegisteringLine } from '../support/pem-secrets';

const ROOT = path.resolve(__dirname, '..', '..', '..');

let staged: string | undefined;

/** The staged task folder (task.json + bundle + icon), built on first use. */
export function stagedTaskDir(): string {
  staged ??= packageExtension({
    vsix: false,
    stageDir: fs.mkdtempSync(path.join(os.tmpdir(), 'scr-stage-')),
  }).taskDir;
  return staged;
}

/** A fresh copy of the demo organization description. */
export function demoOrg(): OrgDescription {
  return JSON.parse(
    fs.readFileSync(path.join(ROOT, 'emulator', 'orgs', 'demo.json'), 'utf8'),
  ) as OrgDescription;
}

type Connection = NonNullable<OrgDescription['serviceConnections']>[number];
type Application = NonNullable<OrgDescription['applications']>[number];

export function connectionNamed(org: OrgDescription, name: string): Connection {
  const found = (org.serviceConnections ?? []).find((c) => c.name === name);
  if (!found) throw new Error(`no connection ${name}`);
  return found;
}

export function applicationNamed(org: OrgDescription, name: string): Application {
  const found = (org.applications ?? []).find((a) => a.displayName === name);
  if (!found) throw new Error(`no application ${name}`);
  return found;
}

export const ROTATOR_SECRET_CONNECTION = '5ec2e7a0-0000-4000-8000-00000000000a';
export const ROTATOR_CERT_CONNECTION = '5ec2e7a0-0000-4000-8000-00000000000c';
const ROTATOR_PASSWORD = '5ec2e7a0-0000-4000-8000-0000000000a1';
const ROTATOR_CERT = '5ec2e7a0-0000-4000-8000-0000000000c1';

type Json = Record<string, unknown>;
interface MutableOrg {
  applications: Json[];
  serviceConnections: Json[];
  identities: Json[];
}

/** A PAT of an identity with the User role (may test connections, may not update them). */
export const USER_ROLE_PAT = 'uma-user-pat-0123456789abcdefghijklmnopqrstu';

/**
 * The demo org plus two more rotator connections for the same rotator app, one signing in with a
 * client secret and one with a certificate (both in project Platform), and an identity with only
 * the User role on connections.
 */
export function orgWithRotatorVariants(): OrgDescription {
  const org = demoOrg() as unknown as MutableOrg;
  const rotatorApp = org.applications.find((a) => a.displayName === 'sc-rotator')!;
  const wif = org.serviceConnections.find((c) => c.name === 'rotator-wif')!;
  rotatorApp.passwordCredentials = [
    { keyId: ROTATOR_PASSWORD, displayName: 'rotator secret', startDaysAgo: 10, expiresInDays: 300 },
  ];
  rotatorApp.keyCredentials = [{ keyId: ROTATOR_CERT, displayName: 'CN=sc-rotator', expiresInDays: 300 }];
  const base = { ...wif, description: '', scheme: 'ServicePrincipal' };
  org.serviceConnections.push(
    {
      ...base,
      id: ROTATOR_SECRET_CONNECTION,
      name: 'rotator-secret',
      authenticationType: 'spnKey',
      secret: { passwordKeyId: ROTATOR_PASSWORD },
    },
    {
      ...base,
      id: ROTATOR_CERT_CONNECTION,
      name: 'rotator-cert',
      authenticationType: 'spnCertificate',
      secret: { certificateKeyId: ROTATOR_CERT },
    },
  );
  org.identities.push({
    id: 'uma-user',
    displayName: 'Uma User',
    kind: 'user',
    pat: USER_ROLE_PAT,
    defaultRole: 'User',
  });
  return org as unknown as OrgDescription;
}

/** Starts an emulator for `org` with the test CA. */
export function startFor(org: OrgDescription, options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startEmulator({ org, caDir: process.env.SCR_EMULATOR_CA_DIR, ...options });
}

/** Runs the staged bundle as the agent would, for a job in the emulated org. */
export async function runJob(
  emulator: Emulator,
  org: OrgDescription,
  job: Partial<EmulatedJob> & { inputs?: Record<string, string> },
): Promise<TaskRun> {
  const rotatorConnectionId = job.rotatorConnectionId ?? connectionNamed(org, 'rotator-wif').id;
  return runTask(await emulatedJob({ emulator, org, taskDir: stagedTaskDir(), rotatorConnectionId, ...job }));
}

/** The output variables a run set, as plain values. */
export function outputValues(run: TaskRun): Record<string, string> {
  return Object.fromEntries(Object.entries(run.variables).map(([name, v]) => [name, v?.value ?? '']));
}

/** The JSON report a run wrote (the file its `ReportPath` output names). */
export function reportOf(run: TaskRun): RunReport {
  return JSON.parse(fs.readFileSync(run.variables.ReportPath!.value, 'utf8')) as RunReport;
}

/**
 * Every line of stdout/stderr that contains `secret`, except the `task.setsecret` line registering
 * it. A private key PEM is searched line by line (each base64 line of its body), and a line that
 * registers the whole PEM or one of its lines is not a leak (the agent never shows those).
 */
export function leaks(run: TaskRun, secret: string): string[] {
  const lines = [...run.lines, ...run.stderr.split(/\r?\n/)];
  const parts = [...new Set([secret, ...expandPemSecrets([secret])])];
  const known = new Set([secret, ...parts]);
  return lines.filter((line) => parts.some((part) => line.includes(part)) && !isRegisteringLine(line, known));
}

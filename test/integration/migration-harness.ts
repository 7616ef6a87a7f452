/**
 * Shared setup of the migration integration tests: an emulator with the migration organization, a
 * rotator from the front door (real azure-devops-node-api, Graph over fetch, msal-node) whose
 * sleeps move the emulator clock, one `migrate`/`revertMigration` run as the task does it, and
 * read-outs (writes from the request log, a sign-in as a pipeline would do it).
 */
import { type Emulator, type EmulatorOptions, type LoggedRequest, startEmulator } from '../../emulator';
import type { MigrationPlan, MigrationResult, Rotator } from '../../lib';
import { EmulatorDrivenClock, emulatorRotator } from './adapters-harness';
import {
  JOB_TOKEN,
  MIGRATION_START,
  migrationOrg,
  PROJECT,
  ROTATOR_APP,
  ROTATOR_SECRET,
  TENANT,
} from './migration-org';

export function startMigrationEmulator(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startEmulator({
    org: migrationOrg(),
    caDir: process.env['SCR_EMULATOR_CA_DIR'],
    startTime: MIGRATION_START,
    ...options,
  });
}

/** A fresh rotator (one task run), with a clock that moves the emulator's on every sleep. */
export function migrationRotator(emulator: Emulator): Rotator {
  return emulatorRotator(
    emulator,
    { tenantId: TENANT, appId: ROTATOR_APP, clientSecret: ROTATOR_SECRET, jobToken: JOB_TOKEN },
    { clock: new EmulatorDrivenClock(emulator), revokeAfterHours: 24 },
  );
}

/** One run: discover the named connections, plan, and (unless `dryRun`) execute. */
export async function runMigration(
  emulator: Emulator,
  connections: string,
  options: { revert?: boolean; dryRun?: boolean; rotator?: Rotator } = {},
): Promise<{ plan: MigrationPlan; results: MigrationResult[] | null }> {
  const rotator = options.rotator ?? migrationRotator(emulator);
  const inventory = await rotator.discover({ connections });
  const plan = await rotator.planMigration(inventory, { revert: options.revert ?? false });
  if (options.dryRun) return { plan, results: null };
  return { plan, results: await rotator.migrate(plan) };
}

/** Writes in the request log, as `operation path-fragment`. */
export function writes(emulator: Emulator, since = 0): LoggedRequest[] {
  return emulator.requests().filter((r) => r.write && r.seq > since);
}

/** The highest request sequence number so far. */
export function lastSeq(emulator: Emulator): number {
  return emulator.requests().reduce((max, r) => Math.max(max, r.seq), 0);
}

/** A pipeline's sign-in with the connection: OIDC token from Azure DevOps, exchanged at Entra. */
export async function signInAsPipeline(
  emulator: Emulator,
  connectionId: string,
  appId: string,
): Promise<number> {
  const oidc = await fetch(
    `${emulator.oidcRequestUri(PROJECT.id)}?api-version=7.1&serviceConnectionId=${connectionId}`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${JOB_TOKEN}`, 'content-type': 'application/json' },
      body: '{}',
    },
  );
  if (oidc.status !== 200) return oidc.status;
  const { oidcToken } = (await oidc.json()) as { oidcToken: string };
  const token = await fetch(`${emulator.urls.authorityHost}/${TENANT}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: appId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: oidcToken,
      scope: 'https://management.azure.com/.default',
    }).toString(),
  });
  return token.status;
}

/**
 * The migration planner (spec §8): what `migrate` or `revertMigration` does to each connection,
 * as data. Pure: `planMigration(inventory, facts, options, now)` and `planRevert(inventory,
 * options, now)`; a dry run prints the plan, tests check it as a table.
 *
 * Safety rules the plan never breaks:
 * - a connection is changed only when the caller administers it (the survey's Manage read), so a
 *   non-administrator gets no federated credential either: nothing is written for it;
 * - no federated credential is planned when the app already holds 20 (`fic_limit`);
 * - Automatic connections are converted too (Microsoft's own Convert targets them);
 *   `automaticConnections` is a rotation policy only;
 * - passwords are removed only after `revertSchemeDeadline`, and only those whose marker names this
 *   very connection; a legacy federated credential only when this product's Entra credential for
 *   the connection records it, the switch is `revokeAfterHours` old, and no other connection in
 *   scope still presents its issuer and subject;
 * - a revert outside its window is refused here, before any request.
 */
import { MS_PER_HOUR } from '../clock';
import { TOKEN_EXCHANGE_AUDIENCE } from '../federation/issuers';
import { parseTime } from '../inventory/expiry';
import type { ConnectionReport, Inventory } from '../inventory/types';
import { parseMarker } from '../rotation/marker';
import { replacedFic } from './fic-naming';
import { MAX_FEDERATED_CREDENTIALS, migrationSkip } from './skip-reasons';
import type { MigrationEntry, MigrationFacts, MigrationPlan, MigrationSkipCode } from './types';

/** What both planners need besides the inventory. */
export interface MigrationPlanOptions {
  /** The organization's GUID (`System.CollectionId`, `connectionData.instanceId`). */
  organizationId: string;
  /** Grace in hours between an issuer switch and deleting the legacy credential. @default 24 */
  revokeAfterHours: number;
}

/** Inventory problems that leave a secret connection unconvertible (its app is unusable or foreign). */
const BLOCKING_PROBLEMS = new Set([
  'app_not_found',
  'app_not_readable',
  'other_tenant',
  'no_app_reference',
  'lookup_failed',
  'service_principal_disabled',
  'unsupported_scheme',
]);

/** Plans `migrate`. `facts` holds what the survey read, by lower-cased connection id. */
export function planMigration(
  inventory: Inventory,
  facts: ReadonlyMap<string, MigrationFacts>,
  options: MigrationPlanOptions,
  nowMs: number,
): MigrationPlan {
  const inUse = presentedPairs(facts);
  return {
    kind: 'migrate',
    createdAt: new Date(nowMs).toISOString(),
    organizationId: options.organizationId,
    revokeAfterHours: options.revokeAfterHours,
    entries: inventory.connections.map((report) =>
      planOne(inventory, report, facts.get(report.id.toLowerCase()), inUse, options, nowMs),
    ),
  };
}

/** Plans `revertMigration`: only the inventory's `revertSchemeDeadline` decides; no facts, no request. */
export function planRevert(
  inventory: Inventory,
  options: MigrationPlanOptions,
  nowMs: number,
): MigrationPlan {
  return {
    kind: 'revert',
    createdAt: new Date(nowMs).toISOString(),
    organizationId: options.organizationId,
    revokeAfterHours: options.revokeAfterHours,
    entries: inventory.connections.map((report) => {
      const entry = baseEntry(report);
      const deadline = report.revertSchemeDeadline ?? null;
      const withDeadline = { ...entry, revertSchemeDeadline: deadline };
      if (report.scheme !== 'WorkloadIdentityFederation') {
        return skip(
          withDeadline,
          'not_converted',
          report,
          `uses ${report.scheme}: there is nothing to revert.`,
        );
      }
      const deadlineMs = parseTime(deadline);
      if (deadlineMs === null) {
        return skip(
          withDeadline,
          'not_converted',
          report,
          'has no revertSchemeDeadline (it was created with workload identity federation): there is nothing to revert.',
        );
      }
      if (nowMs >= deadlineMs) return skip(withDeadline, 'revert_window_closed', report, '', deadline);
      if (report.isDisabled) return skip(withDeadline, 'connection_disabled', report);
      return { ...withDeadline, action: 'revert' };
    }),
  };
}

function baseEntry(report: ConnectionReport): MigrationEntry {
  return {
    connectionId: report.id,
    connectionName: report.name,
    projectId: report.projects[0]?.projectId ?? null,
    tenantId: report.tenantId,
    appId: report.appId,
    appObjectId: report.app?.objectId ?? null,
    action: 'nothing',
    target: null,
    ficPresent: false,
    legacyFic: null,
    removeLegacyFic: false,
    removeKeyIds: [],
    foreignKeyIds: [],
    revertSchemeDeadline: report.revertSchemeDeadline ?? null,
    portalUrl: null,
    skip: null,
  };
}

function planOne(
  inventory: Inventory,
  report: ConnectionReport,
  facts: MigrationFacts | undefined,
  inUse: ReadonlyMap<string, string>,
  options: MigrationPlanOptions,
  nowMs: number,
): MigrationEntry {
  const entry = baseEntry(report);
  const scheme = report.scheme;
  if (scheme === 'ManagedServiceIdentity') return skip(entry, 'managed_identity', report);
  if (scheme !== 'ServicePrincipal' && scheme !== 'WorkloadIdentityFederation')
    return skip(entry, 'unsupported_scheme', report);
  if (report.problem && BLOCKING_PROBLEMS.has(report.problem.code)) {
    const { message, fix } = report.problem;
    return { ...entry, action: 'skip', skip: { code: 'not_evaluated', message, fix, actionRequired: true } };
  }
  if (facts?.failure) {
    const { message, fix } = facts.failure;
    return { ...entry, action: 'skip', skip: { code: 'not_evaluated', message, fix, actionRequired: true } };
  }
  const document = facts?.document ?? null;
  if (!facts || !document) return skip(entry, 'not_administrator', report);
  const app = facts.app;
  const target = facts.target;
  if (!app || !target || !entry.projectId) return skip(entry, 'not_evaluated', report);
  const planned: MigrationEntry = {
    ...entry,
    appObjectId: app.objectId,
    target,
    revertSchemeDeadline: stringOf(document.data['revertSchemeDeadline']) ?? entry.revertSchemeDeadline,
  };
  const environment = stringOf(readKey(document.data, 'environment')) ?? 'AzureCloud';
  if (environment !== 'AzureCloud') return skip(planned, 'non_public_cloud', report, environment);
  if (app.signInAudience && app.signInAudience !== 'AzureADMyOrg')
    return skip(planned, 'multitenant', report, app.signInAudience);
  if (report.isDisabled || document['isDisabled'] === true)
    return skip(planned, 'connection_disabled', report);
  const state = String((document['operationStatus'] as { state?: unknown } | undefined)?.state ?? '');
  if (state.toLowerCase() === 'inprogress') return { ...planned, action: 'resume_conversion' };
  if (document.isReady === false) return skip(planned, 'connection_not_ready', report);

  const fics = app.federatedCredentials;
  const ficPresent = fics.some(
    (f) =>
      f.issuer === target.issuer &&
      f.subject === target.subject &&
      f.audiences.includes(TOKEN_EXCHANGE_AUDIENCE),
  );
  const full = !ficPresent && fics.length >= MAX_FEDERATED_CREDENTIALS;
  const withFic = { ...planned, ficPresent };
  if (scheme === 'ServicePrincipal') {
    return full ? skip(withFic, 'fic_limit', report) : { ...withFic, action: 'convert' };
  }

  const issuer = stringOf(readKey(document.authorization.parameters, 'workloadIdentityFederationIssuer'));
  const subject = stringOf(readKey(document.authorization.parameters, 'workloadIdentityFederationSubject'));
  if (issuer && facts.legacyIssuers.includes(issuer)) {
    if (full) return skip(withFic, 'fic_limit', report);
    const legacy = fics.find((f) => f.issuer === issuer && f.subject === subject);
    return {
      ...withFic,
      action: 'prepare_issuer_move',
      legacyFic: legacy?.name ?? null,
      portalUrl: portalUrl(inventory.organizationUrl, report),
    };
  }
  if (issuer !== target.issuer || subject !== target.subject) {
    return skip(withFic, 'subject_unexpected', report, `${issuer ?? '(none)'} / ${subject ?? '(none)'}`);
  }

  // On the Entra issuer with the computed subject: an issuer move to finish, a revert window open,
  // or secrets of ours to remove after it.
  const ours = fics.find((f) => f.name === target.ficName);
  const legacyName = replacedFic(ours?.description, report.id);
  const legacy = legacyName ? fics.find((f) => f.name === legacyName) : undefined;
  if (legacy && facts.legacyIssuers.includes(legacy.issuer)) {
    const switchedMs = parseTime(stringOf(document['modificationDate']));
    const graceOver = switchedMs !== null && nowMs - switchedMs >= options.revokeAfterHours * MS_PER_HOUR;
    const usedElsewhere = (inUse.get(pairKey(legacy.issuer, legacy.subject)) ?? report.id) !== report.id;
    return {
      ...withFic,
      action: 'verify',
      legacyFic: legacy.name,
      removeLegacyFic: graceOver && !usedElsewhere,
    };
  }
  const deadlineMs = parseTime(planned.revertSchemeDeadline);
  if (deadlineMs !== null && nowMs < deadlineMs) return { ...withFic, action: 'verify' };
  if (deadlineMs === null) return withFic;
  const passwords = app.passwords;
  const removeKeyIds = passwords
    .filter((p) => parseMarker(p.displayName)?.connectionId === report.id.toLowerCase())
    .map((p) => p.keyId);
  const foreignKeyIds = passwords.filter((p) => !removeKeyIds.includes(p.keyId)).map((p) => p.keyId);
  return {
    ...withFic,
    action: removeKeyIds.length > 0 ? 'remove_secrets' : 'nothing',
    removeKeyIds,
    foreignKeyIds,
  };
}

/** Which connection presents each (issuer, subject) now, from the survey's documents. */
function presentedPairs(facts: ReadonlyMap<string, MigrationFacts>): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const [id, f] of facts) {
    const params = f.document?.authorization.parameters ?? {};
    const issuer = stringOf(readKey(params, 'workloadIdentityFederationIssuer'));
    const subject = stringOf(readKey(params, 'workloadIdentityFederationSubject'));
    if (issuer && subject) pairs.set(pairKey(issuer, subject), id);
  }
  return pairs;
}

function pairKey(issuer: string, subject: string): string {
  return `${issuer}\n${subject}`;
}

/** The connection's page in Project settings → Service connections, where Update is pressed. */
export function portalUrl(organizationUrl: string, report: ConnectionReport): string | null {
  const project = report.projects[0];
  if (!project) return null;
  return `${organizationUrl.replace(/\/+$/, '')}/${encodeURIComponent(project.projectName)}/_settings/adminservices?resourceId=${report.id}`;
}

function readKey(record: Record<string, unknown> | undefined, key: string): unknown {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(record ?? {})) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

function stringOf(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function skip(
  entry: MigrationEntry,
  code: MigrationSkipCode,
  report: ConnectionReport,
  detail = '',
  deadline: string | null = null,
): MigrationEntry {
  return { ...entry, action: 'skip', skip: migrationSkip(code, report, detail, deadline) };
}

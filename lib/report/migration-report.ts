/**
 * The run report of `migrate` and `revertMigration`, from the inventory (before), the migration
 * plan and its results. Same rows and counts as the rotation report, so the variables, the summary
 * and the task result come from one place; `MigratedCount` counts rows `migrated` or `verified`
 * (with `revertMigration`: `reverted`). Pure.
 */
import type { ConnectionReport, Inventory } from '../inventory/types';
import type { MigrationEntry, MigrationPlan, MigrationResult } from '../migration/types';
import type { RotationPolicy } from '../rotation/policy';
import type { ConnectionRow, RunReport } from './run-report';

/** What {@link buildMigrationReport} is built from. */
export interface MigrationReportInput {
  action: 'migrate' | 'revertMigration';
  dryRun: boolean;
  version: string;
  inventory: Inventory;
  plan: MigrationPlan;
  /** Null in a dry run. */
  results: MigrationResult[] | null;
  policy: RotationPolicy;
  startedAt: number;
  finishedAt: number;
}

function baseRow(c: ConnectionReport): ConnectionRow {
  return {
    id: c.id,
    name: c.name,
    projects: c.projects.map((p) => p.projectName),
    scheme: c.scheme,
    creationMode: c.creationMode,
    appId: c.appId,
    statusBefore: c.status,
    status: c.status,
    daysLeft: c.daysLeft,
    expiresAt: c.expiresAt,
    keyId: c.credential?.keyId ?? null,
    attribution: c.credential?.attribution ?? 'none',
    action: 'none',
    detail: '',
    next: '',
    failed: false,
    needsAction: false,
    code: null,
    tookOver: false,
    removedKeyIds: [],
  };
}

/** Secretless from now on: nothing expires. */
const federated = (row: ConnectionRow): ConnectionRow => ({
  ...row,
  scheme: 'WorkloadIdentityFederation',
  status: 'ok',
  daysLeft: null,
  expiresAt: null,
  keyId: null,
  attribution: 'none',
});

const WOULD: Record<MigrationEntry['action'], string> = {
  convert:
    'Would create the Entra federated credential, then convert the connection to workload identity federation.',
  resume_conversion: 'Would wait for the conversion in progress and verify it.',
  prepare_issuer_move:
    'Would add the Entra federated credential beside the legacy one and report it ready to switch.',
  verify: 'Would verify the Entra issuer, the computed subject and TestConnection.',
  remove_secrets: 'Would remove the secrets this product minted, now that the revert window is over.',
  revert: 'Would convert the connection back to ServicePrincipal with its previous secret.',
  skip: '',
  nothing: '',
};

function planned(row: ConnectionRow, entry: MigrationEntry): ConnectionRow {
  if (entry.action === 'skip') {
    return {
      ...row,
      action: 'skipped',
      detail: entry.skip?.message ?? 'Skipped.',
      next: entry.skip?.actionRequired ? (entry.skip?.fix ?? '') : '',
      needsAction: entry.skip?.actionRequired ?? false,
      // Like a refused update in rotation: a permission (or an unreadable app) counts as failed.
      failed:
        (entry.skip?.code === 'not_evaluated' || entry.skip?.code === 'not_administrator') &&
        entry.skip.actionRequired,
      code: entry.skip?.code ?? null,
    };
  }
  if (entry.action === 'nothing') return { ...row, detail: nothingDetail(row, entry) };
  return {
    ...row,
    action: entry.action === 'revert' ? 'would_revert' : 'would_migrate',
    detail: WOULD[entry.action],
    next: 'Run without dryRun to do it.',
  };
}

function nothingDetail(row: ConnectionRow, entry: MigrationEntry): string {
  if (row.scheme === 'WorkloadIdentityFederation') {
    const foreign = entry.foreignKeyIds.length
      ? ` The app still holds ${entry.foreignKeyIds.length} secret(s) this product did not mint (${entry.foreignKeyIds.map((k) => k.slice(0, 8)).join(', ')}): its owner may remove them once nothing else uses them.`
      : '';
    return `Workload identity federation on the Entra issuer; nothing to do.${foreign}`;
  }
  return 'Nothing to do.';
}

function done(
  row: ConnectionRow,
  entry: MigrationEntry,
  result: MigrationResult,
  graceHours: number,
): ConnectionRow {
  const r = { ...row, removedKeyIds: [...result.removedKeyIds] };
  const window = result.revertSchemeDeadline
    ? ` It can be reverted (action revertMigration) until ${result.revertSchemeDeadline}; its old secret stays on the app until then.`
    : '';
  switch (result.outcome) {
    case 'converted':
      return {
        ...federated(r),
        action: 'migrated',
        detail: `Converted to workload identity federation (Entra issuer, computed subject); TestConnection passed.${result.createdFic ? ` Created federated credential ${result.createdFic}.` : ''}`,
        next: window.trim(),
      };
    case 'verified':
      return {
        ...federated(r),
        action: 'verified',
        detail: `Verified on the Entra issuer with the computed subject; TestConnection passed.${result.removedFics.length ? ` Deleted the legacy federated credential ${result.removedFics.join(', ')}.` : ''}`,
        next:
          entry.legacyFic && !result.removedFics.length
            ? `The legacy federated credential ${entry.legacyFic} is deleted by a run once the switch is ${graceHours} h old (revokeAfterHours).`
            : window.trim(),
      };
    case 'ready_to_switch':
      return {
        ...r,
        action: 'ready_to_switch',
        detail: `Ready to switch to the Entra issuer: the Entra federated credential is in place beside the legacy one.${result.createdFic ? ` Created ${result.createdFic}.` : ''}`,
        next: `Open ${result.portalUrl ?? 'the connection'} and press Update (it succeeds at once); the next run verifies it.`,
        needsAction: true,
      };
    case 'cleaned':
      return {
        ...federated(r),
        action: 'cleaned',
        detail: `Removed ${result.removedKeyIds.length} secret(s) this product minted, now that the revert window is over.`,
        next: entry.foreignKeyIds.length
          ? `The app still holds ${entry.foreignKeyIds.length} secret(s) this product did not mint (${entry.foreignKeyIds.map((k) => k.slice(0, 8)).join(', ')}): its owner may remove them once nothing else uses them.`
          : '',
      };
    case 'reverted':
      return {
        ...r,
        scheme: 'ServicePrincipal',
        action: 'reverted',
        detail: 'Reverted to ServicePrincipal with its previous secret; TestConnection passed.',
        next: "Its secret expires again: run action 'report' or 'rotate' to see and renew it.",
      };
    case 'failed':
      return {
        ...r,
        action: 'failed',
        detail: result.error?.message ?? 'Migration failed.',
        next: result.error?.fix ?? '',
        failed: true,
        code: result.error?.code ?? 'internal',
      };
    case 'skipped':
      return planned(r, entry);
    default:
      return { ...r, detail: nothingDetail(r, entry) };
  }
}

/** The report of the run. */
export function buildMigrationReport(input: MigrationReportInput): RunReport {
  const entries = new Map(input.plan.entries.map((e) => [e.connectionId, e]));
  const outcomes = new Map((input.results ?? []).map((r) => [r.connectionId, r]));
  const connections = input.inventory.connections.map((c) => {
    const row = baseRow(c);
    const entry = entries.get(c.id);
    const result = outcomes.get(c.id);
    if (!entry) return row;
    const r = result ? done(row, entry, result, input.plan.revokeAfterHours) : planned(row, entry);
    // A secret connection that is not migrated keeps its expiry; its problem still counts.
    return c.problem?.actionRequired ? { ...r, failed: true, code: r.code ?? c.problem.code } : r;
  });
  const { policy } = input;
  return {
    schemaVersion: 1,
    tool: { name: 'ServiceConnectionRotator', version: input.version },
    organizationUrl: input.inventory.organizationUrl,
    action: input.action,
    dryRun: input.dryRun,
    startedAt: new Date(input.startedAt).toISOString(),
    finishedAt: new Date(input.finishedAt).toISOString(),
    thresholds: { ...input.inventory.thresholds },
    policy: {
      rotateWithinDays: policy.rotateWithinDays,
      secretLifetimeDays: policy.secretLifetimeDays,
      revokeAfterHours: policy.revokeAfterHours,
      automaticConnections: policy.automaticConnections,
    },
    projects: input.inventory.projects.map((p) => p.name),
    connections,
  };
}

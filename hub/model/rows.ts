/**
 * The page's table rows. The report is as old as its run; the page counts days from now, with the
 * thresholds that run used, so a report a week old still shows the right days left. What the run
 * found (detail, next step, failure) is the report's, not computed again.
 */
import { daysLeft, expiryStatus } from '../../lib/inventory/expiry';
import type { ConnectionRow } from '../../lib/report/run-report';
import { isFederation, isLegacyIssuer } from './federation';
import type { CredentialKind, HealthRow, HealthStatus, MergedConnection } from './types';
import { HEALTH_STATUSES } from './types';

/**
 * What the connection authenticates with: federation by scheme; a certificate when the report says
 * so (`credentialKind`) or, in reports written before it did, its detail line names one.
 */
export function credentialKind(row: ConnectionRow): CredentialKind {
  if (isFederation(row)) return 'federation';
  const kind = (row as ConnectionRow & { credentialKind?: unknown }).credentialKind;
  if (kind === 'certificate' || kind === 'secret') return kind;
  return /^Certificate\b/.test(row.detail) ? 'certificate' : 'secret';
}

/** The row's status now. */
export function healthStatus(
  row: ConnectionRow,
  thresholds: MergedConnection['thresholds'],
  nowMs: number,
): HealthStatus {
  if (row.failed) return 'failed';
  if (row.status === 'unknown' || row.expiresAt === null) return row.status;
  const end = Date.parse(row.expiresAt);
  return Number.isNaN(end) ? row.status : expiryStatus(end, nowMs, thresholds);
}

/** Table rows, in the order of `merged`. */
export function buildRows(merged: readonly MergedConnection[], nowMs: number): HealthRow[] {
  return merged.map(({ key, organizationUrl, row, projects, thresholds, source }) => {
    const end = row.expiresAt === null ? Number.NaN : Date.parse(row.expiresAt);
    return {
      key,
      organizationUrl,
      connection: row.name,
      projects,
      status: healthStatus(row, thresholds, nowMs),
      daysLeft: Number.isNaN(end) ? null : daysLeft(end, nowMs),
      expiresAt: Number.isNaN(end) ? null : row.expiresAt,
      kind: credentialKind(row),
      action: row.action,
      detail: row.detail,
      next: row.next,
      legacyIssuer: isLegacyIssuer(row),
      run: source.run,
    };
  });
}

/** How many rows have each status (every status present, 0 when none). */
export function countByStatus(rows: readonly HealthRow[]): Record<HealthStatus, number> {
  const counts = Object.fromEntries(HEALTH_STATUSES.map((s) => [s, 0])) as Record<HealthStatus, number>;
  for (const row of rows) counts[row.status] += 1;
  return counts;
}

/**
 * The run report: what the task found and did, per connection, after the run. It is written as
 * the JSON report (schema in docs/report.schema.json) and is the one source of the output
 * variables, the Markdown summary and the task result, so the three always agree. No secrets.
 */
import { MS_PER_DAY } from '../clock';
import type { FederationKind } from '../federation/finding';
import { worstStatus } from '../inventory/expiry';
import type { ConnectionStatus, DanglingCredential, ExpiryStatus, ProblemCode } from '../inventory/types';

/** What the run did to a connection. */
export type ConnectionAction =
  | 'rotated'
  | 'would_rotate'
  | 'retired'
  | 'cleaned'
  | 'skipped'
  | 'failed'
  | 'race_lost'
  /** `migrate`: converted to workload identity federation in this run. */
  | 'migrated'
  | 'would_migrate'
  /** `migrate`: on the Entra issuer with the computed subject and TestConnection passing. */
  | 'verified'
  /** `migrate`: the Entra credential is beside the legacy one; a person presses Update. */
  | 'ready_to_switch'
  | 'reverted'
  | 'would_revert'
  | 'none';

export interface ConnectionRow {
  id: string;
  name: string;
  /** Project names the connection is shared into. */
  projects: string[];
  scheme: string;
  creationMode: 'Automatic' | 'Manual' | null;
  appId: string | null;
  /** Status before the run. */
  statusBefore: ConnectionStatus;
  /** Status after the run (a rotated connection counts its new secret). */
  status: ConnectionStatus;
  daysLeft: number | null;
  expiresAt: string | null;
  /**
   * What the credential that counts is, when there is one: a client secret or a certificate
   * (absent for a connection without a credential, and in reports written before it existed).
   */
  credentialKind?: 'secret' | 'certificate';
  /** keyId of the credential that counts after the run, when known. */
  keyId: string | null;
  attribution: string;
  action: ConnectionAction;
  /** One line: what happened. */
  detail: string;
  /** One line: what the user should do next, or empty. */
  next: string;
  /** Counts in FailedCount. */
  failed: boolean;
  /** Skipped for a reason the user must act on (SucceededWithIssues). */
  needsAction: boolean;
  /** Error or problem code when there was one. */
  code: ProblemCode | string | null;
  /** True when this run switched an Automatic connection to Manual. */
  tookOver: boolean;
  removedKeyIds: string[];
  /** Workload identity federation and managed identity connections: the finding (spec §7). */
  federation?: FederationKind;
}

export interface RunReport {
  schemaVersion: 1;
  tool: { name: 'ServiceConnectionRotator'; version: string };
  organizationUrl: string;
  action: 'report' | 'rotate' | 'migrate' | 'revertMigration';
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  thresholds: { warningDays: number; failureDays: number };
  policy: {
    rotateWithinDays: number;
    secretLifetimeDays: number;
    revokeAfterHours: number;
    automaticConnections: 'report' | 'takeOver';
    /** Every connection in scope was rotated whatever its expiry (spec §10). */
    forceRotation?: boolean;
  };
  projects: string[];
  connections: ConnectionRow[];
  /**
   * Federated credentials issued for this organization whose subject names no existing
   * connection (spec §7): a new connection with that name would inherit the app's access. Listed,
   * never deleted; they make the run SucceededWithIssues. Absent when there are none.
   */
  danglingCredentials?: DanglingCredential[];
  /**
   * Present when the agent cancelled the run (SIGINT/SIGTERM, issue #13): the rows say what was
   * done before it stopped.
   */
  cancelled?: true;
}

const RANK: Record<string, number> = { expired: 0, critical: 1, unknown: 2, warning: 3, ok: 4 };

/** Rows worst first: failures, then by status, then soonest expiry, then by name (summary and CLI table). */
export function worstFirst(rows: readonly ConnectionRow[]): ConnectionRow[] {
  return [...rows].sort(
    (a, b) =>
      Number(b.failed) - Number(a.failed) ||
      (RANK[a.status] ?? 9) - (RANK[b.status] ?? 9) ||
      (a.daysLeft ?? Number.MAX_SAFE_INTEGER) - (b.daysLeft ?? Number.MAX_SAFE_INTEGER) ||
      a.name.localeCompare(b.name),
  );
}

/** The row whose credential expires soonest, if any. */
export function soonestExpiry(rows: readonly ConnectionRow[]): ConnectionRow | null {
  let best: ConnectionRow | null = null;
  for (const row of rows) {
    if (row.expiresAt === null) continue;
    if (best === null || Date.parse(row.expiresAt) < Date.parse(best.expiresAt!)) best = row;
  }
  return best;
}

/** The counts of a report: the task's output variables and the CLI's closing line. */
export interface ReportTotals {
  /** Worst status over the connections (`unknown` ones do not count). */
  expiryStatus: ExpiryStatus;
  connections: number;
  /** In `warning` or `critical`. */
  expiring: number;
  expired: number;
  rotated: number;
  failed: number;
  /**
   * `migrate`: connections converted to, or verified on, workload identity federation in this
   * run; `revertMigration`: connections reverted. 0 otherwise.
   */
  migrated: number;
  /** WIF connections on the Azure DevOps issuer retired on 2027-07-01 (`LegacyIssuerCount`). */
  legacyIssuer: number;
  /** Dangling federated credentials. */
  dangling: number;
  /**
   * ISO-8601 UTC of the soonest expiry of a credential in use, or of the issuer retirement for a
   * connection on the legacy issuer; null when none.
   */
  nextExpiry: string | null;
  /** Whole days from `now` until `nextExpiry` (negative once expired); null when none. */
  daysUntilNextExpiry: number | null;
}

/** Counts `report`, "now" being `nowMs`. */
export function reportTotals(report: RunReport, nowMs: number): ReportTotals {
  const rows = report.connections;
  const soonest = soonestExpiry(rows);
  const end = soonest ? Date.parse(soonest.expiresAt!) : null;
  return {
    expiryStatus: worstStatus(rows.map((r) => r.status)),
    connections: rows.length,
    expiring: rows.filter((r) => r.status === 'warning' || r.status === 'critical').length,
    expired: rows.filter((r) => r.status === 'expired').length,
    rotated: rows.filter((r) => r.action === 'rotated').length,
    failed: rows.filter((r) => r.failed).length,
    migrated: rows.filter(
      (r) => r.action === 'migrated' || r.action === 'verified' || r.action === 'reverted',
    ).length,
    legacyIssuer: rows.filter((r) => r.federation === 'legacy_issuer').length,
    dangling: report.danglingCredentials?.length ?? 0,
    nextExpiry: end === null ? null : new Date(end).toISOString(),
    daysUntilNextExpiry: end === null ? null : Math.floor((end - nowMs) / MS_PER_DAY),
  };
}

/** The task result the thresholds call for, with the message that goes with it (spec §3). */
export function decideResult(report: RunReport): {
  result: 'Succeeded' | 'SucceededWithIssues' | 'Failed';
  message: string;
} {
  const rows = report.connections;
  const count = (pred: (r: ConnectionRow) => boolean) => rows.filter(pred).length;
  const critical = count((r) => r.status === 'critical');
  const expired = count((r) => r.status === 'expired');
  const failed = count((r) => r.failed);
  const warning = count((r) => r.status === 'warning');
  const needsAction = count((r) => r.needsAction && !r.failed);
  const dangling = report.danglingCredentials?.length ?? 0;
  const rotated = count((r) => r.action === 'rotated');
  const parts: string[] = [];
  if (expired) parts.push(`${expired} expired`);
  if (critical) parts.push(`${critical} expiring within ${report.thresholds.failureDays} days`);
  if (failed) parts.push(`${failed} failed`);
  if (warning) parts.push(`${warning} expiring within ${report.thresholds.warningDays} days`);
  if (needsAction) parts.push(`${needsAction} need you to act`);
  if (dangling) {
    parts.push(`${dangling} dangling federated credential${dangling === 1 ? '' : 's'}`);
  }
  const migrated = count((r) => r.action === 'migrated' || r.action === 'verified');
  const reverted = count((r) => r.action === 'reverted');
  const done = `${rotated ? `; rotated ${rotated}` : ''}${migrated ? `; migrated or verified ${migrated}` : ''}${reverted ? `; reverted ${reverted}` : ''}`;
  const scope = `${rows.length} service connection${rows.length === 1 ? '' : 's'}`;
  if (report.cancelled) {
    const stopped = count((r) => r.code === 'rotation.aborted');
    const left = stopped ? `; ${stopped} stopped before finishing` : '';
    return {
      result: 'Failed',
      message: `Cancelled: the run was stopped before it finished (${scope}${done}${left}). Run the task again to finish the work.`,
    };
  }
  if (critical || expired || failed) {
    // The task's one error line: name a cause, not only a count (e.g. Graph unreachable).
    const first = rows.find((r) => r.failed);
    const cause = first ? ` First failure: ${first.name}: ${first.detail}` : '';
    return { result: 'Failed', message: `${scope}: ${parts.join(', ')}${done}. See the summary.${cause}` };
  }
  if (warning || needsAction || dangling) {
    return {
      result: 'SucceededWithIssues',
      message: `${scope}: ${parts.join(', ')}${done}. See the summary.`,
    };
  }
  return { result: 'Succeeded', message: `${scope}: all secrets ok${done}.` };
}

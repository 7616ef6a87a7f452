/**
 * "Changed since the previous run": what differs between the two newest reports of a scope, per
 * connection. Pure; compares what the reports say, in the order of the newer report.
 */
import type { ConnectionRow, RunReport } from '../../lib/report/run-report';

/** What changed. */
export type ChangeKind = 'added' | 'removed' | 'status' | 'expiry' | 'acted' | 'failing' | 'recovered';

export interface Change {
  kind: ChangeKind;
  connectionId: string;
  connection: string;
  /** One line a person reads. */
  text: string;
}

/** Actions that change a connection (not `none`, `skipped` or the dry run's `would_*`). */
const ACTS = new Set(['rotated', 'retired', 'cleaned', 'migrated', 'verified', 'reverted']);

function day(iso: string | null): string {
  return iso ? iso.slice(0, 10) : 'none';
}

function changesOf(before: ConnectionRow, after: ConnectionRow): Change[] {
  const base = { connectionId: after.id, connection: after.name };
  const changes: Change[] = [];
  if (ACTS.has(after.action)) {
    changes.push({ ...base, kind: 'acted', text: `${after.action}: ${after.detail}` });
  }
  if (!before.failed && after.failed) {
    changes.push({ ...base, kind: 'failing', text: `Now needs action: ${after.detail}` });
  } else if (before.failed && !after.failed) {
    changes.push({ ...base, kind: 'recovered', text: 'No longer failing.' });
  }
  if (before.status !== after.status) {
    changes.push({ ...base, kind: 'status', text: `Status ${before.status} → ${after.status}.` });
  }
  // A new expiry without an action of this task: someone renewed it by hand (or it was replaced).
  if (before.expiresAt !== after.expiresAt && !ACTS.has(after.action)) {
    changes.push({
      ...base,
      kind: 'expiry',
      text: `Expiry ${day(before.expiresAt)} → ${day(after.expiresAt)}.`,
    });
  }
  return changes;
}

/** The changes from `previous` to `latest`; none when there is no previous report. */
export function diffRuns(previous: RunReport | null, latest: RunReport): Change[] {
  if (!previous) return [];
  const before = new Map(previous.connections.map((c) => [c.id.toLowerCase(), c]));
  const after = new Set(latest.connections.map((c) => c.id.toLowerCase()));
  const changes: Change[] = [];
  for (const row of latest.connections) {
    const old = before.get(row.id.toLowerCase());
    if (!old) {
      changes.push({
        kind: 'added',
        connectionId: row.id,
        connection: row.name,
        text: `New in scope (${row.status}).`,
      });
      continue;
    }
    changes.push(...changesOf(old, row));
  }
  for (const row of previous.connections) {
    if (after.has(row.id.toLowerCase())) continue;
    changes.push({
      kind: 'removed',
      connectionId: row.id,
      connection: row.name,
      text: 'No longer in scope (deleted, renamed out of the filter, or unshared).',
    });
  }
  return changes;
}

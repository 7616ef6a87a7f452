/** Sorting and filtering the table; the page keeps the state, these decide the rows shown. */
import type { CredentialKind, HealthRow, HealthStatus } from './types';
import { CREDENTIAL_KINDS, HEALTH_STATUSES } from './types';

/** The sortable columns. */
export type SortKey = 'status' | 'daysLeft' | 'connection' | 'projects' | 'kind' | 'action' | 'next';

export type SortDirection = 'asc' | 'desc';

/** What the user narrowed the table to; an absent or empty field keeps every row. */
export interface RowFilter {
  /** Case-insensitive words, each found in the connection, a project, the next step or the detail. */
  text?: string;
  statuses?: readonly HealthStatus[];
  kinds?: readonly CredentialKind[];
}

const STATUS_RANK = new Map(HEALTH_STATUSES.map((s, i) => [s, i]));
const KIND_RANK = new Map(CREDENTIAL_KINDS.map((k, i) => [k, i]));

function compareBy(key: SortKey, a: HealthRow, b: HealthRow): number {
  switch (key) {
    case 'status':
      return STATUS_RANK.get(a.status)! - STATUS_RANK.get(b.status)!;
    case 'daysLeft':
      // Nothing to expire sorts after every date.
      return (a.daysLeft ?? Number.MAX_SAFE_INTEGER) - (b.daysLeft ?? Number.MAX_SAFE_INTEGER);
    case 'connection':
      return a.connection.localeCompare(b.connection);
    case 'projects':
      return a.projects.join(', ').localeCompare(b.projects.join(', '));
    case 'kind':
      return KIND_RANK.get(a.kind)! - KIND_RANK.get(b.kind)!;
    case 'action':
      return a.action.localeCompare(b.action);
    case 'next':
      return a.next.localeCompare(b.next);
  }
}

/**
 * Rows sorted by `key` (`desc` reverses it); ties worst status first, then soonest expiry, then
 * by name, whatever the direction, so the order is stable and repeatable.
 */
export function sortRows(rows: readonly HealthRow[], key: SortKey, direction: SortDirection): HealthRow[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows].sort(
    (a, b) =>
      sign * compareBy(key, a, b) ||
      compareBy('status', a, b) ||
      compareBy('daysLeft', a, b) ||
      compareBy('connection', a, b) ||
      a.key.localeCompare(b.key),
  );
}

/** The rows `filter` keeps, in their order. */
export function filterRows(rows: readonly HealthRow[], filter: RowFilter): HealthRow[] {
  const words = (filter.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const statuses = filter.statuses?.length ? new Set(filter.statuses) : null;
  const kinds = filter.kinds?.length ? new Set(filter.kinds) : null;
  return rows.filter((row) => {
    if (statuses && !statuses.has(row.status)) return false;
    if (kinds && !kinds.has(row.kind)) return false;
    if (words.length === 0) return true;
    const haystack = [row.connection, ...row.projects, row.next, row.detail].join('\n').toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}

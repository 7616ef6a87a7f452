/**
 * The timeline of the next 180 days: one point per secret or certificate expiring in the window,
 * and one for the retirement of the Azure DevOps issuer when it falls in the window and
 * connections are still on it. Past expiries are not on it (the table and the counts show them).
 */
import { MS_PER_DAY } from '../../lib/clock';
import { ISSUER_RETIREMENT, ISSUER_RETIREMENT_MS } from '../../lib/federation/issuers';
import type { HealthRow, HealthStatus } from './types';

/** Days the timeline looks ahead. */
export const TIMELINE_DAYS = 180;

export interface TimelinePoint {
  /** Whole days from now, 0 to `days`. */
  day: number;
  /** ISO-8601 of the event. */
  at: string;
  kind: 'secret' | 'certificate' | 'issuer';
  /** The connection, or for the issuer how many connections are on it. */
  label: string;
  /** The connections the point stands for (one, or every legacy-issuer connection). */
  connections: string[];
  status: HealthStatus;
}

export interface TimelineSeries {
  /** ISO-8601 start (now) and end (now + `days`). */
  from: string;
  to: string;
  days: number;
  /** Sorted by time, then label. */
  points: TimelinePoint[];
}

/** The series over `rows` from `nowMs`. */
export function timelineSeries(
  rows: readonly HealthRow[],
  nowMs: number,
  days: number = TIMELINE_DAYS,
): TimelineSeries {
  const endMs = nowMs + days * MS_PER_DAY;
  const inWindow = (ms: number) => ms >= nowMs && ms <= endMs;
  const points: TimelinePoint[] = [];
  for (const row of rows) {
    if (row.kind === 'federation' || row.expiresAt === null) continue;
    const at = Date.parse(row.expiresAt);
    if (!inWindow(at)) continue;
    points.push({
      day: Math.floor((at - nowMs) / MS_PER_DAY),
      at: row.expiresAt,
      kind: row.kind,
      label: row.connection,
      connections: [row.connection],
      status: row.status,
    });
  }
  const legacy = rows.filter((r) => r.legacyIssuer);
  if (legacy.length > 0 && inWindow(ISSUER_RETIREMENT_MS)) {
    points.push({
      day: Math.floor((ISSUER_RETIREMENT_MS - nowMs) / MS_PER_DAY),
      at: ISSUER_RETIREMENT,
      kind: 'issuer',
      label: `Azure DevOps issuer retired (${legacy.length} connection${legacy.length === 1 ? '' : 's'})`,
      connections: legacy.map((r) => r.connection).sort((a, b) => a.localeCompare(b)),
      status: legacy.some((r) => r.status === 'critical' || r.status === 'expired') ? 'critical' : 'warning',
    });
  }
  points.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.label.localeCompare(b.label));
  return { from: new Date(nowMs).toISOString(), to: new Date(endMs).toISOString(), days, points };
}

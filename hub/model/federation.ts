/**
 * The federation findings the report carries (issue #11, spec §7): connections still on the Azure
 * DevOps issuer, retired on 2027-07-01, and dangling federated credentials. Reports written before
 * #11 have neither; the page then shows none, and says so, rather than failing.
 */
import { ISSUER_RETIREMENT, ISSUER_RETIREMENT_MS } from '../../lib/federation/issuers';
import { daysLeft } from '../../lib/inventory/expiry';
import type { ConnectionRow } from '../../lib/report/run-report';
import type { HealthRow, RunRef, ScopeHistory } from './types';

const WIF = 'workloadidentityfederation';

/** True for a workload identity federation connection. */
export function isFederation(row: Pick<ConnectionRow, 'scheme'>): boolean {
  return row.scheme.toLowerCase() === WIF;
}

/**
 * A WIF connection on the retiring issuer. The report gives such a connection the retirement as
 * its expiry (spec §7); a flag or finding code, when the report has one, says the same.
 */
export function isLegacyIssuer(row: ConnectionRow): boolean {
  if (!isFederation(row)) return false;
  const extra = row as ConnectionRow & { legacyIssuer?: unknown; finding?: unknown };
  if (extra.legacyIssuer === true) return true;
  if (extra.finding === 'legacy_issuer' || row.code === 'legacy_issuer') return true;
  return row.expiresAt !== null && Date.parse(row.expiresAt) === ISSUER_RETIREMENT_MS;
}

/** A federated credential whose subject names no existing connection (spec §7). */
export interface DanglingFic {
  organizationUrl: string;
  appId: string;
  name: string;
  subject: string;
  issuer: string | null;
  run: RunRef;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The list a report keeps them in: `danglingFics`, or `federation.danglingFics`. */
function danglingList(report: unknown): unknown[] {
  const r = report as { danglingFics?: unknown; federation?: { danglingFics?: unknown } };
  if (Array.isArray(r.danglingFics)) return r.danglingFics;
  if (Array.isArray(r.federation?.danglingFics)) return r.federation.danglingFics;
  return [];
}

/** The dangling credentials of the newest report of each scope, once each. */
export function danglingFics(scopes: readonly ScopeHistory[]): DanglingFic[] {
  const found = new Map<string, DanglingFic>();
  for (const { latest } of scopes) {
    for (const item of danglingList(latest.report)) {
      const f = (item ?? {}) as Record<string, unknown>;
      const appId = text(f.appId);
      const subject = text(f.subject);
      if (!appId || !subject) continue;
      const name = text(f.name) ?? text(f.ficName) ?? text(f.displayName) ?? '';
      const issuer = text(f.issuer);
      const key = `${latest.report.organizationUrl.toLowerCase()}|${appId}|${issuer}|${subject}`;
      if (!found.has(key)) {
        found.set(key, {
          organizationUrl: latest.report.organizationUrl,
          appId,
          name,
          subject,
          issuer,
          run: latest.run,
        });
      }
    }
  }
  return [...found.values()].sort(
    (a, b) => a.appId.localeCompare(b.appId) || a.subject.localeCompare(b.subject),
  );
}

/** The countdown to the issuer's retirement. */
export interface IssuerCountdown {
  retirement: string;
  /** Whole days from now until the retirement (negative after it). */
  daysLeft: number;
  /** Names of the connections still on the retiring issuer, sorted. */
  connections: string[];
}

/** The countdown over the page's rows. */
export function issuerCountdown(rows: readonly HealthRow[], nowMs: number): IssuerCountdown {
  return {
    retirement: ISSUER_RETIREMENT,
    daysLeft: daysLeft(ISSUER_RETIREMENT_MS, nowMs),
    connections: rows
      .filter((r) => r.legacyIssuer)
      .map((r) => r.connection)
      .sort((a, b) => a.localeCompare(b)),
  };
}

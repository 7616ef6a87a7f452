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
 * A WIF connection on the retiring issuer: the report's finding (`federation: 'legacy_issuer'`,
 * spec §7, issue #11). A report written before findings existed has none; there the retirement
 * as the connection's expiry says the same.
 */
export function isLegacyIssuer(row: ConnectionRow): boolean {
  if (row.federation !== undefined) return row.federation === 'legacy_issuer';
  if (!isFederation(row)) return false;
  return row.expiresAt !== null && Date.parse(row.expiresAt) === ISSUER_RETIREMENT_MS;
}

/** A federated credential whose subject names no existing connection (spec §7). */
export interface DanglingFic {
  organizationUrl: string;
  appId: string;
  /** The app's display name, when the report has it. */
  appName: string | null;
  name: string;
  subject: string;
  issuer: string | null;
  /** The report's sentence on what could inherit the app's access, when it has one. */
  risk: string | null;
  run: RunRef;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The report's `danglingCredentials` (issue #11); absent in older reports and when there are none. */
function danglingList(report: ScopeHistory['latest']['report']): unknown[] {
  return Array.isArray(report.danglingCredentials) ? report.danglingCredentials : [];
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
      const issuer = text(f.issuer);
      const key = `${latest.report.organizationUrl.toLowerCase()}|${appId}|${issuer}|${subject}`;
      if (!found.has(key)) {
        found.set(key, {
          organizationUrl: latest.report.organizationUrl,
          appId,
          appName: text(f.appDisplayName),
          name: text(f.name) ?? '',
          subject,
          issuer,
          risk: text(f.risk),
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

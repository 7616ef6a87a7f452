/**
 * The vocabulary of the "Service connection health" page (issue #18): the runs that published the
 * report artifact, the reports read from them, and what the page shows. Plain data; the page's
 * logic lives in the pure functions beside this file, the page (`hub/page/`) only renders.
 */
import type { ConnectionRow, RunReport } from '../../lib/report/run-report';

/** A pipeline run (a build) that published the report artifact. */
export interface RunRef {
  buildId: number;
  buildNumber: string;
  projectId: string;
  projectName: string;
  definitionName: string;
  /** ISO-8601; null while the run is not finished. */
  finishTime: string | null;
  /** The run's web page. */
  url: string;
}

/** One run report and the run whose artifact held it. */
export interface PublishedReport {
  run: RunRef;
  report: RunReport;
}

/** A scope (an organization and the projects one pipeline job watches), its newest two reports. */
export interface ScopeHistory {
  /** Stable key: the organization URL (lower case, no trailing slash) and the project names. */
  key: string;
  organizationUrl: string;
  projects: string[];
  latest: PublishedReport;
  /** The report before `latest` in the same scope, for "changed since the previous run". */
  previous: PublishedReport | null;
}

/** A connection as the newest report that saw it says, with every project any scope saw it in. */
export interface MergedConnection {
  /** Organization URL (normalised) and connection id. */
  key: string;
  organizationUrl: string;
  row: ConnectionRow;
  projects: string[];
  thresholds: RunReport['thresholds'];
  source: PublishedReport;
}

/** The page's status of a connection: a failure first, then its expiry status now. */
export type HealthStatus = 'failed' | 'expired' | 'critical' | 'warning' | 'unknown' | 'ok';

/** Every status, worst first (the order of the counts and of the status sort). */
export const HEALTH_STATUSES: readonly HealthStatus[] = [
  'failed',
  'expired',
  'critical',
  'warning',
  'unknown',
  'ok',
];

/** What a connection authenticates with. */
export type CredentialKind = 'secret' | 'certificate' | 'federation';

/** Every kind, in the order the filter offers them. */
export const CREDENTIAL_KINDS: readonly CredentialKind[] = ['secret', 'certificate', 'federation'];

/** One line of the page's table. */
export interface HealthRow {
  key: string;
  organizationUrl: string;
  connection: string;
  projects: string[];
  status: HealthStatus;
  /** Whole days from now until `expiresAt` (negative once expired); null when nothing expires. */
  daysLeft: number | null;
  expiresAt: string | null;
  kind: CredentialKind;
  /** What the run did (`rotated`, `skipped`, `none`, ...), as the report says. */
  action: string;
  /** What the run found, one line. */
  detail: string;
  /** What to do next, or empty. */
  next: string;
  /** A WIF connection still on the Azure DevOps issuer retired on 2027-07-01. */
  legacyIssuer: boolean;
  run: RunRef;
}

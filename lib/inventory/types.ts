/**
 * The inventory: the read half's result and the basis of the task's variables, summary and
 * report. Plain data, JSON-serialisable, no secrets (spec §3, §4).
 */
import type { ConnectionProjectRef, ProjectInfo } from '../devops/types';
import type { FederationFinding } from '../federation/finding';
import type { ApplicationInfo } from '../graph/types';
import type { RotationRecord } from '../rotation/record';

/** Expiry statuses, worst last (spec §4). */
export type ExpiryStatus = 'ok' | 'warning' | 'critical' | 'expired';

/** A connection's status: an expiry status, or `unknown` when it could not be evaluated. */
export type ConnectionStatus = ExpiryStatus | 'unknown';

/**
 * How we know which credential the connection uses (spec §4): `recorded` (our record names it),
 * `inferred` (the app has exactly one unexpired password), `unknown` (several candidates: the
 * soonest-expiring unexpired one counts), `none` (no candidate, or the scheme has no secret).
 */
export type Attribution = 'recorded' | 'inferred' | 'unknown' | 'none';

/**
 * What TestConnection of the stored details said about an inferred attribution (issue #14):
 * `verified` (the stored secret works, so it is the unexpired one inferred), `rejected` (Entra
 * refuses the stored secret as expired or invalid: the connection does not use the valid secret
 * the app holds; the connection is `expired`), `unverified` (the test could not be run or said
 * nothing about the secret, e.g. the identity lacks the User role: the inference stands).
 */
export interface AttributionCheck {
  outcome: 'verified' | 'rejected' | 'unverified';
  /** One sentence for the report: what TestConnection answered. Service text, redacted. */
  detail: string;
}

/** Thresholds for statuses, in whole days. */
export interface Thresholds {
  /** Secret expiring within this many days: `warning`. */
  warningDays: number;
  /** Secret expiring within this many days: `critical`. Must be ≤ warningDays. */
  failureDays: number;
}

/** The credential that counts for a connection's expiry. */
export interface CredentialInUse {
  kind: 'secret' | 'certificate';
  keyId: string;
  displayName: string | null;
  /** ISO-8601 UTC. */
  endDateTime: string;
  attribution: Attribution;
  /** How many passwords could be the one in use (1 when recorded or inferred). */
  candidates: number;
}

/** Why a connection could not be evaluated or cannot be rotated, and what to do. */
export type ProblemCode =
  | 'app_not_found'
  | 'app_not_readable'
  | 'other_tenant'
  | 'service_principal_disabled'
  | 'no_app_reference'
  | 'no_password'
  | 'recorded_credential_missing'
  | 'stored_secret_rejected'
  | 'certificate_not_readable'
  | 'no_certificate'
  | 'unsupported_scheme'
  | 'lookup_failed'
  | 'federation_mismatch'
  | 'federation_not_checked';

export interface Problem {
  code: ProblemCode;
  /** What is wrong, naming the connection or app. No secret. */
  message: string;
  /** What the user should do (a permission to grant, a setting to change). */
  fix: string;
  /** True when this counts in `FailedCount` (the user must act). */
  actionRequired: boolean;
}

/** One AzureRM service connection in scope, evaluated. */
export interface ConnectionReport {
  id: string;
  name: string;
  projects: ConnectionProjectRef[];
  scheme: string;
  authenticationType: 'spnKey' | 'spnCertificate' | null;
  creationMode: 'Automatic' | 'Manual' | null;
  tenantId: string | null;
  appId: string | null;
  /** The connection's `isReady`: false while an operation runs or after one failed. */
  isReady: boolean;
  /** The connection's `isDisabled`: disabled connections cannot be updated. */
  isDisabled: boolean;
  /** End of the revert window of a conversion to workload identity federation, when there is one. */
  revertSchemeDeadline?: string | null;
  /** The application behind the connection when it was found. */
  app: { objectId: string; displayName: string } | null;
  /** Workload identity federation and managed identity: no secret to expire. */
  secretless: boolean;
  /**
   * Workload identity federation and managed identity connections: what the app's federated
   * credentials say (spec §7). A `legacy_issuer` connection's `expiresAt` is the issuer's
   * retirement, 2027-07-01T00:00:00Z.
   */
  federation?: FederationFinding;
  credential: CredentialInUse | null;
  /**
   * Set when discovery asked Azure DevOps (TestConnection) whether an inferred attribution holds:
   * only for connections without a record whose app also holds an expired password (issue #14).
   */
  attributionCheck?: AttributionCheck;
  /** Our record from the connection's description, if any. */
  record: RotationRecord | null;
  status: ConnectionStatus;
  /** Whole days until `expiresAt`, rounded down (negative once expired); null when none. */
  daysLeft: number | null;
  /** ISO-8601 UTC expiry of the credential that counts; null when none. */
  expiresAt: string | null;
  problem: Problem | null;
}

/** The discovery result. */
export interface Inventory {
  organizationUrl: string;
  /** ISO-8601 UTC time the evaluation used as "now". */
  evaluatedAt: string;
  thresholds: Thresholds;
  /** Projects in scope (after the `projects` filter). */
  projects: ProjectInfo[];
  /** AzureRM connections in scope, de-duplicated by id, sorted by name then id. */
  connections: ConnectionReport[];
  /**
   * The applications behind the connections, keyed by `${tenantId}/${appId}` (lower case), with
   * their password metadata: the planner needs every password, not only the one in use.
   */
  applications: Record<string, ApplicationInfo>;
  /**
   * Federated credentials on the apps behind connections in scope that were issued for this
   * organization but whose subject names no existing connection (spec §7). Never deleted.
   */
  danglingCredentials?: DanglingCredential[];
}

/** A dangling federated credential: a new connection with that name would inherit the app's access. */
export interface DanglingCredential {
  appId: string;
  appObjectId: string;
  appDisplayName: string;
  /** The FIC's name (its alternate key). */
  name: string;
  issuer: string;
  subject: string;
  /** One sentence: what could inherit the app's access. */
  risk: string;
}

/** Key of {@link Inventory.applications}. */
export function applicationKey(tenantId: string, appId: string): string {
  return `${tenantId.toLowerCase()}/${appId.toLowerCase()}`;
}

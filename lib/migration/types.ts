/**
 * The migration to workload identity federation (spec §8) as data: what the survey read, the plan
 * and the results. Plain JSON, keyIds and names only, never a secret.
 */
import type { EndpointDocument } from '../devops/types';
import type { ErrorCode } from '../errors';
import type { FederatedCredentialInfo, PasswordCredentialInfo } from '../graph/types';
import type { Issue } from '../rotation/results';

/** The Entra issuer and subject a connection gets or must show, and the credential that trusts them. */
export interface FederationTarget {
  issuer: string;
  subject: string;
  /** Name of the federated credential this product creates for the connection. */
  ficName: string;
}

/** What the survey read for one connection in scope, before planning `migrate`. */
export interface MigrationFacts {
  /**
   * The connection read with `actionFilter=Manage`: null when the caller is not an Administrator
   * of it (Azure DevOps then hides it from that read) or it no longer exists.
   */
  document: EndpointDocument | null;
  /** The target Entra issuer and subject, computed (lib/federation), null when not computable. */
  target: FederationTarget | null;
  /** The application behind the connection, when found. */
  app: {
    objectId: string;
    /** `AzureADMyOrg` (single tenant), `AzureADMultipleOrgs`, ... */
    signInAudience: string | null;
    passwords: PasswordCredentialInfo[];
    federatedCredentials: FederatedCredentialInfo[];
  } | null;
  /** The legacy issuers of this organization (to tell an issuer move from an Entra connection). */
  legacyIssuers: string[];
  /**
   * A read that failed for this connection or its app (after the retry policy), with what to do:
   * the connection is left alone and reported; the others go on.
   */
  failure?: { message: string; fix: string } | null;
}

/** What the migration does with a connection. */
export type MigrationAction =
  /** Secret or certificate → WIF: federated credential, ConvertAuthenticationScheme, poll, verify. */
  | 'convert'
  /** A conversion found InProgress (a crashed run, or Azure DevOps still working): poll, verify. */
  | 'resume_conversion'
  /** WIF on the legacy issuer: add the Entra credential beside the legacy one, hand the switch off. */
  | 'prepare_issuer_move'
  /** WIF on the Entra issuer converted or moved recently: GET issuer/subject, TestConnection. */
  | 'verify'
  /** After the revert window: remove the passwords this product minted for the connection. */
  | 'remove_secrets'
  /** `revertMigration`: ConvertAuthenticationScheme back to ServicePrincipal. */
  | 'revert'
  | 'skip'
  | 'nothing';

/** Why a connection is not changed. */
export type MigrationSkipCode =
  | 'managed_identity'
  | 'multitenant'
  | 'non_public_cloud'
  | 'fic_limit'
  | 'not_administrator'
  | 'not_evaluated'
  | 'connection_disabled'
  | 'connection_not_ready'
  | 'subject_unexpected'
  | 'unsupported_scheme'
  | 'not_converted'
  | 'revert_window_closed';

export interface MigrationSkip {
  code: MigrationSkipCode;
  message: string;
  fix: string;
  /** The user must act (SucceededWithIssues at least). */
  actionRequired: boolean;
}

/** The plan for one connection. */
export interface MigrationEntry {
  connectionId: string;
  connectionName: string;
  projectId: string | null;
  tenantId: string | null;
  appId: string | null;
  appObjectId: string | null;
  action: MigrationAction;
  /** The Entra issuer and subject (convert, prepare, verify). */
  target: FederationTarget | null;
  /** A federated credential with exactly the target issuer, subject and audience is on the app. */
  ficPresent: boolean;
  /**
   * The legacy federated credential of an issuer move: the one the connection uses now (prepare,
   * recorded in the new credential's description) or used before the switch (verify).
   */
  legacyFic: string | null;
  /** Delete `legacyFic` after verifying: the switch is `revokeAfterHours` old and nothing else uses it. */
  removeLegacyFic: boolean;
  /** Our passwords for this connection to remove (after the revert window). */
  removeKeyIds: string[];
  /** Passwords on the app this product did not mint: named for their owner, never removed. */
  foreignKeyIds: string[];
  /** `data.revertSchemeDeadline` when the connection has one. */
  revertSchemeDeadline: string | null;
  /** Where a person presses Update for the issuer switch (prepare). */
  portalUrl: string | null;
  skip: MigrationSkip | null;
}

/** The plan of one `migrate` or `revertMigration` run. */
export interface MigrationPlan {
  kind: 'migrate' | 'revert';
  createdAt: string;
  organizationId: string;
  /** Grace before a legacy federated credential is deleted after the switch. */
  revokeAfterHours: number;
  entries: MigrationEntry[];
}

/** What happened to one connection. */
export type MigrationOutcome =
  | 'converted'
  | 'ready_to_switch'
  | 'verified'
  | 'cleaned'
  | 'reverted'
  | 'skipped'
  | 'failed'
  | 'nothing';

export interface MigrationResult {
  connectionId: string;
  connectionName: string;
  outcome: MigrationOutcome;
  /** Name of the federated credential this run created, else null. */
  createdFic: string | null;
  /** Federated credentials this run deleted (the legacy one after the switch). */
  removedFics: string[];
  /** Passwords this run removed. */
  removedKeyIds: string[];
  /** `data.revertSchemeDeadline` after the run, when there is one. */
  revertSchemeDeadline: string | null;
  /** Portal link for the issuer switch (ready_to_switch). */
  portalUrl: string | null;
  /** With `failed` (or a follow-up that failed): what, and what to do. */
  error: Issue | null;
  skip: MigrationSkip | null;
}

/** Steps of the migration, for logs and crash tests. */
export type MigrationStep =
  | 'ensure_fic'
  | 'convert'
  | 'poll'
  | 'verify'
  | 'hand_off'
  | 'remove_legacy_fic'
  | 'remove_secrets'
  | 'revert';

/** An error code of the migration, for callers branching on it. */
export type MigrationErrorCode = Extract<ErrorCode, `migration.${string}`>;

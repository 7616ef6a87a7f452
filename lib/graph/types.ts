/** Microsoft Graph shapes the library works with (azure-apis.md §2). */

/** Metadata of an application password. Graph never returns the secret text on reads. */
export interface PasswordCredentialInfo {
  keyId: string;
  displayName: string | null;
  /** ISO-8601 UTC. */
  startDateTime: string | null;
  /** ISO-8601 UTC. */
  endDateTime: string | null;
  /** First characters of the secret, as Graph shows them. */
  hint: string | null;
}

/** Metadata of an application certificate (`keyCredentials`). */
export interface KeyCredentialInfo {
  keyId: string;
  displayName: string | null;
  type: string | null;
  usage: string | null;
  startDateTime: string | null;
  endDateTime: string | null;
}

/** An application registration, as far as rotation needs it. */
export interface ApplicationInfo {
  /** The application object id (Graph `id`). */
  objectId: string;
  appId: string;
  displayName: string;
  tenantId: string;
  passwordCredentials: PasswordCredentialInfo[];
  /** Present only when it was read (its `$select` is throttled; azure-apis.md §2.1). */
  keyCredentials?: KeyCredentialInfo[];
  /** `AzureADMyOrg` (single tenant) or a multitenant audience; present when it was read. */
  signInAudience?: string | null;
  /**
   * The app's federated identity credentials (`$expand=federatedIdentityCredentials`, at most 20
   * per app so one read holds them all); present when they were read.
   */
  federatedCredentials?: FederatedCredentialInfo[];
}

/** A password just minted by `addPassword`: the only time Graph returns `secretText`. */
export interface NewPassword {
  keyId: string;
  secretText: string;
  displayName: string;
  startDateTime: string;
  endDateTime: string;
}

/**
 * A certificate to add to an application's `keyCredentials` (public part only). `keyId` is chosen
 * by the caller, so a read tells whether a write whose answer was lost took effect.
 */
export interface NewCertificate {
  keyId: string;
  displayName: string;
  /** The DER certificate, base64. */
  key: string;
  /** ISO-8601 UTC; the certificate's validity. */
  startDateTime: string;
  endDateTime: string;
}

/** Outcome of looking an application up by appId. */
export type ApplicationLookup =
  | { kind: 'found'; app: ApplicationInfo }
  | { kind: 'not_found' }
  /**
   * No application has this appId, but a managed identity's service principal does: its
   * federated credentials live in Azure Resource Manager, not in Graph (federation-and-certificates.md §4.4).
   */
  | { kind: 'managed_identity'; objectId: string; displayName: string }
  | { kind: 'forbidden'; message: string }
  /** Graph did not answer usefully for this app even after retries; `message` says how. */
  | { kind: 'failed'; message: string };

/** A federated identity credential of an application (azure-apis.md §2.4). */
export interface FederatedCredentialInfo {
  id: string;
  name: string;
  issuer: string;
  /** Empty for a flexible credential (Graph's `subject` null; see {@link flexible}). */
  subject: string;
  audiences: string[];
  description: string | null;
  /**
   * A flexible credential (`claimsMatchingExpression`, `subject` null): only for GitHub, GitLab and
   * Terraform Cloud issuers, it never matches Azure DevOps (federation-and-certificates.md §4.11).
   */
  flexible?: true;
}

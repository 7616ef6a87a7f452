import type {
  ConnectionRole,
  GraphPermission,
  IdentityDescription,
  ProjectStateName,
} from './org-description';

/** A client secret of an app. `secretText` never leaves the emulator except as documented. */
export interface PasswordCredential {
  readonly keyId: string;
  readonly displayName: string | null;
  readonly startDateTime: Date;
  readonly endDateTime: Date;
  readonly secretText: string;
  readonly hint: string;
  /** Before this instant token requests with the secret fail as if it were wrong (propagation). */
  readonly usableFrom: Date;
}

/**
 * A certificate credential of an app. A seeded one's certificate is generated on first use; one
 * written by a client (`PATCH keyCredentials`) carries the DER it sent (public part only).
 */
export interface KeyCredential {
  readonly keyId: string;
  readonly displayName: string | null;
  readonly startDateTime: Date;
  readonly endDateTime: Date;
  /** The uploaded certificate (DER); absent for seeded ones. */
  readonly certificateDer?: Buffer;
  /** RSA key size of a seeded certificate. @default 2048 */
  readonly keyBits?: number;
  /** Before this instant sign-ins with it fail as if it were not registered (propagation). */
  readonly usableFrom?: Date;
}

/** A federated identity credential. */
export interface FederatedCredential {
  readonly id: string;
  readonly name: string;
  readonly issuer: string;
  /** Null for a flexible credential, which has `claimsMatchingExpression` instead. */
  readonly subject: string | null;
  /** A flexible credential's expression (GitHub, GitLab, Terraform Cloud issuers only). */
  readonly claimsMatchingExpression?: string;
  readonly audiences: readonly string[];
  readonly description: string | null;
  /** Before this instant sign-ins relying on it fail with AADSTS70021 (propagation). */
  readonly usableFrom?: Date;
}

/** An app registration with its service principal and credentials. */
export interface Application {
  readonly appId: string;
  readonly objectId: string;
  readonly tenantId: string;
  readonly displayName: string;
  readonly createdDateTime: Date;
  readonly servicePrincipal: { readonly objectId: string; readonly accountEnabled: boolean } | null;
  readonly owners: readonly string[];
  /** `AzureADMyOrg` (single tenant) or a multitenant audience such as `AzureADMultipleOrgs`. */
  readonly signInAudience: string;
  readonly graphPermissions: ReadonlySet<GraphPermission>;
  readonly passwordCredentials: PasswordCredential[];
  readonly keyCredentials: KeyCredential[];
  readonly federatedIdentityCredentials: FederatedCredential[];
  /**
   * A user-assigned managed identity: only a service principal (`servicePrincipalType`
   * `ManagedIdentity`), no application object, so `/applications` does not find it
   * (federation-and-certificates.md §4.4). Its federated credentials live in Azure Resource Manager;
   * the emulator keeps them here so that its token exchange can honour them.
   */
  readonly managedIdentity?: boolean;
}

/** An Azure DevOps project. */
export interface Project {
  readonly id: string;
  readonly name: string;
  readonly state: ProjectStateName;
  readonly description: string | null;
  readonly visibility: 'private' | 'public';
  readonly lastUpdateTime: Date;
}

/** A caller of Azure DevOps. */
export interface Identity {
  readonly id: string;
  readonly displayName: string;
  readonly kind: IdentityDescription['kind'];
  readonly accessToken: string | null;
  readonly pat: string | null;
  readonly appId: string | null;
  readonly defaultRole: ConnectionRole;
}

/** A stored confidential parameter: a literal value, or a seeded certificate (PEM made on demand). */
export type StoredSecret =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'keyCredential'; readonly appId: string; readonly keyId: string };

/** What a conversion to workload identity federation keeps so that it can be reverted. */
export interface RecoveryData {
  readonly parameters: Readonly<Record<string, string>>;
  readonly confidential: ReadonlyMap<string, StoredSecret>;
  readonly data: Readonly<Record<string, string>>;
}

/** A scheme conversion still running (`operationStatus.state` InProgress) and when it ends. */
export interface PendingConversion {
  readonly dueMs: number;
  /** Applied when it ends; null when it ends `Failed` with `statusMessage`. */
  readonly apply: ((nowMs: number) => void) | null;
  readonly failure: string;
}

/** A connection's place in one project. */
export interface ProjectReference {
  readonly projectId: string;
  name: string;
  description: string;
}

/** A service connection as the server stores it (secrets apart from the other parameters). */
export interface ServiceConnection {
  readonly id: string;
  name: string;
  readonly type: string;
  url: string;
  description: string;
  owner: string;
  scheme: string;
  /** Non-confidential authorization parameters. */
  parameters: Record<string, string>;
  /** Confidential parameters by canonical key (see `CONFIDENTIAL_KEYS`). */
  confidential: Map<string, StoredSecret>;
  data: Record<string, string>;
  /** First entry: the project the connection was created in. */
  projectReferences: ProjectReference[];
  isReady: boolean;
  operationStatus: { state: string; statusMessage: string };
  isDisabled: boolean;
  /**
   * Which issuer a workload identity federation connection uses: the legacy Azure DevOps one or
   * Entra ID (federation-and-certificates.md §1). Ignored for other schemes.
   */
  issuerType: 'AzureDevOps' | 'EntraID';
  /** Set by a conversion to WIF until it is reverted (DECOMP "recovery data"). */
  recovery: RecoveryData | null;
  /** A conversion in progress, settled on the next access once emulator time passes `dueMs`. */
  pending: PendingConversion | null;
  /** Roles by lower-cased identity id. */
  readonly roles: ReadonlyMap<string, ConnectionRole>;
  readonly createdBy: string | null;
  readonly creationDate: Date;
  modificationDate: Date;
}

/** Ranks roles so "at least User" is a comparison. */
export const ROLE_RANK: Readonly<Record<ConnectionRole, number>> = {
  None: 0,
  Reader: 1,
  User: 2,
  Administrator: 3,
};

/** The role an identity has on a connection. */
export function roleOf(identity: Identity, connection: ServiceConnection): ConnectionRole {
  return connection.roles.get(identity.id.toLowerCase()) ?? identity.defaultRole;
}

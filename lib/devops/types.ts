/** Azure DevOps shapes the library works with, independent of the SDK's classes. */

/** A project of the organization. */
export interface ProjectInfo {
  id: string;
  name: string;
}

/** One project a service connection is shared into, with the connection's name there. */
export interface ConnectionProjectRef {
  projectId: string;
  projectName: string;
  connectionName: string;
}

/** `authorization.scheme` values of AzureRM connections (azure-apis.md §1.4). */
export type AuthScheme =
  | 'ServicePrincipal'
  | 'WorkloadIdentityFederation'
  | 'ManagedServiceIdentity'
  | 'PublishProfile'
  | (string & {});

/**
 * A service connection as the rotator sees it: one per id, with every project it is shared into.
 * Parsed from the REST object with parameter keys read case-insensitively; never holds a secret.
 */
export interface ServiceConnection {
  id: string;
  /** The name in the first project reference (names may differ per project). */
  name: string;
  /** `AzureRM` for the connections in scope (compare case-insensitively). */
  type: string;
  url: string;
  description: string;
  projects: ConnectionProjectRef[];
  scheme: AuthScheme;
  /** `spnKey` (secret) or `spnCertificate`; null when the scheme has none. */
  authenticationType: 'spnKey' | 'spnCertificate' | null;
  creationMode: 'Automatic' | 'Manual' | null;
  /** Entra tenant (`authorization.parameters.tenantid`). */
  tenantId: string | null;
  /** The application's appId (`authorization.parameters.serviceprincipalid`). */
  appId: string | null;
  /** `data.environment`, e.g. `AzureCloud`. */
  environment: string;
  isReady: boolean;
  isDisabled: boolean;
  /**
   * `data.revertSchemeDeadline` (ISO-8601): set by a conversion to workload identity federation,
   * the end of its revert window (azure-apis.md §1.9). Absent or null when there is none.
   */
  revertSchemeDeadline?: string | null;
  /**
   * Workload identity federation: `authorization.parameters.workloadIdentityFederationIssuer` and
   * `workloadIdentityFederationSubject` exactly as the service returns them (read-only, set by the
   * service; azure-apis.md §4.1), null when absent. Present only on WorkloadIdentityFederation
   * connections. Never decoded from a token.
   */
  federation?: { issuer: string | null; subject: string | null };
}

/**
 * The REST representation of a service connection, as GET returns it and PUT takes it back.
 * The rotation engine edits a copy of the GET body and PUTs it whole (azure-apis.md §1.6).
 * Confidential parameters come back `null` and must stay `null` (keep) unless replaced.
 */
export interface EndpointDocument {
  id: string;
  name: string;
  type: string;
  url: string;
  description?: string;
  authorization: { scheme: string; parameters: Record<string, string | null> };
  data: Record<string, string>;
  serviceEndpointProjectReferences: Array<{
    projectReference: { id: string; name: string };
    name: string;
    description?: string | null;
  }>;
  isReady?: boolean;
  isShared?: boolean;
  [other: string]: unknown;
}

/** Result of the endpointproxy `TestConnection` data source (azure-apis.md §1.8). */
export interface TestConnectionResult {
  ok: boolean;
  /** The service's `statusCode` (`ok`, `unauthorized`, `forbidden`, ... or a number as text). */
  statusCode: string;
  /** The service's error message, redacted of any secret we know. Empty when ok. */
  message: string;
}

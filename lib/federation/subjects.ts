/**
 * Subjects of Azure DevOps federated tokens (spec §7, §8; federation-and-certificates.md §0.1,
 * §1.3, §7; azure-apis.md §4.1):
 *
 * - Azure DevOps issuer: `sc://{organization}/{project}/{connection name}`: names, so a rename of
 *   any of them changes the subject and breaks the federated credential.
 * - Entra issuer: `/eid1/c/pub/t/{T}/a/{A}/sc/{organizationId}/{connectionId}`: ids, immune to
 *   renames. `T` is base64url (no padding) of the tenant GUID's 16 bytes in .NET `Guid.ToByteArray`
 *   order (the first three groups little-endian), `A` the same of the Azure DevOps application id,
 *   which is always `rISbSSETf0KqFyZ8ppdXmA`.
 *
 * Azure DevOps calls the Entra prefix undocumented (RN-2025-s253): the connection's own
 * `workloadIdentityFederationSubject` is the truth; the computed one is for creating a federated
 * credential before a conversion and for checking what the service shows.
 */
import { isGuid } from './issuers';

/** The Azure DevOps first-party application id (azure-apis.md §1.2). */
const AZURE_DEVOPS_APP_ID = '499b84ac-1321-427f-aa17-267ca6975798';

/**
 * The 16 bytes of a GUID in .NET `Guid.ToByteArray` order: the first group (4 bytes), the second
 * and the third (2 bytes each) little-endian, the last 8 bytes as written.
 *
 * @throws TypeError when `guid` is not a GUID.
 */
export function guidBytes(guid: string): Buffer {
  if (!isGuid(guid)) throw new TypeError(`Expected a GUID, got "${guid}".`);
  const hex = guid.replaceAll('-', '');
  const bytes = Buffer.from(hex, 'hex');
  bytes.subarray(0, 4).reverse();
  bytes.subarray(4, 6).reverse();
  bytes.subarray(6, 8).reverse();
  return bytes;
}

/** A GUID from its 16 .NET-order bytes, in lower case; null when not 16 bytes. */
export function guidFromBytes(bytes: Uint8Array): string | null {
  if (bytes.length !== 16) return null;
  const copy = Buffer.from(bytes);
  copy.subarray(0, 4).reverse();
  copy.subarray(4, 6).reverse();
  copy.subarray(6, 8).reverse();
  const hex = copy.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** base64url, no padding, of a GUID's .NET-order bytes (22 characters). */
export function encodeGuid(guid: string): string {
  return guidBytes(guid).toString('base64url');
}

/** The `A` segment of every Azure DevOps Entra subject: `rISbSSETf0KqFyZ8ppdXmA`. */
export const AZURE_DEVOPS_APP_SEGMENT = encodeGuid(AZURE_DEVOPS_APP_ID);

/** The ids an Entra subject is built from. */
export interface EntraSubjectIds {
  /** The Entra tenant of the connection (`tenantid`). */
  tenantId: string;
  /** The organization's GUID (`System.CollectionId`; `instanceId` of `_apis/connectionData`). */
  organizationId: string;
  /** The service connection's id. */
  connectionId: string;
}

/**
 * `/eid1/c/pub/t/{base64url(tenant)}/a/rISbSSETf0KqFyZ8ppdXmA/sc/{organizationId}/{connectionId}`,
 * ids in lower case.
 *
 * @throws TypeError when an id is not a GUID.
 */
export function entraSubject(ids: EntraSubjectIds): string {
  for (const [name, value] of Object.entries(ids)) {
    if (!isGuid(value)) throw new TypeError(`The ${name} must be a GUID, got "${value}".`);
  }
  return `/eid1/c/pub/t/${encodeGuid(ids.tenantId)}/a/${AZURE_DEVOPS_APP_SEGMENT}/sc/${ids.organizationId.toLowerCase()}/${ids.connectionId.toLowerCase()}`;
}

/** An Entra subject, parsed. */
export interface ParsedEntraSubject {
  /** Decoded from the `t` segment, lower case. */
  tenantId: string;
  /** The `a` segment as written (for Azure DevOps always {@link AZURE_DEVOPS_APP_SEGMENT}). */
  appSegment: string;
  /** Lower case. */
  organizationId: string;
  /** Lower case. */
  connectionId: string;
}

const ENTRA_SUBJECT =
  /^\/eid1\/c\/pub\/t\/([A-Za-z0-9_-]{22})\/a\/([A-Za-z0-9_-]{22})\/sc\/([0-9a-fA-F-]{36})\/([0-9a-fA-F-]{36})$/;

/** Parses an Entra subject exactly; null for anything else (including a null subject). */
export function parseEntraSubject(subject: string | null | undefined): ParsedEntraSubject | null {
  const match = subject ? ENTRA_SUBJECT.exec(subject) : null;
  if (!match) return null;
  const [, t, a, organizationId, connectionId] = match;
  const tenantId = guidFromBytes(Buffer.from(t!, 'base64url'));
  if (!tenantId || !isGuid(organizationId!) || !isGuid(connectionId!)) return null;
  return {
    tenantId,
    appSegment: a!,
    organizationId: organizationId!.toLowerCase(),
    connectionId: connectionId!.toLowerCase(),
  };
}

/** The names a `sc://` subject is built from. */
export interface AzureDevOpsSubjectNames {
  organization: string;
  project: string;
  /** The connection's name in that project. */
  connectionName: string;
}

/** `sc://{organization}/{project}/{connection name}`, names as given (they are compared exactly). */
export function azureDevOpsSubject(names: AzureDevOpsSubjectNames): string {
  return `sc://${names.organization}/${names.project}/${names.connectionName}`;
}

/**
 * Parses `sc://{organization}/{project}/{connection name}`; null for anything else. Organization
 * and project names cannot contain `/`, so everything after the third `/` is the connection name.
 */
export function parseAzureDevOpsSubject(subject: string | null | undefined): AzureDevOpsSubjectNames | null {
  if (!subject?.startsWith('sc://')) return null;
  const rest = subject.slice('sc://'.length);
  const first = rest.indexOf('/');
  const second = first < 0 ? -1 : rest.indexOf('/', first + 1);
  if (first <= 0 || second <= first + 1 || second === rest.length - 1) return null;
  return {
    organization: rest.slice(0, first),
    project: rest.slice(first + 1, second),
    connectionName: rest.slice(second + 1),
  };
}

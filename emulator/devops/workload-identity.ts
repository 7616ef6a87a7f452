import type { ServiceConnection } from '../state/model';
import type { EmulatorStore } from '../state/store';

/** Audience of Azure DevOps OIDC tokens and of the federated credentials that trust them. */
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

/**
 * The legacy Azure DevOps issuer, `https://vstoken.dev.azure.com/{organizationId}`
 * (azure-apis.md §4.1; ADODOCS `troubleshoot-workload-identity.md`).
 */
export function oidcIssuer(store: EmulatorStore): string {
  return `https://vstoken.dev.azure.com/${store.organization.id}`;
}

/**
 * `sc://{organization}/{project}/{connection}`, with the project the connection was created in
 * and its name there. It embeds names, so renaming the connection changes it and breaks the
 * federated credential (azure-apis.md §4.1), as in the real service.
 */
export function connectionSubject(store: EmulatorStore, connection: ServiceConnection): string {
  const home = connection.projectReferences[0];
  const project = home ? store.project(home.projectId) : undefined;
  return `sc://${store.organization.name}/${project?.name ?? ''}/${home?.name ?? connection.name}`;
}

/** The Entra issuer of a tenant (federation-and-certificates.md §1.4). */
export function entraIssuer(tenantId: string): string {
  return `https://login.microsoftonline.com/${tenantId}/v2.0`;
}

/** Whether `issuer` is an Entra issuer of a tenant the emulator knows. */
export function isEntraIssuer(store: EmulatorStore, issuer: string): boolean {
  const match = /^https:\/\/login\.microsoftonline\.com\/([0-9a-f-]{36})\/v2\.0$/i.exec(issuer);
  return match !== null && store.tenants.has(match[1]!.toLowerCase());
}

/**
 * A GUID's 16 bytes in Microsoft's order (.NET `Guid.ToByteArray`: the first three groups
 * little-endian), base64url without padding. The emulator plays the server and never imports the
 * library, so a slip in the library's own copy of this rule cannot hide behind the same slip here;
 * both are checked against the reference's public vector (federation-and-certificates.md §7).
 */
function guidSegment(guid: string): string {
  const hex = guid.replace(/-/g, '');
  const bytes = Buffer.from(hex, 'hex');
  const reorder = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  return Buffer.from(reorder.map((i) => bytes[i]!)).toString('base64url');
}

/** The Azure DevOps first-party app id the Entra subject names (always `rISbSSETf0KqFyZ8ppdXmA`). */
const AZURE_DEVOPS_APP_ID = '499b84ac-1321-427f-aa17-267ca6975798';

/**
 * The Entra-issuer subject the service derives for a connection:
 * `/eid1/c/pub/t/{tenant}/a/{Azure DevOps app}/sc/{organizationId}/{connectionId}`
 * (federation-and-certificates.md §0.1). `store.entraSubjectPrefix` replaces the undocumented
 * `/eid1/c/pub/t/…/a/…` part when a test wants the service to answer something nobody predicted.
 */
export function entraSubject(store: EmulatorStore, tenantId: string, connectionId: string): string {
  const prefix =
    store.entraSubjectPrefix ??
    `/eid1/c/pub/t/${guidSegment(tenantId)}/a/${guidSegment(AZURE_DEVOPS_APP_ID)}`;
  return `${prefix}/sc/${store.organization.id}/${connectionId}`;
}

/**
 * The issuer and subject the service federates a connection with: the Entra pair once the
 * connection uses the Entra issuer (every conversion and new connection since 2025), else the
 * legacy Azure DevOps pair. A ServicePrincipal connection gets the pair a conversion would give it.
 */
export function federationOf(
  store: EmulatorStore,
  connection: ServiceConnection,
): { issuer: string; subject: string } {
  if (connection.scheme === 'WorkloadIdentityFederation' && connection.issuerType === 'AzureDevOps') {
    return { issuer: oidcIssuer(store), subject: connectionSubject(store, connection) };
  }
  const tenantId = connection.parameters['tenantid'] ?? '';
  return { issuer: entraIssuer(tenantId), subject: entraSubject(store, tenantId, connection.id) };
}

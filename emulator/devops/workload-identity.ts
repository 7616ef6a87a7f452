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

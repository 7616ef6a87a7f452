import type { EmulatorContext } from '../context';
import { isAzureRm, WIF_ISSUER_KEY, WIF_ISSUER_TYPE_KEY, WIF_SUBJECT_KEY } from '../state/endpoint-fields';
import type { Project, ServiceConnection } from '../state/model';
import { federationOf } from './workload-identity';

/**
 * How a response treats secrets (azure-apis.md §1.5): get and update responses return every stored
 * confidential parameter as `null`; list responses omit them.
 */
export type SecretPresentation = 'null' | 'omit';

/** The workload identity federation parameters the server sets on a WIF connection. */
export function derivedParameters(
  ctx: EmulatorContext,
  connection: ServiceConnection,
): Record<string, string> {
  if (!isAzureRm(connection.type) || connection.scheme !== 'WorkloadIdentityFederation') return {};
  const { issuer, subject } = federationOf(ctx.store, connection);
  return {
    [WIF_ISSUER_KEY]: issuer,
    [WIF_SUBJECT_KEY]: subject,
    // Seen beside an Entra issuer in create responses; the legacy value is not documented
    // (federation-and-certificates.md §0.3), so legacy connections carry none.
    ...(connection.issuerType === 'EntraID' ? { [WIF_ISSUER_TYPE_KEY]: 'EntraID' } : {}),
  };
}

function identityRef(ctx: EmulatorContext, id: string | null): Record<string, unknown> {
  const identity = id ? ctx.store.identities.get(id) : undefined;
  const refId = identity?.id ?? '00000000-0000-0000-0000-00000000ad00';
  return {
    displayName: identity?.displayName ?? 'Emulator Administrator',
    id: refId,
    uniqueName: `${refId}@emulator.invalid`,
  };
}

/**
 * A connection as the service returns it (SPEC `ServiceEndpoint`, 7.2 adds `isDisabled`,
 * `isOutdated`, `creationDate`, `modificationDate`). `project` picks the per-project name: a
 * shared connection has one id and a name per project.
 */
export function endpointView(
  ctx: EmulatorContext,
  connection: ServiceConnection,
  project: Project | null,
  secrets: SecretPresentation,
): Record<string, unknown> {
  const reference =
    (project && connection.projectReferences.find((r) => r.projectId === project.id)) ??
    connection.projectReferences[0];
  const parameters: Record<string, string | null> = {
    ...connection.parameters,
    ...derivedParameters(ctx, connection),
  };
  if (secrets === 'null') for (const key of connection.confidential.keys()) parameters[key] = null;
  return {
    data: { ...connection.data },
    id: connection.id,
    name: reference?.name ?? connection.name,
    type: connection.type,
    url: connection.url,
    createdBy: identityRef(ctx, connection.createdBy),
    description: connection.description,
    authorization: { parameters, scheme: connection.scheme },
    isShared: connection.projectReferences.length > 1,
    isReady: connection.isReady,
    isOutdated: false,
    isDisabled: connection.isDisabled,
    owner: connection.owner,
    operationStatus: { ...connection.operationStatus },
    creationDate: connection.creationDate.toISOString(),
    modificationDate: connection.modificationDate.toISOString(),
    serviceEndpointProjectReferences: connection.projectReferences.map((r) => ({
      projectReference: { id: r.projectId, name: ctx.store.project(r.projectId)?.name ?? '' },
      name: r.name,
      description: r.description,
    })),
  };
}

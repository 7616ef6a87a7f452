import type { EmulatorContext } from '../context';
import type { Reply, RequestContext } from '../http/types';
import { type Identity, type Project, ROLE_RANK, roleOf, type ServiceConnection } from '../state/model';
import type { ConnectionRole } from '../state/org-description';
import { adoError, endpointNotFound, projectNotFound } from './errors';
import { settlePending } from './pending-conversion';

/** The project named in the route (`{project}`: a name or an id), or 404. */
export function routeProject(ctx: EmulatorContext, req: RequestContext): Project | Reply {
  const name = req.params['project'] ?? '';
  return ctx.store.project(name) ?? projectNotFound(name);
}

/** Whether a connection is shared into a project. */
export function isInProject(connection: ServiceConnection, project: Project): boolean {
  return connection.projectReferences.some((r) => r.projectId === project.id);
}

/**
 * A connection the identity may see (any role but None): without a role it does not exist for
 * the caller, so every route answers 404 rather than 403.
 */
export function visibleConnection(
  ctx: EmulatorContext,
  identity: Identity,
  id: string,
  project?: Project,
): ServiceConnection | null {
  const connection = ctx.store.connection(id);
  if (!connection || (project && !isInProject(connection, project))) return null;
  settlePending(ctx, connection);
  return ROLE_RANK[roleOf(identity, connection)] > ROLE_RANK.None ? connection : null;
}

/** Whether the identity holds at least `role` on the connection. */
export function hasRole(identity: Identity, connection: ServiceConnection, role: ConnectionRole): boolean {
  return ROLE_RANK[roleOf(identity, connection)] >= ROLE_RANK[role];
}

/**
 * 403 for a caller with too weak a role (DECOMP `ServiceEndpointResources.resx`
 * `EndpointAccessDeniedForAdminOperation`, azure-apis.md §1.2); surfaces as a security
 * `AccessCheckException`, as Azure DevOps permission failures do.
 */
export function accessDenied(
  identity: Identity,
  connection: ServiceConnection,
  role: ConnectionRole,
  action: string,
): Reply {
  return adoError(
    403,
    'AccessCheckException',
    `Access denied. ${identity.displayName} needs the ${role} role on service connection '${connection.name}' to ${action}.`,
    'security',
  );
}

/** Finds a connection for a route that names one, or answers 404. */
export function requireConnection(
  ctx: EmulatorContext,
  identity: Identity,
  id: string,
  project?: Project,
): ServiceConnection | Reply {
  return visibleConnection(ctx, identity, id, project) ?? endpointNotFound(id);
}

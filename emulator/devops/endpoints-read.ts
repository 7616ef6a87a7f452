import type { EmulatorContext } from '../context';
import { json, type Reply, type RequestContext } from '../http/types';
import type { Identity, Project, ServiceConnection } from '../state/model';
import type { ConnectionRole } from '../state/org-description';
import { admit } from './auth';
import { hasRole, routeProject, visibleConnection } from './connection-access';
import { endpointView } from './endpoint-view';
import { badRequest, endpointNotFound } from './errors';
import { LOCATIONS } from './locations';
import { settlePending } from './pending-conversion';

/**
 * `actionFilter` as NODEAPI sends it (numeric `ServiceEndpointActionFilter`: None 0, Manage 2,
 * Use 16, View 32) or as the REST docs name it; returns the role it requires.
 */
function requiredRole(value: string | null): ConnectionRole | 'invalid' {
  switch ((value ?? '').toLowerCase()) {
    case '':
    case '0':
    case 'none':
      return 'Reader';
    case '2':
    case 'manage':
      return 'Administrator';
    case '16':
    case 'use':
      return 'User';
    case '32':
    case 'view':
      return 'Reader';
    default:
      return 'invalid';
  }
}

const csv = (value: string | null) =>
  value === null
    ? null
    : new Set(
        value
          .split(',')
          .map((v) => v.trim().toLowerCase())
          .filter((v) => v.length > 0),
      );

/** Creation failed or not finished: hidden unless `includeFailed=true` (azure-apis.md §1.3). */
const isFailed = (c: ServiceConnection) => !c.isReady || c.operationStatus.state.toLowerCase() === 'failed';

/** The common start of both reads: caller, project and the role `actionFilter` asks for. */
function admitRead(
  ctx: EmulatorContext,
  req: RequestContext,
): { identity: Identity; project: Project; role: ConnectionRole } | Reply {
  const identity = admit(ctx, req, LOCATIONS.endpointsProject);
  if ('status' in identity) return identity;
  const project = routeProject(ctx, req);
  if ('status' in project) return project;
  const role = requiredRole(req.query.get('actionFilter'));
  if (role === 'invalid') {
    return badRequest(`The value '${req.query.get('actionFilter')}' is not valid for actionFilter.`);
  }
  return { identity, project, role };
}

/**
 * `GET {org}/{project}/_apis/serviceendpoint/endpoints` with `type` (case-insensitive),
 * `authSchemes`, `endpointIds`, `endpointNames`, `owner`, `includeFailed` (default false),
 * `includeDetails` (ignored, "internal use only") and `actionFilter`. Secrets are omitted.
 */
export function listEndpoints(ctx: EmulatorContext, req: RequestContext): Reply {
  const admitted = admitRead(ctx, req);
  if ('status' in admitted) return admitted;
  const { identity, project, role } = admitted;
  const type = req.query.get('type')?.toLowerCase();
  const schemes = csv(req.query.get('authSchemes'));
  const ids = csv(req.query.get('endpointIds'));
  const names = csv(req.query.get('endpointNames'));
  const owner = req.query.get('owner')?.toLowerCase();
  const includeFailed = req.query.get('includeFailed')?.toLowerCase() === 'true';
  const value = ctx.store.connectionsInProject(project.id).filter((c) => {
    settlePending(ctx, c);
    if (!hasRole(identity, c, role) || !hasRole(identity, c, 'Reader')) return false;
    if (type && c.type.toLowerCase() !== type) return false;
    if (schemes && !schemes.has(c.scheme.toLowerCase())) return false;
    if (ids && !ids.has(c.id.toLowerCase())) return false;
    if (owner && c.owner.toLowerCase() !== owner) return false;
    if (names) {
      const name = c.projectReferences.find((r) => r.projectId === project.id)?.name ?? c.name;
      if (!names.has(name.toLowerCase())) return false;
    }
    return includeFailed || !isFailed(c);
  });
  return json(200, { count: value.length, value: value.map((c) => endpointView(ctx, c, project, 'omit')) });
}

/** `GET {org}/{project}/_apis/serviceendpoint/endpoints/{id}`; secrets come back as null. */
export function getEndpoint(ctx: EmulatorContext, req: RequestContext): Reply {
  const admitted = admitRead(ctx, req);
  if ('status' in admitted) return admitted;
  const { identity, project, role } = admitted;
  const id = req.params['endpointId'] ?? '';
  const connection = visibleConnection(ctx, identity, id, project);
  // A connection the caller may not act on as asked is not returned at all (treated as not found).
  if (!connection || !hasRole(identity, connection, role)) return endpointNotFound(id);
  return json(200, endpointView(ctx, connection, project, 'null'));
}

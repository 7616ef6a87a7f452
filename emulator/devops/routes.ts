import type { EmulatorContext } from '../context';
import type { FaultTarget, Outcome, Reply, RequestContext, Route, ServiceDefinition } from '../http/types';
import { admit, callerIdentity } from './auth';
import { updateEndpoint } from './endpoint-update';
import { executeEndpointRequest } from './endpointproxy';
import { getEndpoint, listEndpoints } from './endpoints-read';
import { adoError } from './errors';
import { areaLocations, connectionData, LOCATIONS, resourceAreas } from './locations';
import { createOidcToken } from './oidc-token';
import { listProjects } from './projects';

const ORG = '/(?<org>[^/_][^/]*)';
const PROJECT = '/(?<project>[^/_][^/]*)';
const ENDPOINT = '(?<endpointId>[^/]+)';

function target(ctx: EmulatorContext, req: RequestContext): FaultTarget {
  const id =
    req.params['endpointId'] ??
    req.query.get('endpointId') ??
    req.query.get('serviceConnectionId') ??
    undefined;
  const connection = id ? ctx.store.connection(id) : undefined;
  const project = req.params['project'] ? ctx.store.project(req.params['project']) : undefined;
  const result: FaultTarget = {};
  if (id) result.connectionId = connection?.id ?? id;
  if (project) result.projectId = project.id;
  const appId = connection?.parameters['serviceprincipalid'];
  const tenantId = connection?.parameters['tenantid'];
  if (appId) result.appId = appId;
  if (tenantId) result.tenantId = tenantId;
  return result;
}

/** Every route lives under the organization; another organization name does not exist here. */
function inOrganization(ctx: EmulatorContext, handle: (req: RequestContext) => Outcome | Promise<Outcome>) {
  return (req: RequestContext): Outcome | Promise<Outcome> => {
    if ((req.params['org'] ?? '').toLowerCase() !== ctx.store.organization.name.toLowerCase()) {
      return adoError(
        404,
        'OrganizationNotFoundException',
        `Organization '${req.params['org']}' was not found.`,
        'webApi',
      );
    }
    return handle(req);
  };
}

/** The Azure DevOps service: location discovery, projects, service connections, endpointproxy, OIDC tokens. */
export function devopsService(ctx: EmulatorContext): ServiceDefinition {
  const route = (
    method: string,
    path: string,
    operation: string,
    handle: (req: RequestContext) => Outcome | Promise<Outcome>,
    write = false,
  ): Route => ({
    method,
    pattern: new RegExp(`^${ORG}${path}$`),
    operation,
    write,
    target: (req) => target(ctx, req),
    handle: inOrganization(ctx, handle),
  });
  const endpoints = '/_apis/serviceendpoint/endpoints';
  return {
    name: 'devops',
    identify: (req) => callerIdentity(ctx, req)?.id ?? null,
    error: (_req, status, code, message) => adoError(status, code, message),
    routes: [
      route('OPTIONS', '/_apis/(?<area>[^/]+)', 'devops.location', areaLocations),
      route('GET', '/_apis/ResourceAreas(?:/[^/]+)?', 'devops.location', (req): Reply => {
        const admitted = admit(ctx, req, LOCATIONS.resourceAreas);
        return 'status' in admitted ? admitted : resourceAreas();
      }),
      route('GET', '/_apis/connectionData', 'devops.connectionData', (req): Reply => {
        // NODEAPI `WebApi.connect()` sends no api-version here, so none is required.
        const identity = callerIdentity(ctx, req);
        return identity
          ? connectionData(ctx, identity)
          : adoError(
              401,
              'UnauthorizedRequestException',
              'TF400813: The user is not authorized to access this resource.',
              'webApi',
            );
      }),
      route('GET', '/_apis/projects', 'devops.projects.list', (req) => listProjects(ctx, req)),
      route(
        'PUT',
        `${endpoints}/${ENDPOINT}`,
        'devops.endpoints.update',
        (req) => updateEndpoint(ctx, req),
        true,
      ),
      route('GET', `${PROJECT}${endpoints}`, 'devops.endpoints.list', (req) => listEndpoints(ctx, req)),
      route('GET', `${PROJECT}${endpoints}/${ENDPOINT}`, 'devops.endpoints.get', (req) =>
        getEndpoint(ctx, req),
      ),
      route(
        'PUT',
        `${PROJECT}${endpoints}/${ENDPOINT}`,
        'devops.endpoints.update',
        (req) => updateEndpoint(ctx, req),
        true,
      ),
      route('POST', `${PROJECT}/_apis/serviceendpoint/endpointproxy`, 'devops.endpointproxy.execute', (req) =>
        executeEndpointRequest(ctx, req),
      ),
      route(
        'POST',
        `${PROJECT}/_apis/distributedtask/hubs/(?<hub>[^/]+)/plans/(?<planId>[^/]+)/jobs/(?<jobId>[^/]+)/oidctoken`,
        'devops.oidctoken.create',
        (req) => createOidcToken(ctx, req),
      ),
    ],
  };
}

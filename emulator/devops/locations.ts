import type { EmulatorContext } from '../context';
import { json, type Reply, type RequestContext } from '../http/types';

/** An `ApiResourceLocation` as `OPTIONS {org}/_apis/{area}` lists it (NODEAPI `VsoClient.beginGetAreaLocations`). */
export interface ApiLocation {
  readonly id: string;
  readonly area: string;
  readonly resourceName: string;
  readonly routeTemplate: string;
  readonly resourceVersion: number;
  readonly minVersion: string;
  readonly maxVersion: string;
  readonly releasedVersion: string;
}

const location = (
  id: string,
  area: string,
  resourceName: string,
  routeTemplate: string,
  resourceVersion: number,
): ApiLocation => ({
  id,
  area,
  resourceName,
  routeTemplate,
  resourceVersion,
  minVersion: '1.0',
  maxVersion: '7.2',
  releasedVersion: '7.1',
});

/**
 * The locations the emulator serves. Ids come from the client sources (NODEAPI
 * `CoreApi.getProjects`, `ServiceEndpointApiBase`, `TaskApi.createOidcToken`, `LocationsApi.getResourceAreas`);
 * resource versions match what NODEAPI 17 requests (`7.2-preview.4` endpoints/projects, `.1` others),
 * so its version negotiation keeps the version it asked for.
 */
export const LOCATIONS = {
  resourceAreas: location(
    'e81700f7-3be2-46de-8624-2eb35882fcaa',
    'Location',
    'ResourceAreas',
    '_apis/{resource}/{areaId}',
    1,
  ),
  projects: location(
    '603fe2ac-9723-48b9-88ad-09305aa6c6e1',
    'core',
    'projects',
    '_apis/{resource}/{*projectId}',
    4,
  ),
  endpointsOrg: location(
    '14e48fdc-2c8b-41ce-a0c3-e26f6cc55bd0',
    'serviceendpoint',
    'endpoints',
    '_apis/{area}/{resource}/{endpointId}',
    4,
  ),
  endpointsProject: location(
    'e85f1c62-adfc-4b74-b618-11a150fb195e',
    'serviceendpoint',
    'endpoints',
    '{project}/_apis/{area}/{resource}/{endpointId}',
    4,
  ),
  endpointProxy: location(
    'cc63bb57-2a5f-4a7a-b79c-c142d308657e',
    'serviceendpoint',
    'endpointproxy',
    '{project}/_apis/{area}/{resource}',
    1,
  ),
  oidcToken: location(
    '69a319f4-28c1-4bfd-93e6-ea0ff5c6f1a2',
    'distributedtask',
    'oidctoken',
    '{scopeIdentifier}/_apis/{area}/hubs/{hubName}/plans/{planId}/jobs/{jobId}/{resource}',
    1,
  ),
} as const;

const ALL = Object.values(LOCATIONS);

/**
 * `OPTIONS {org}/_apis/{area}`: the resource locations of one area (case-insensitive); an unknown
 * area has none, which makes the client report "Failed to find api location".
 */
export function areaLocations(req: RequestContext): Reply {
  const area = (req.params['area'] ?? '').toLowerCase();
  const value = ALL.filter((l) => l.area.toLowerCase() === area);
  return json(200, { count: value.length, value });
}

/**
 * `GET {org}/_apis/ResourceAreas`: an empty list, which makes NODEAPI use the organization URL for
 * every area (`WebApi._getResourceAreaUrl`), as on Azure DevOps Server.
 */
export function resourceAreas(): Reply {
  return json(200, { count: 0, value: [] });
}

/** `GET {org}/_apis/connectionData`: `instanceId` is the organization id (azure-apis.md §4.1). */
export function connectionData(ctx: EmulatorContext, identity: { id: string; displayName: string }): Reply {
  const user = {
    id: identity.id,
    descriptor: `emulator.${identity.id}`,
    subjectDescriptor: `emulator.${identity.id}`,
    providerDisplayName: identity.displayName,
    isActive: true,
    properties: {},
  };
  return json(200, {
    authenticatedUser: user,
    authorizedUser: user,
    instanceId: ctx.store.organization.id,
    deploymentId: ctx.store.organization.id,
    deploymentType: 'hosted',
    locationServiceData: {
      serviceOwner: '00025394-6065-48ca-87d9-7f5672854ef7',
      defaultAccessMappingMoniker: 'PublicAccessMapping',
      lastChangeId: 1,
      lastChangeId64: 1,
    },
  });
}

/**
 * From the REST representation of a service connection to the rotator's {@link ServiceConnection}.
 *
 * Azure DevOps matches parameter keys case-insensitively and returns them in varying case
 * (`tenantid` stored vs `tenantId` in the type definition; azure-apis.md §1.4), and `type` comes
 * back as `AzureRM` or `azurerm`: everything here is read case-insensitively. A connection shared
 * into several projects appears in each project's list with the same id (azure-apis.md §1.3):
 * {@link mergeByConnectionId} keeps one per id with every project reference.
 */
import type { ConnectionProjectRef, ProjectInfo, ServiceConnection } from './types';

/** `authorization.scheme` values, in their canonical spelling. */
const SCHEMES = [
  'ServicePrincipal',
  'WorkloadIdentityFederation',
  'ManagedServiceIdentity',
  'PublishProfile',
];

/**
 * The value of `key` in `record`, matching the key case-insensitively; null when absent. The
 * first key (in the record's order) of that spelling with a value wins. A walk over the keys,
 * not `Object.entries`: discovery reads six keys of every connection listed, and the pairs
 * `entries` builds made that about three times slower (bench/, issue #13).
 */
export function readCaseInsensitive(record: unknown, key: string): string | null {
  if (typeof record !== 'object' || record === null) return null;
  const wanted = key.toLowerCase();
  const values = record as Record<string, unknown>;
  for (const name of Object.keys(values)) {
    if (name.toLowerCase() !== wanted) continue;
    const value = values[name];
    if (value !== null && value !== undefined) return String(value);
  }
  return null;
}

/** True when `type` is AzureRM, whatever its case. */
export function isAzureRm(type: unknown): boolean {
  return typeof type === 'string' && type.toLowerCase() === 'azurerm';
}

/**
 * Parses one connection as listed in `project`. Never reads or keeps a secret. Missing fields get
 * the values the service implies: no `authenticationType` on a ServicePrincipal connection means
 * a secret (`spnKey`; older connections predate the field), no `environment` means `AzureCloud`,
 * no `isReady` means ready (it is only sent by newer API versions).
 */
export function parseServiceConnection(raw: unknown, project: ProjectInfo): ServiceConnection {
  const endpoint = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const authorization = (endpoint['authorization'] ?? {}) as Record<string, unknown>;
  const parameters = authorization['parameters'];
  const data = endpoint['data'];
  const scheme = canonicalScheme(authorization['scheme']);
  const parameter = (key: string) => readCaseInsensitive(parameters, key);
  const datum = (key: string) => readCaseInsensitive(data, key);
  const revertSchemeDeadline = nonEmpty(datum('revertSchemeDeadline'));
  const fallbackName = stringOr(endpoint['name'], '');
  const projects = projectRefs(endpoint['serviceEndpointProjectReferences'], project, fallbackName);
  return {
    id: stringOr(endpoint['id'], ''),
    // The name in the listing project; names may differ per project (azure-apis.md §1.4).
    name: projects[0]?.connectionName || fallbackName,
    type: stringOr(endpoint['type'], ''),
    url: stringOr(endpoint['url'], ''),
    description: stringOr(endpoint['description'], ''),
    projects,
    scheme,
    authenticationType: authenticationType(scheme, parameter('authenticationType')),
    creationMode: creationMode(datum('creationMode')),
    tenantId: nonEmpty(parameter('tenantid')),
    appId: nonEmpty(parameter('serviceprincipalid')),
    environment: nonEmpty(datum('environment')) ?? 'AzureCloud',
    isReady: endpoint['isReady'] !== false,
    isDisabled: endpoint['isDisabled'] === true,
    ...(revertSchemeDeadline ? { revertSchemeDeadline } : {}),
    ...(scheme === 'WorkloadIdentityFederation'
      ? {
          // Exactly as returned: Entra compares them exactly, so a stray space is a finding.
          federation: {
            issuer: parameter('workloadIdentityFederationIssuer'),
            subject: parameter('workloadIdentityFederationSubject'),
          },
        }
      : {}),
  };
}

/**
 * One connection per id, in first-seen order, each with the project references of every copy
 * (de-duplicated by project id, first-seen order). Name and the other fields come from the first
 * copy.
 */
export function mergeByConnectionId(connections: readonly ServiceConnection[]): ServiceConnection[] {
  const byId = new Map<string, ServiceConnection>();
  for (const connection of connections) {
    const key = connection.id.toLowerCase();
    const seen = byId.get(key);
    if (!seen) {
      byId.set(key, { ...connection, projects: [...connection.projects] });
      continue;
    }
    for (const ref of connection.projects) {
      if (!seen.projects.some((existing) => sameId(existing.projectId, ref.projectId)))
        seen.projects.push(ref);
    }
  }
  return [...byId.values()];
}

/** Project references, the listing project's first; it is added when the service left it out. */
function projectRefs(raw: unknown, project: ProjectInfo, connectionName: string): ConnectionProjectRef[] {
  const refs: ConnectionProjectRef[] = [];
  for (const item of Array.isArray(raw) ? raw : []) {
    const reference = (item as { projectReference?: { id?: unknown; name?: unknown } } | null)
      ?.projectReference;
    const projectId = typeof reference?.id === 'string' ? reference.id : '';
    if (!projectId || refs.some((ref) => sameId(ref.projectId, projectId))) continue;
    refs.push({
      projectId,
      projectName: stringOr(reference?.name, ''),
      connectionName: stringOr((item as { name?: unknown }).name, connectionName),
    });
  }
  const index = refs.findIndex((ref) => sameId(ref.projectId, project.id));
  if (index < 0) {
    refs.unshift({ projectId: project.id, projectName: project.name, connectionName });
  } else if (index > 0) {
    const [own] = refs.splice(index, 1);
    refs.unshift(own!);
  }
  const first = refs[0]!;
  if (!first.projectName) first.projectName = project.name;
  return refs;
}

function canonicalScheme(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  return SCHEMES.find((scheme) => scheme.toLowerCase() === text.toLowerCase()) ?? text;
}

function authenticationType(scheme: string, value: string | null): ServiceConnection['authenticationType'] {
  const text = value?.trim().toLowerCase();
  if (text === 'spnkey') return 'spnKey';
  if (text === 'spncertificate') return 'spnCertificate';
  return scheme === 'ServicePrincipal' && !text ? 'spnKey' : null;
}

function creationMode(value: string | null): ServiceConnection['creationMode'] {
  const text = value?.trim().toLowerCase();
  if (text === 'automatic') return 'Automatic';
  if (text === 'manual') return 'Manual';
  return null;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function nonEmpty(value: string | null): string | null {
  const text = value?.trim();
  return text ? text : null;
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

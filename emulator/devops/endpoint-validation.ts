import type { EmulatorContext } from '../context';
import { isJsonObject } from '../core/json';
import type { Reply } from '../http/types';
import {
  AZURERM_DATA_KEYS,
  AZURERM_PARAMETER_KEYS,
  CONFIDENTIAL_KEYS,
  WIF_ISSUER_KEY,
  WIF_SUBJECT_KEY,
} from '../state/endpoint-fields';
import type { ServiceConnection, StoredSecret } from '../state/model';
import { derivedParameters } from './endpoint-view';
import { adoError, badRequest } from './errors';

/** The parts of a PUT body the update uses, with keys in their canonical spelling. */
export interface ParsedEndpoint {
  readonly type: string;
  readonly name: string;
  readonly url: string;
  readonly description: string;
  readonly scheme: string;
  /** Authorization parameters; confidential ones may be null ("keep the stored value"). */
  readonly parameters: Readonly<Record<string, string | null>>;
  readonly data: Readonly<Record<string, string>>;
  readonly projectReferences: readonly {
    readonly project: string;
    readonly name: string;
    readonly description: string;
  }[];
}

/**
 * Reads a PUT body into `ParsedEndpoint`, rejecting what the service rejects before any field
 * rule: a missing type or name, a missing authorization scheme, and project references without a
 * project or a name (DECOMP resx `ProjectReferenceMissing`, azure-apis.md §1.6).
 */
export function parseEndpointBody(body: unknown): ParsedEndpoint | Reply {
  if (!isJsonObject(body))
    return adoError(400, 'ArgumentNullException', 'Value cannot be null.\r\nParameter name: endpoint');
  const type = body['type'];
  const name = body['name'];
  if (typeof type !== 'string' || type === '')
    return badRequest('Service connection type must be specified.');
  if (typeof name !== 'string' || name.trim() === '')
    return badRequest('Service connection name must be specified.');
  const authorization = body['authorization'];
  if (!isJsonObject(authorization) || typeof authorization['scheme'] !== 'string') {
    return badRequest('Service connection authorization scheme must be specified.');
  }
  const parameters: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(
    isJsonObject(authorization['parameters']) ? authorization['parameters'] : {},
  )) {
    if (value !== null && typeof value !== 'string')
      return badRequest(`Authorization parameter '${key}' must be a string.`);
    parameters[key] = value;
  }
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(isJsonObject(body['data']) ? body['data'] : {})) {
    if (value === null) continue;
    if (typeof value !== 'string') return badRequest(`Data field '${key}' must be a string.`);
    data[key] = value;
  }
  const refs = body['serviceEndpointProjectReferences'];
  if (!Array.isArray(refs) || refs.length === 0)
    return badRequest('Project reference must be set in the updated endpoint.');
  const projectReferences: { project: string; name: string; description: string }[] = [];
  for (const ref of refs) {
    const projectRef =
      isJsonObject(ref) && isJsonObject(ref['projectReference']) ? ref['projectReference'] : null;
    const project = projectRef ? (projectRef['id'] ?? projectRef['name']) : null;
    if (typeof project !== 'string' || project === '')
      return badRequest('Project reference must be set in the updated endpoint.');
    const refName = isJsonObject(ref) ? ref['name'] : null;
    if (typeof refName !== 'string' || refName.trim() === '') {
      return badRequest('The name of the service connection must be set in every project reference.');
    }
    const description = isJsonObject(ref) && typeof ref['description'] === 'string' ? ref['description'] : '';
    projectReferences.push({ project, name: refName, description });
  }
  return {
    type,
    name,
    url: typeof body['url'] === 'string' ? body['url'] : '',
    description: typeof body['description'] === 'string' ? body['description'] : '',
    scheme: authorization['scheme'],
    parameters,
    data,
    projectReferences,
  };
}

/** Maps keys to their canonical spelling; collects the ones the AzureRM type does not define. */
function canonicalize<T>(
  record: Readonly<Record<string, T>>,
  known: ReadonlyMap<string, string>,
  unknown: string[],
): Record<string, T> {
  const result: Record<string, T> = {};
  for (const [key, value] of Object.entries(record)) {
    const canonical = known.get(key.toLowerCase());
    if (canonical) result[canonical] = value;
    else unknown.push(key);
  }
  return result;
}

/**
 * Canonical keys for an AzureRM body, and the "not expected" error for keys the type does not
 * define: the service validates against the type's input descriptors, so a product cannot keep
 * bookkeeping in a custom `data` key (azure-apis.md §1.6).
 */
export function canonicalAzureRm(parsed: ParsedEndpoint): ParsedEndpoint | Reply {
  const unknown: string[] = [];
  const parameters = canonicalize(parsed.parameters, AZURERM_PARAMETER_KEYS, unknown);
  const data = canonicalize(parsed.data, AZURERM_DATA_KEYS, unknown);
  if (unknown.length > 0) {
    return badRequest(`Following fields in the service connection are not expected: ${unknown.join(', ')}.`);
  }
  return { ...parsed, parameters, data };
}

const fieldNotExpected = (field: string, mode: string) =>
  badRequest(`${field} field is not expected in service connection when creationMode is set to ${mode}.`);
const fieldNotSpecified = (field: string) => badRequest(`Service connection field not specified: ${field}.`);

/**
 * The AzureRM rules for an update (azure-apis.md §1.7, DECOMP `ServiceEndpointValidator`):
 * `creationMode` inferred when missing; Manual rejects `spnObjectId`/`appObjectId`; Automatic
 * requires `appObjectId`, `spnObjectId`, `azureSpnRoleAssignmentId` and takes no new secret;
 * server-set workload identity parameters cannot change. Returns the creation mode, or the 400.
 */
export function checkAzureRmRules(
  ctx: EmulatorContext,
  stored: ServiceConnection,
  parsed: ParsedEndpoint,
): { creationMode: 'Manual' | 'Automatic' } | Reply {
  const { data, parameters } = parsed;
  const present = (value: string | null | undefined) => value !== undefined && value !== null && value !== '';
  const hasSecret =
    present(parameters['serviceprincipalkey']) || present(parameters['servicePrincipalCertificate']);
  let mode = data['creationMode'];
  if (mode === undefined) {
    // DECOMP `AzureServicePrincipalHelper.UpdateAzureRmEndpointCreationMode`.
    const automatic =
      present(data['appObjectId']) ||
      present(data['spnObjectId']) ||
      (!present(parameters['serviceprincipalid']) && !hasSecret);
    mode = automatic ? 'Automatic' : 'Manual';
  }
  if (mode !== 'Manual' && mode !== 'Automatic')
    return badRequest(`The value '${mode}' is not valid for creationMode.`);
  const needsIdentity =
    parsed.scheme === 'ServicePrincipal' || parsed.scheme === 'WorkloadIdentityFederation';
  if (mode === 'Manual') {
    if (present(data['spnObjectId'])) return fieldNotExpected('spnObjectId', 'Manual');
    if (present(data['appObjectId'])) return fieldNotExpected('appObjectId', 'Manual');
    if (needsIdentity && !present(parameters['serviceprincipalid']))
      return fieldNotSpecified('serviceprincipalid');
  } else if (present(parameters['serviceprincipalid'])) {
    for (const field of ['appObjectId', 'spnObjectId', 'azureSpnRoleAssignmentId']) {
      if (!present(data[field])) return fieldNotSpecified(field);
    }
    if (hasSecret)
      return fieldNotExpected(
        present(parameters['serviceprincipalkey']) ? 'serviceprincipalkey' : 'servicePrincipalCertificate',
        'Automatic',
      );
  }
  const derived = derivedParameters(ctx, stored);
  for (const key of [WIF_ISSUER_KEY, WIF_SUBJECT_KEY]) {
    const sent = parameters[key];
    if (present(sent) && sent !== derived[key]) {
      return badRequest(`${key} cannot be updated; this field is automatically set by the service.`);
    }
  }
  return { creationMode: mode };
}

/**
 * The confidential parameters after the update (azure-apis.md §1.5, §1.6; DECOMP
 * `PatchEndpointAuthorizationParameters`): sent as null keeps the stored value, a value replaces
 * it, and one omitted from the body is dropped, leaving the connection without it.
 */
export function mergeConfidential(
  stored: ServiceConnection,
  parameters: Readonly<Record<string, string | null>>,
): Map<string, StoredSecret> {
  const next = new Map<string, StoredSecret>();
  for (const [key, value] of Object.entries(parameters)) {
    const canonical = CONFIDENTIAL_KEYS.get(key.toLowerCase());
    if (!canonical) continue;
    if (value === null) {
      const kept = stored.confidential.get(canonical);
      if (kept) next.set(canonical, kept);
    } else next.set(canonical, { kind: 'literal', value });
  }
  return next;
}

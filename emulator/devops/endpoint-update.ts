import type { EmulatorContext } from '../context';
import { parseJsonObject } from '../core/json';
import { json, type Reply, type RequestContext } from '../http/types';
import {
  CONFIDENTIAL_KEYS,
  isAzureRm,
  WIF_ISSUER_KEY,
  WIF_ISSUER_TYPE_KEY,
  WIF_SUBJECT_KEY,
} from '../state/endpoint-fields';
import type { Identity, Project, ProjectReference, ServiceConnection } from '../state/model';
import { admit } from './auth';
import { accessDenied, hasRole, requireConnection, routeProject } from './connection-access';
import {
  canonicalAzureRm,
  checkAzureRmRules,
  mergeConfidential,
  type ParsedEndpoint,
  parseEndpointBody,
} from './endpoint-validation';
import { endpointView } from './endpoint-view';
import { adoError, badRequest } from './errors';
import { LOCATIONS } from './locations';
import { convertScheme } from './scheme-conversion';

/** `operation` values AzureRM accepts (DECOMP `SpnOperation.cs`, azure-apis.md §1.6). */
const AZURERM_OPERATIONS = [
  'Create',
  'Update',
  'Delete',
  'AssignPermissions',
  'None',
  'ConvertAuthenticationScheme',
  'ChangeProperties',
];

function checkOperation(connection: ServiceConnection, operation: string | null): Reply | null {
  if (operation === null || operation === '') return null;
  if (!isAzureRm(connection.type)) {
    return badRequest(
      `Operation '${operation}' is not supported for service connection type '${connection.type}'`,
    );
  }
  if (!AZURERM_OPERATIONS.some((o) => o.toLowerCase() === operation.toLowerCase())) {
    return badRequest(
      `Operation '${operation}' is invalid. Allowed operation values are Create, Update, Delete and AssignPermissions.`,
    );
  }
  return null;
}

function checkState(connection: ServiceConnection): Reply | null {
  if (connection.isDisabled) {
    return adoError(
      400,
      'EndpointDisabledException',
      `Service connection '${connection.name}' is disabled. Enable it before updating it.`,
      'serviceEndpoints',
    );
  }
  if (connection.operationStatus.state.toLowerCase() === 'inprogress') {
    return adoError(
      400,
      'AnotherOperationAlreadyInProgressException',
      `Another operation is in progress on service connection '${connection.name}'. Try again after it completes.`,
      'serviceEndpoints',
    );
  }
  return null;
}

function resolveReferences(
  ctx: EmulatorContext,
  connection: ServiceConnection,
  parsed: ParsedEndpoint,
): ProjectReference[] | Reply {
  const result: ProjectReference[] = [];
  for (const ref of parsed.projectReferences) {
    const project = ctx.store.project(ref.project);
    if (!project || !connection.projectReferences.some((r) => r.projectId === project.id)) {
      return badRequest(`Service connection '${connection.id}' is not shared with project '${ref.project}'.`);
    }
    result.push({ projectId: project.id, name: ref.name, description: ref.description });
  }
  return result;
}

/** Validates a PUT against the stored connection; returns the parsed body or the error. */
function validate(
  ctx: EmulatorContext,
  req: RequestContext,
  connection: ServiceConnection,
): ParsedEndpoint | Reply {
  const operation = req.query.get('operation');
  const failed = checkOperation(connection, operation) ?? checkState(connection);
  if (failed) return failed;
  const body = parseJsonObject(req.body);
  const parsedBody = parseEndpointBody(body);
  if ('status' in parsedBody) return parsedBody;
  const bodyId = body?.['id'];
  if (typeof bodyId === 'string' && bodyId !== '' && bodyId.toLowerCase() !== connection.id.toLowerCase()) {
    return badRequest(
      `The id '${bodyId}' in the body does not match the service connection id '${connection.id}' in the URL.`,
    );
  }
  if (parsedBody.type.toLowerCase() !== connection.type.toLowerCase()) {
    return adoError(
      400,
      'EndpointTypeCannotBeUpdatedException',
      'The type of a service connection cannot be updated.',
      'serviceEndpoints',
    );
  }
  const converting = operation?.toLowerCase() === 'convertauthenticationscheme';
  if (parsedBody.scheme !== connection.scheme && !converting) {
    return badRequest(
      `The authorization scheme cannot be changed from '${connection.scheme}' to '${parsedBody.scheme}' by an update; use operation=ConvertAuthenticationScheme.`,
    );
  }
  if (!isAzureRm(connection.type)) return parsedBody;
  const canonical = canonicalAzureRm(parsedBody);
  if ('status' in canonical) return canonical;
  const rules = checkAzureRmRules(ctx, connection, canonical);
  if ('status' in rules) return rules;
  return { ...canonical, data: { ...canonical.data, creationMode: rules.creationMode } };
}

function apply(
  ctx: EmulatorContext,
  connection: ServiceConnection,
  parsed: ParsedEndpoint,
  refs: ProjectReference[],
): void {
  const confidential = mergeConfidential(connection, parsed.parameters);
  const parameters: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.parameters)) {
    if (value === null || CONFIDENTIAL_KEYS.has(key.toLowerCase())) continue;
    // Server-set, derived on read.
    if (key === WIF_ISSUER_KEY || key === WIF_SUBJECT_KEY || key === WIF_ISSUER_TYPE_KEY) continue;
    parameters[key] = value;
  }
  for (const secret of confidential.values())
    if (secret.kind === 'literal') ctx.store.rememberSecret(secret.value);
  connection.name = parsed.name;
  connection.url = parsed.url;
  connection.description = parsed.description;
  connection.scheme = parsed.scheme;
  connection.parameters = parameters;
  connection.confidential = confidential;
  connection.data = { ...parsed.data };
  for (const ref of refs) {
    const stored = connection.projectReferences.find((r) => r.projectId === ref.projectId);
    if (stored) {
      stored.name = ref.name;
      stored.description = ref.description;
    }
  }
  connection.modificationDate = ctx.clock.now();
}

/**
 * `PUT {org}/_apis/serviceendpoint/endpoints/{id}` (since 6.0) and the project-scoped PUT
 * Microsoft's own scripts still use (azure-apis.md §1.3, §1.6). Needs the Administrator role.
 */
export function updateEndpoint(ctx: EmulatorContext, req: RequestContext): Reply {
  const scoped = req.params['project'] !== undefined;
  const identity: Identity | Reply = admit(
    ctx,
    req,
    scoped ? LOCATIONS.endpointsProject : LOCATIONS.endpointsOrg,
  );
  if ('status' in identity) return identity;
  let project: Project | undefined;
  if (scoped) {
    const found = routeProject(ctx, req);
    if ('status' in found) return found;
    project = found;
  }
  const connection = requireConnection(ctx, identity, req.params['endpointId'] ?? '', project);
  if ('status' in connection) return connection;
  if (!hasRole(identity, connection, 'Administrator'))
    return accessDenied(identity, connection, 'Administrator', 'update it');
  const parsed = validate(ctx, req, connection);
  if ('status' in parsed) return parsed;
  const refs = resolveReferences(ctx, connection, parsed);
  if ('status' in refs) return refs;
  if (parsed.url !== connection.url) {
    const resent = [...connection.confidential.keys()].every(
      (key) => typeof parsed.parameters[key] === 'string',
    );
    if (!resent)
      return badRequest(
        'The URL of a service connection cannot be changed without providing its credentials again.',
      );
  }
  if (req.query.get('operation')?.toLowerCase() === 'convertauthenticationscheme')
    return convertScheme(ctx, connection, parsed, project ?? null);
  apply(ctx, connection, parsed, refs);
  return json(200, endpointView(ctx, connection, project ?? null, 'null'));
}

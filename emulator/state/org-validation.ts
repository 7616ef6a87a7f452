import Ajv from 'ajv';
import schema from '../org.schema.json';
import { AZURERM_DATA_KEYS, AZURERM_PARAMETER_KEYS, isAzureRm } from './endpoint-fields';
import type { OrgDescription, ServiceConnectionDescription } from './org-description';

/** An organization description that does not satisfy the schema or refers to things that do not exist. */
export class OrgValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid organization description:\n  ${problems.join('\n  ')}`);
    this.name = 'OrgValidationError';
  }
}

const validateSchema = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** `/serviceConnections/3/scheme` → `serviceConnections[3].scheme`. */
function readablePath(pointer: string): string {
  const parts = pointer.split('/').slice(1);
  let path = '';
  for (const part of parts) path += /^\d+$/.test(part) ? `[${part}]` : path ? `.${part}` : part;
  return path || '(root)';
}

/** The AzureRM-specific references: known data and parameter keys, an app, and secrets it has. */
function azureRmProblems(
  c: ServiceConnectionDescription,
  path: string,
  apps: ReadonlyMap<string, { passwords: ReadonlySet<string>; keys: ReadonlySet<string> }>,
): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(c.data ?? {})) {
    if (!AZURERM_DATA_KEYS.has(key.toLowerCase()))
      problems.push(`${path}.data.${key}: not an AzureRM data key`);
  }
  for (const key of Object.keys(c.authorizationParameters ?? {})) {
    if (!AZURERM_PARAMETER_KEYS.has(key.toLowerCase()))
      problems.push(`${path}.authorizationParameters.${key}: not an AzureRM parameter`);
  }
  if (c.scheme !== 'ManagedServiceIdentity' && !c.appId)
    problems.push(`${path}.appId: required for scheme ${c.scheme}`);
  const app = c.appId ? apps.get(c.appId.toLowerCase()) : undefined;
  const secret = c.secret;
  if (secret && 'passwordKeyId' in secret && !app?.passwords.has(secret.passwordKeyId.toLowerCase())) {
    problems.push(`${path}.secret.passwordKeyId: app "${c.appId}" has no password "${secret.passwordKeyId}"`);
  }
  if (secret && 'certificateKeyId' in secret && !app?.keys.has(secret.certificateKeyId.toLowerCase())) {
    problems.push(
      `${path}.secret.certificateKeyId: app "${c.appId}" has no key credential "${secret.certificateKeyId}"`,
    );
  }
  if (c.creationMode === 'Automatic' && !app && !(c.spnObjectId && c.appObjectId)) {
    problems.push(
      `${path}: an Automatic connection needs spnObjectId and appObjectId when its app does not exist`,
    );
  }
  return problems;
}

/**
 * Checks a description against `org.schema.json`, then the references the schema cannot express
 * (projects, apps, passwords, identities that must exist; ids and names that must be unique).
 * Throws `OrgValidationError` listing every problem with its path.
 */
export function validateOrgDescription(input: unknown): asserts input is OrgDescription {
  if (!validateSchema(input)) {
    const problems = (validateSchema.errors ?? []).map((e) => {
      const extra =
        e.keyword === 'additionalProperties' ? ` (${String(e.params['additionalProperty'])})` : '';
      return `${readablePath(e.instancePath)}: ${e.message ?? 'invalid'}${extra}`;
    });
    throw new OrgValidationError([...new Set(problems)]);
  }
  const org = input as unknown as OrgDescription;
  const problems: string[] = [];
  const unique = (seen: Set<string>, value: string, path: string, what: string) => {
    const key = value.toLowerCase();
    if (seen.has(key)) problems.push(`${path}: duplicate ${what} "${value}"`);
    seen.add(key);
  };

  const tenantIds = new Set<string>();
  for (const [i, t] of org.tenants.entries()) unique(tenantIds, t.id, `tenants[${i}].id`, 'tenant id');

  const apps = new Map<string, { passwords: Set<string>; keys: Set<string> }>();
  const objectIds = new Set<string>();
  const applications = org.applications ?? [];
  for (const [i, app] of applications.entries()) {
    const path = `applications[${i}]`;
    if (apps.has(app.appId.toLowerCase())) problems.push(`${path}.appId: duplicate appId "${app.appId}"`);
    unique(objectIds, app.objectId, `${path}.objectId`, 'object id');
    if (app.servicePrincipal)
      unique(objectIds, app.servicePrincipal.objectId, `${path}.servicePrincipal.objectId`, 'object id');
    if (!tenantIds.has(app.tenantId.toLowerCase()))
      problems.push(`${path}.tenantId: unknown tenant "${app.tenantId}"`);
    const passwords = new Set<string>();
    const keys = new Set<string>();
    const fics = new Set<string>();
    for (const [j, p] of (app.passwordCredentials ?? []).entries())
      unique(passwords, p.keyId, `${path}.passwordCredentials[${j}].keyId`, 'keyId');
    for (const [j, k] of (app.keyCredentials ?? []).entries())
      unique(keys, k.keyId, `${path}.keyCredentials[${j}].keyId`, 'keyId');
    for (const [j, f] of (app.federatedIdentityCredentials ?? []).entries()) {
      unique(
        fics,
        `${f.issuer}\n${f.subject}`,
        `${path}.federatedIdentityCredentials[${j}]`,
        'issuer and subject',
      );
    }
    apps.set(app.appId.toLowerCase(), { passwords, keys });
  }
  for (const [i, app] of applications.entries()) {
    for (const [j, owner] of (app.owners ?? []).entries()) {
      if (!apps.has(owner.toLowerCase()))
        problems.push(`applications[${i}].owners[${j}]: unknown app "${owner}"`);
    }
  }

  const projectIds = new Set<string>();
  const projectNames = new Set<string>();
  for (const [i, p] of org.projects.entries()) {
    unique(projectIds, p.id, `projects[${i}].id`, 'project id');
    unique(projectNames, p.name, `projects[${i}].name`, 'project name');
  }

  const identityIds = new Set<string>();
  const credentials = new Set<string>();
  for (const [i, identity] of (org.identities ?? []).entries()) {
    const path = `identities[${i}]`;
    unique(identityIds, identity.id, `${path}.id`, 'identity id');
    if (identity.accessToken) unique(credentials, identity.accessToken, `${path}.accessToken`, 'token');
    if (identity.pat) unique(credentials, identity.pat, `${path}.pat`, 'token');
    if (identity.appId && !apps.has(identity.appId.toLowerCase()))
      problems.push(`${path}.appId: unknown app "${identity.appId}"`);
  }

  const connectionIds = new Set<string>();
  const namesPerProject = new Map<string, Set<string>>();
  for (const [i, c] of (org.serviceConnections ?? []).entries()) {
    const path = `serviceConnections[${i}]`;
    unique(connectionIds, c.id, `${path}.id`, 'connection id');
    const seenProjects = new Set<string>();
    for (const [j, ref] of c.projects.entries()) {
      const name = typeof ref === 'string' ? ref : ref.name;
      const connectionName = typeof ref === 'string' ? c.name : (ref.connectionName ?? c.name);
      if (!projectNames.has(name.toLowerCase()))
        problems.push(`${path}.projects[${j}]: unknown project "${name}"`);
      unique(seenProjects, name, `${path}.projects[${j}]`, 'project');
      const names = namesPerProject.get(name.toLowerCase()) ?? new Set<string>();
      namesPerProject.set(name.toLowerCase(), names);
      unique(names, connectionName, `${path}.projects[${j}]`, `connection name in project "${name}"`);
    }
    for (const identity of Object.keys(c.roles ?? {})) {
      if (!identityIds.has(identity.toLowerCase()))
        problems.push(`${path}.roles: unknown identity "${identity}"`);
    }
    if (c.createdBy && !identityIds.has(c.createdBy.toLowerCase()))
      problems.push(`${path}.createdBy: unknown identity "${c.createdBy}"`);
    if (isAzureRm(c.type ?? 'AzureRM')) problems.push(...azureRmProblems(c, path, apps));
  }
  if (problems.length > 0) throw new OrgValidationError(problems);
}

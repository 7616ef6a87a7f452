import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { generateSecretText, secretHint } from '../core/secrets';
import {
  CERTIFICATE_KEY,
  CONFIDENTIAL_KEYS,
  ENVIRONMENT_URLS,
  isAzureRm,
  SECRET_KEY,
} from './endpoint-fields';
import type { Application, ServiceConnection, StoredSecret } from './model';
import type {
  ApplicationDescription,
  CredentialDates,
  ServiceConnectionDescription,
} from './org-description';
import { validateOrgDescription } from './org-validation';
import { EmulatorStore } from './store';

const DAY_MS = 86_400_000;
/** Graph's default secret lifetime: two years (GRAPHDOCS `application-addpassword.md`). */
export const DEFAULT_SECRET_LIFETIME_MS = 730 * DAY_MS;

/** Reads an organization description file (`buildStore` validates it). */
export function readOrgDescription(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `Cannot read organization description ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function resolveDates(dates: CredentialDates, startedAt: Date): { start: Date; end: Date } {
  const start = dates.startDateTime
    ? new Date(dates.startDateTime)
    : new Date(startedAt.getTime() - (dates.startDaysAgo ?? 0) * DAY_MS);
  const end = dates.endDateTime
    ? new Date(dates.endDateTime)
    : dates.expiresInDays !== undefined
      ? new Date(startedAt.getTime() + dates.expiresInDays * DAY_MS)
      : new Date(start.getTime() + DEFAULT_SECRET_LIFETIME_MS);
  return { start, end };
}

function buildApplication(app: ApplicationDescription, startedAt: Date): Application {
  return {
    appId: app.appId,
    objectId: app.objectId,
    tenantId: app.tenantId,
    displayName: app.displayName,
    createdDateTime: new Date(startedAt.getTime() - 400 * DAY_MS),
    servicePrincipal: app.servicePrincipal
      ? {
          objectId: app.servicePrincipal.objectId,
          accountEnabled: app.servicePrincipal.accountEnabled ?? true,
        }
      : null,
    owners: app.owners ?? [],
    signInAudience: app.signInAudience ?? 'AzureADMyOrg',
    ...(app.managedIdentity ? { managedIdentity: true } : {}),
    graphPermissions: new Set(app.graphPermissions ?? []),
    passwordCredentials: (app.passwordCredentials ?? []).map((p) => {
      const { start, end } = resolveDates(p, startedAt);
      const secretText = p.secretText ?? generateSecretText();
      return {
        keyId: p.keyId,
        displayName: p.displayName ?? null,
        startDateTime: start,
        endDateTime: end,
        secretText,
        hint: secretHint(secretText),
        usableFrom: start,
      };
    }),
    keyCredentials: (app.keyCredentials ?? []).map((k) => {
      const { start, end } = resolveDates(k, startedAt);
      return {
        keyId: k.keyId,
        displayName: k.displayName ?? null,
        startDateTime: start,
        endDateTime: end,
        ...(k.keyBits === undefined ? {} : { keyBits: k.keyBits }),
      };
    }),
    federatedIdentityCredentials: (app.federatedIdentityCredentials ?? []).map((f) => ({
      id: f.id ?? randomUUID(),
      name: f.name,
      issuer: f.issuer,
      subject: f.subject ?? null,
      ...(f.claimsMatchingExpression === undefined
        ? {}
        : { claimsMatchingExpression: f.claimsMatchingExpression }),
      audiences: f.audiences ?? ['api://AzureADTokenExchange'],
      description: f.description ?? null,
    })),
  };
}

function azureRmParts(c: ServiceConnectionDescription, store: EmulatorStore) {
  const app = c.appId ? store.applicationByAppId(c.appId) : undefined;
  const parameters: Record<string, string> = { tenantid: c.tenantId ?? '' };
  const confidential = new Map<string, StoredSecret>();
  if (c.scheme !== 'ManagedServiceIdentity') parameters['serviceprincipalid'] = c.appId ?? '';
  if (c.scheme === 'ServicePrincipal') {
    const secret = c.secret;
    const certificate =
      c.authenticationType === 'spnCertificate' || (secret != null && 'certificateKeyId' in secret);
    parameters['authenticationType'] = certificate ? 'spnCertificate' : 'spnKey';
    let stored: StoredSecret | undefined;
    if (secret && 'value' in secret) stored = { kind: 'literal', value: secret.value };
    if (secret && 'certificateKeyId' in secret)
      stored = { kind: 'keyCredential', appId: c.appId ?? '', keyId: secret.certificateKeyId };
    if (secret && 'passwordKeyId' in secret) {
      const password = app?.passwordCredentials.find(
        (p) => p.keyId.toLowerCase() === secret.passwordKeyId.toLowerCase(),
      );
      if (password) stored = { kind: 'literal', value: password.secretText };
    }
    if (stored) confidential.set(certificate ? CERTIFICATE_KEY : SECRET_KEY, stored);
  }
  Object.assign(parameters, c.authorizationParameters);
  const environment = c.environment ?? 'AzureCloud';
  const data: Record<string, string> = {
    subscriptionId: c.subscriptionId ?? c.id,
    subscriptionName: c.subscriptionName ?? `Subscription of ${c.name}`,
    environment,
    scopeLevel: c.scopeLevel ?? 'Subscription',
    creationMode: c.creationMode ?? 'Manual',
  };
  if (c.creationMode === 'Automatic') {
    const roleAssignmentId = c.azureSpnRoleAssignmentId ?? randomUUID();
    data['spnObjectId'] = c.spnObjectId ?? app?.servicePrincipal?.objectId ?? '';
    data['appObjectId'] = c.appObjectId ?? app?.objectId ?? '';
    data['azureSpnRoleAssignmentId'] = roleAssignmentId;
    data['azureSpnPermissions'] =
      c.azureSpnPermissions ??
      JSON.stringify([{ roleAssignmentId, resourceProvider: 'Microsoft.RoleAssignment', provisioned: true }]);
  }
  Object.assign(data, c.data);
  return {
    parameters,
    confidential,
    data,
    url: c.url ?? ENVIRONMENT_URLS[environment] ?? ENVIRONMENT_URLS['AzureCloud']!,
  };
}

function otherParts(c: ServiceConnectionDescription) {
  const parameters: Record<string, string> = {};
  const confidential = new Map<string, StoredSecret>();
  for (const [key, value] of Object.entries(c.authorizationParameters ?? {})) {
    const canonical = CONFIDENTIAL_KEYS.get(key.toLowerCase());
    if (canonical) confidential.set(canonical, { kind: 'literal', value });
    else parameters[key] = value;
  }
  return { parameters, confidential, data: { ...c.data }, url: c.url ?? '' };
}

function buildConnection(
  c: ServiceConnectionDescription,
  store: EmulatorStore,
  startedAt: Date,
): ServiceConnection {
  const type = c.type ?? 'AzureRM';
  const parts = isAzureRm(type) ? azureRmParts(c, store) : otherParts(c);
  const state = c.operationStatus?.state ?? 'Ready';
  return {
    id: c.id,
    name: c.name,
    type,
    url: parts.url,
    description: c.description ?? '',
    owner: c.owner ?? 'library',
    scheme: c.scheme,
    parameters: parts.parameters,
    confidential: parts.confidential,
    data: parts.data,
    projectReferences: c.projects.map((ref) => {
      const name = typeof ref === 'string' ? ref : ref.name;
      return {
        projectId: store.project(name)!.id,
        name: typeof ref === 'string' ? c.name : (ref.connectionName ?? c.name),
        description:
          typeof ref === 'string' ? (c.description ?? '') : (ref.description ?? c.description ?? ''),
      };
    }),
    isReady: c.isReady ?? (state !== 'Failed' && state !== 'InProgress'),
    operationStatus: { state, statusMessage: c.operationStatus?.statusMessage ?? '' },
    isDisabled: c.isDisabled ?? false,
    issuerType: c.issuerType ?? 'AzureDevOps',
    recovery: null,
    pending: null,
    roles: new Map(Object.entries(c.roles ?? {}).map(([id, role]) => [id.toLowerCase(), role])),
    createdBy: c.createdBy ?? null,
    creationDate: new Date(startedAt.getTime() - 200 * DAY_MS),
    modificationDate: new Date(startedAt.getTime() - 100 * DAY_MS),
  };
}

/**
 * Validates a description and builds the emulator's state from it, resolving relative dates
 * against `startedAt` and generating secrets that the description leaves out.
 */
export function buildStore(input: unknown, startedAt: Date): EmulatorStore {
  validateOrgDescription(input);
  const org = input;
  const store = new EmulatorStore({ name: org.organization.name, id: org.organization.id }, startedAt);
  for (const tenant of org.tenants) store.addTenant(tenant);
  for (const app of org.applications ?? []) store.addApplication(buildApplication(app, startedAt));
  for (const p of org.projects) {
    store.addProject({
      id: p.id,
      name: p.name,
      state: p.state ?? 'wellFormed',
      description: p.description ?? null,
      visibility: p.visibility ?? 'private',
      lastUpdateTime: new Date(startedAt.getTime() - 30 * DAY_MS),
    });
  }
  for (const i of org.identities ?? []) {
    store.addIdentity({
      id: i.id,
      displayName: i.displayName,
      kind: i.kind,
      accessToken: i.accessToken ?? null,
      pat: i.pat ?? null,
      appId: i.appId ?? null,
      defaultRole: i.defaultRole ?? 'User',
    });
  }
  for (const c of org.serviceConnections ?? []) store.addConnection(buildConnection(c, store, startedAt));
  return store;
}

import type { EmulatorContext } from '../context';
import { derivedParameters } from '../devops/endpoint-view';
import { pemThumbprintSha256 } from './key-credential-certificates';
import type { Application, ServiceConnection, StoredSecret } from './model';

/** Which credential a stored connection secret is, without the secret. */
export type RedactedSecret =
  | { readonly kind: 'password'; readonly keyId: string | null }
  | { readonly kind: 'certificate'; readonly keyId: string | null }
  | { readonly kind: 'other'; readonly parameter: string };

const iso = (d: Date) => d.toISOString();

function redactApplication(app: Application) {
  return {
    appId: app.appId,
    objectId: app.objectId,
    tenantId: app.tenantId,
    displayName: app.displayName,
    servicePrincipal: app.servicePrincipal ? { ...app.servicePrincipal } : null,
    owners: [...app.owners],
    graphPermissions: [...app.graphPermissions],
    passwordCredentials: app.passwordCredentials.map((p) => ({
      keyId: p.keyId,
      displayName: p.displayName,
      startDateTime: iso(p.startDateTime),
      endDateTime: iso(p.endDateTime),
      hint: p.hint,
      usableFrom: iso(p.usableFrom),
    })),
    keyCredentials: app.keyCredentials.map((k) => ({
      keyId: k.keyId,
      displayName: k.displayName,
      startDateTime: iso(k.startDateTime),
      endDateTime: iso(k.endDateTime),
    })),
    federatedIdentityCredentials: app.federatedIdentityCredentials.map((f) => ({
      ...f,
      audiences: [...f.audiences],
    })),
  };
}

/**
 * Which app credential a connection's stored secret matches: the password with the same text, or
 * the key credential with the same certificate; keyId null when it matches none (wrong, expired
 * and removed, or the app is gone).
 */
export function redactSecret(
  ctx: EmulatorContext,
  connection: ServiceConnection,
  parameter: string,
  secret: StoredSecret,
): RedactedSecret {
  const app = ctx.store.applicationByAppId(connection.parameters['serviceprincipalid'] ?? '');
  if (parameter === 'serviceprincipalkey') {
    const value = secret.kind === 'literal' ? secret.value : null;
    return {
      kind: 'password',
      keyId: app?.passwordCredentials.find((p) => p.secretText === value)?.keyId ?? null,
    };
  }
  if (parameter === 'servicePrincipalCertificate') {
    if (secret.kind === 'keyCredential') return { kind: 'certificate', keyId: secret.keyId };
    const thumbprint = pemThumbprintSha256(secret.value);
    const material = thumbprint ? ctx.certificates.findByThumbprint('sha256', thumbprint) : undefined;
    return { kind: 'certificate', keyId: material && material.appId === app?.appId ? material.keyId : null };
  }
  return { kind: 'other', parameter };
}

function redactConnection(ctx: EmulatorContext, c: ServiceConnection) {
  const secrets = [...c.confidential.entries()].map(([parameter, secret]) =>
    redactSecret(ctx, c, parameter, secret),
  );
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    url: c.url,
    description: c.description,
    owner: c.owner,
    scheme: c.scheme,
    authorizationParameters: { ...c.parameters, ...derivedParameters(ctx, c) },
    data: { ...c.data },
    projects: c.projectReferences.map((r) => ({
      id: r.projectId,
      name: ctx.store.project(r.projectId)?.name ?? '',
      connectionName: r.name,
    })),
    isReady: c.isReady,
    operationStatus: { ...c.operationStatus },
    isDisabled: c.isDisabled,
    roles: Object.fromEntries(c.roles),
    secret: secrets[0] ?? null,
    modificationDate: iso(c.modificationDate),
  };
}

/**
 * The whole state with every secret redacted (`GET /_admin/state`): passwords show keyId, name,
 * dates and hint; a connection's secret shows which app credential it matches; identities show no
 * tokens.
 */
export function redactedSnapshot(ctx: EmulatorContext) {
  const { store } = ctx;
  return {
    organization: { ...store.organization },
    now: ctx.clock.now().toISOString(),
    tenants: [...store.tenants.values()].map((t) => ({ ...t })),
    projects: store.allProjects().map((p) => ({ id: p.id, name: p.name, state: p.state })),
    identities: [...store.identities.values()].map((i) => ({
      id: i.id,
      displayName: i.displayName,
      kind: i.kind,
      appId: i.appId,
      defaultRole: i.defaultRole,
    })),
    applications: [...store.applications.values()].map(redactApplication),
    serviceConnections: [...store.connections.values()].map((c) => redactConnection(ctx, c)),
  };
}

/** The snapshot's type. */
export type RedactedState = ReturnType<typeof redactedSnapshot>;

/**
 * Small, deterministic organizations for the partial-outage, malformed-response and concurrency
 * tests: a workload-identity rotator in tenant A, connections given by name, app, days left and
 * tenant, and optionally a second tenant B with its own rotator signing in with a client secret.
 * Each connection stores its own password (not minted by this product) on its app.
 */
import type {
  ApplicationDescription,
  IdentityDescription,
  OrgDescription,
  PasswordDescription,
  ServiceConnectionDescription,
} from '../../../emulator/state/org-description';

/** One connection to create. */
export interface ConnectionSpec {
  name: string;
  /** Connections naming the same app share it. */
  app: string;
  daysLeft: number;
  /** @default 'A' */
  tenant?: 'A' | 'B';
  /** @default 'Manual' */
  creationMode?: 'Manual' | 'Automatic';
}

/** The organization and the ids tests need. */
export interface SmallOrg {
  org: OrgDescription;
  tenants: { A: string; B: string };
  /** Connection id by name (rotators included: `rotator-wif`, `rotator-b`). */
  ids: Record<string, string>;
  /** appId by app key (rotators: `rotator-a`, `rotator-b`). */
  apps: Record<string, { appId: string; objectId: string }>;
  /** The PAT of an administrator identity (for PAT mode). */
  pat: string;
}

const PROJECT = { id: '5a11c0de-0000-4000-8000-00000000f001', name: 'Platform' };

/** Builds the organization; `withTenantB` adds tenant B's rotator even when no connection uses B. */
export function smallOrg(specs: readonly ConnectionSpec[], withTenantB = false): SmallOrg {
  let n = 0;
  const id = (kind: number) =>
    `5a11c0de-${String(kind).padStart(4, '0')}-4000-8000-${(++n).toString(16).padStart(12, '0')}`;
  const orgId = id(1);
  const tenants = { A: id(2), B: id(2) };
  const issuer = `https://vstoken.dev.azure.com/${orgId}`;
  const apps: SmallOrg['apps'] = {};
  const applications: Array<ApplicationDescription & { passwordCredentials: PasswordDescription[] }> = [];
  const connections: ServiceConnectionDescription[] = [];
  const ids: Record<string, string> = {};

  const newApp = (
    key: string,
    tenant: string,
    extra: Omit<Partial<ApplicationDescription>, 'passwordCredentials'> = {},
  ) => {
    const app = { appId: id(3), objectId: id(4) };
    apps[key] = app;
    const description = {
      ...extra,
      ...app,
      tenantId: tenant,
      displayName: key,
      servicePrincipal: { objectId: id(5) },
      passwordCredentials: [] as PasswordDescription[],
    };
    applications.push(description);
    return description;
  };
  newApp('rotator-a', tenants.A, {
    graphPermissions: ['Application.ReadWrite.OwnedBy'],
    federatedIdentityCredentials: [
      { name: 'rotator-wif', issuer, subject: `sc://smallorg/${PROJECT.name}/rotator-wif` },
    ],
  });
  const hasB = withTenantB || specs.some((s) => s.tenant === 'B');
  if (hasB) {
    const rotatorB = newApp('rotator-b', tenants.B, { graphPermissions: ['Application.ReadWrite.OwnedBy'] });
    const keyId = id(6);
    rotatorB.passwordCredentials.push({
      keyId,
      displayName: 'rotator secret',
      startDaysAgo: 10,
      expiresInDays: 300,
    });
    ids['rotator-b'] = id(7);
    connections.push({
      id: ids['rotator-b'],
      name: 'rotator-b',
      projects: [PROJECT.name],
      scheme: 'ServicePrincipal',
      authenticationType: 'spnKey',
      tenantId: tenants.B,
      appId: rotatorB.appId,
      secret: { passwordKeyId: keyId },
      subscriptionId: id(8),
      subscriptionName: 'Tenant B management',
    });
  }
  ids['rotator-wif'] = id(7);
  connections.push({
    id: ids['rotator-wif'],
    name: 'rotator-wif',
    projects: [PROJECT.name],
    scheme: 'WorkloadIdentityFederation',
    tenantId: tenants.A,
    appId: apps['rotator-a']!.appId,
    creationMode: 'Manual',
    subscriptionId: id(8),
    subscriptionName: 'Management',
  });

  for (const spec of specs) {
    const tenant = tenants[spec.tenant ?? 'A'];
    const owner = spec.tenant === 'B' ? 'rotator-b' : 'rotator-a';
    const app =
      applications.find((a) => a.displayName === spec.app) ??
      newApp(spec.app, tenant, { owners: [apps[owner]!.appId] });
    const keyId = id(6);
    app.passwordCredentials.push({
      keyId,
      displayName: `secret of ${spec.name}`,
      startDaysAgo: 100,
      expiresInDays: spec.daysLeft,
    });
    ids[spec.name] = id(7);
    connections.push({
      id: ids[spec.name]!,
      name: spec.name,
      projects: [PROJECT.name],
      scheme: 'ServicePrincipal',
      authenticationType: 'spnKey',
      creationMode: spec.creationMode ?? 'Manual',
      tenantId: tenant,
      appId: app.appId,
      secret: { passwordKeyId: keyId },
      subscriptionId: id(8),
      subscriptionName: `Subscription of ${spec.name}`,
      description: `Deploys ${spec.name}.`,
    });
  }

  const pat = `pat-${orgId.replaceAll('-', '')}`;
  const identities: IdentityDescription[] = [
    {
      id: 'build',
      displayName: 'smallorg Build Service',
      kind: 'build',
      accessToken: `job-${orgId.replaceAll('-', '')}`,
      defaultRole: 'Administrator',
    },
    { id: 'admin', displayName: 'Org Admin', kind: 'user', pat, defaultRole: 'Administrator' },
  ];
  return {
    org: {
      organization: { name: 'smallorg', id: orgId },
      tenants: [
        { id: tenants.A, displayName: 'Tenant A' },
        ...(hasB ? [{ id: tenants.B, displayName: 'Tenant B' }] : []),
      ],
      projects: [PROJECT],
      applications,
      identities,
      serviceConnections: connections,
    },
    tenants,
    ids,
    apps,
    pat,
  };
}

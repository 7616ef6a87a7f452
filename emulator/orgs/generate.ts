// Generates large organization descriptions for integration tests and benchmarks:
// `node dist/emulator/orgs/generate.js --projects 100 --connections 1000 > org.json`.
import { parseArgs } from 'node:util';
import { createPrng, pick, prngUuid, randomInt } from '../core/prng';
import type {
  ApplicationDescription,
  IdentityDescription,
  OrgDescription,
  PasswordDescription,
  ServiceConnectionDescription,
} from '../state/org-description';
import { type ConnectionMix, DEFAULT_MIX, expiresInDays, hex, kindOf } from './connection-mix';

export type { ConnectionMix } from './connection-mix';

/** Options of `generateOrg`. */
export interface GenerateOptions {
  readonly projects: number;
  readonly connections: number;
  /** Distinct apps per secret-bearing connection; the rest reuse an app. @default 0.6 */
  readonly appsPerConnection?: number;
  /** Connections shared into a second project. @default 0.05 */
  readonly sharedFraction?: number;
  /** @default 1 */
  readonly seed?: number;
  /** @default 'generated' */
  readonly orgName?: string;
  readonly mix?: Partial<ConnectionMix>;
}

/**
 * A deterministic organization description (for a seed) with `projects` projects and
 * `connections` service connections in a realistic mix of kinds and expiry statuses, a rotator app
 * owning every target app with `Application.ReadWrite.OwnedBy`, its workload identity connection,
 * a build identity (job token) and a PAT identity. Runs in linear time: 10,000 connections take
 * well under a second.
 */
export function generateOrg(options: GenerateOptions): OrgDescription {
  const next = createPrng(options.seed ?? 1);
  const mix = { ...DEFAULT_MIX, ...options.mix };
  const orgName = options.orgName ?? 'generated';
  const orgId = prngUuid(next);
  const tenantId = prngUuid(next);
  const projects = Array.from({ length: Math.max(1, options.projects) }, (_, i) => ({
    id: prngUuid(next),
    name: `project-${String(i + 1).padStart(4, '0')}`,
  }));
  const rotator: ApplicationDescription & { federatedIdentityCredentials: unknown[] } = {
    appId: prngUuid(next),
    objectId: prngUuid(next),
    tenantId,
    displayName: 'sc-rotator',
    servicePrincipal: { objectId: prngUuid(next) },
    graphPermissions: ['Application.ReadWrite.OwnedBy'],
    federatedIdentityCredentials: [],
  };
  const issuer = `https://vstoken.dev.azure.com/${orgId}`;
  const home = projects[0]!;
  (rotator.federatedIdentityCredentials as object[]).push({
    name: 'rotator-wif',
    issuer,
    subject: `sc://${orgName}/${home.name}/rotator-wif`,
  });

  const newApp = (
    displayName: string,
    accountEnabled = true,
  ): ApplicationDescription & {
    passwordCredentials: PasswordDescription[];
    federatedIdentityCredentials: object[];
    keyCredentials: object[];
  } => ({
    appId: prngUuid(next),
    objectId: prngUuid(next),
    tenantId,
    displayName,
    servicePrincipal: { objectId: prngUuid(next), accountEnabled },
    owners: [rotator.appId],
    passwordCredentials: [],
    keyCredentials: [],
    federatedIdentityCredentials: [],
  });
  const apps: ReturnType<typeof newApp>[] = [];
  const appBudget = Math.max(1, Math.round(options.connections * (options.appsPerConnection ?? 0.6)));
  const appFor = (index: number, displayName: string) => {
    if (apps.length < appBudget && (apps.length <= index || next() < 0.5)) {
      const app = newApp(displayName);
      apps.push(app);
      return app;
    }
    return pick(next, apps);
  };

  const connections: ServiceConnectionDescription[] = [];
  const sharedFraction = options.sharedFraction ?? 0.05;
  for (let i = 0; i < options.connections; i += 1) {
    const name = `sc-${String(i + 1).padStart(5, '0')}`;
    const project = pick(next, projects);
    const names: ServiceConnectionDescription['projects'][number][] = [project.name];
    if (projects.length > 1 && next() < sharedFraction) {
      const other = pick(
        next,
        projects.filter((p) => p !== project),
      );
      names.push(other.name);
    }
    const base = {
      id: prngUuid(next),
      name,
      projects: names,
      subscriptionId: prngUuid(next),
      subscriptionName: `Subscription ${name}`,
    };
    const kind = kindOf(next, mix);
    if (kind === 'other') {
      connections.push({
        id: base.id,
        name,
        projects: names,
        type: 'Generic',
        url: `https://service-${i + 1}.example.invalid`,
        scheme: 'UsernamePassword',
        authorizationParameters: { username: `user-${i + 1}`, password: hex(next, 24) },
      });
      continue;
    }
    if (kind === 'deletedApp') {
      connections.push({
        ...base,
        scheme: 'ServicePrincipal',
        tenantId,
        appId: prngUuid(next),
        creationMode: 'Manual',
        secret: { value: hex(next, 40) },
      });
      continue;
    }
    const app = kind === 'disabledSp' ? newApp(`app-${name}-disabled`, false) : appFor(i, `app-${name}`);
    if (kind === 'disabledSp') apps.push(app);
    if (kind === 'wif') {
      app.federatedIdentityCredentials.push({
        name: `fic-${name}`,
        issuer,
        subject: `sc://${orgName}/${project.name}/${name}`,
      });
      connections.push({
        ...base,
        scheme: 'WorkloadIdentityFederation',
        tenantId,
        appId: app.appId,
        creationMode: 'Manual',
      });
      continue;
    }
    if (kind === 'certificate') {
      const keyId = prngUuid(next);
      app.keyCredentials.push({
        keyId,
        displayName: `CN=${name}`,
        startDaysAgo: 30,
        expiresInDays: expiresInDays(next),
      });
      connections.push({
        ...base,
        scheme: 'ServicePrincipal',
        tenantId,
        appId: app.appId,
        creationMode: 'Manual',
        authenticationType: 'spnCertificate',
        secret: { certificateKeyId: keyId },
      });
      continue;
    }
    const expires = kind === 'automatic' ? randomInt(next, -10, 90) : expiresInDays(next);
    const keyId = prngUuid(next);
    app.passwordCredentials.push({
      keyId,
      displayName: kind === 'automatic' ? 'Azure DevOps' : `secret for ${name}`,
      startDaysAgo: Math.max(1, 180 - expires),
      expiresInDays: expires,
    });
    connections.push({
      ...base,
      scheme: 'ServicePrincipal',
      tenantId,
      appId: app.appId,
      creationMode: kind === 'automatic' ? 'Automatic' : 'Manual',
      authenticationType: 'spnKey',
      secret: { passwordKeyId: keyId },
      ...(kind === 'failed'
        ? {
            isReady: false,
            operationStatus: {
              state: 'Failed',
              statusMessage: 'Failed to create an app in Microsoft Entra ID.',
            },
          }
        : {}),
    });
  }
  connections.push({
    id: prngUuid(next),
    name: 'rotator-wif',
    projects: [home.name],
    scheme: 'WorkloadIdentityFederation',
    tenantId,
    appId: rotator.appId,
    creationMode: 'Manual',
  });

  const identities: IdentityDescription[] = [
    {
      id: 'build',
      displayName: `${orgName} Build Service`,
      kind: 'build',
      accessToken: `job-${hex(next, 48)}`,
      defaultRole: 'Administrator',
    },
    {
      id: 'admin-pat',
      displayName: 'Organization Administrator',
      kind: 'user',
      pat: hex(next, 52),
      defaultRole: 'Administrator',
    },
    {
      id: 'rotator-spn',
      displayName: 'sc-rotator',
      kind: 'servicePrincipal',
      appId: rotator.appId,
      defaultRole: 'Administrator',
    },
  ];
  return {
    organization: { name: orgName, id: orgId },
    tenants: [{ id: tenantId, displayName: `${orgName} tenant` }],
    applications: [rotator, ...apps],
    projects,
    identities,
    serviceConnections: connections,
  };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      projects: { type: 'string', default: '10' },
      connections: { type: 'string', default: '100' },
      'apps-per-connection': { type: 'string' },
      'shared-fraction': { type: 'string' },
      seed: { type: 'string' },
      name: { type: 'string' },
      pretty: { type: 'boolean' },
    },
  });
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const appsPerConnection = number(values['apps-per-connection']);
  const sharedFraction = number(values['shared-fraction']);
  const seed = number(values.seed);
  const org = generateOrg({
    projects: Number(values.projects),
    connections: Number(values.connections),
    ...(appsPerConnection !== undefined ? { appsPerConnection } : {}),
    ...(sharedFraction !== undefined ? { sharedFraction } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(values.name ? { orgName: values.name } : {}),
  });
  process.stdout.write(`${JSON.stringify(org, null, values.pretty ? 2 : undefined)}\n`);
}

if (require.main === module) main();

/**
 * The benchmark's organizations: generated with the emulator's generator, written to a file for
 * the emulator process, and summarised into the few numbers the lower bound, the budgets and the
 * workers need. Workers get that summary, never the description itself, so a multi-megabyte JSON
 * parse does not inflate the peak RSS measured for the library.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type GenerateOptions, generateOrg, type OrgDescription } from '../emulator';

/** One benchmark size. */
export interface BenchSize {
  projects: number;
  connections: number;
  /** Whether the naive baseline runs at this size (the issue: the two smaller ones). */
  naive: boolean;
}

/** The sizes: 100 / 1,000 / 10,000 connections over 10 / 100 / 500 projects. */
export const DEFAULT_SIZES: readonly BenchSize[] = [
  { projects: 10, connections: 100, naive: true },
  { projects: 100, connections: 1_000, naive: true },
  { projects: 500, connections: 10_000, naive: false },
];

/** What a worker needs to talk to the emulated organization as the task would. */
export interface WorkerIdentity {
  tenantId: string;
  rotatorAppId: string;
  rotatorConnectionId: string;
  /** Project the rotator connection lives in (its OIDC requests are made there). */
  homeProjectId: string;
  /** The build identity's job token (Administrator on every connection). */
  jobToken: string;
}

/** Counts derived from the description, independently of the library. */
export interface OrgShape {
  projects: number;
  /** Service connections generated (all types, the rotator's own included). */
  connections: number;
  /** Connections an `azurerm` list returns (AzureRM, failed ones included), shared ones once. */
  azureRmConnections: number;
  /** Connections in more than one project. */
  sharedConnections: number;
  /** Application registrations in the description (the rotator's included). */
  applications: number;
  /**
   * Distinct appIds discovery must look up: ServicePrincipal and workload identity federation
   * connections in the rotator's tenant (a WIF connection's app for its federated credentials).
   */
  appsLookedUp: number;
  /** AzureRM workload identity federation connections. */
  wifConnections: number;
  /** Of those, the ones that exist. */
  appsFound: number;
  /**
   * Disabled service principals the rotator can list (`accountEnabled eq false`): those of its
   * tenant's apps that it may read (all with `Application.Read.All`/`ReadWrite.All`, else the apps
   * it owns), whichever connections use them.
   */
  disabledServicePrincipals: number;
  /**
   * Graph GETs the naive script sends: one per ServicePrincipal connection per project list it
   * appears in (hand-written scripts neither deduplicate apps nor merge shared connections).
   */
  naiveGraphGets: number;
  /**
   * TestConnection requests discovery's attribution check sends (issue #14): client-secret
   * connections without a record whose app (found, service principal enabled) holds an unexpired
   * password (so inference is not `expired`) and also an expired one.
   */
  attributionChecks: number;
  /**
   * TestConnection requests the naive script sends for the same check (bench/naive-discovery.ts):
   * per listing, like its Graph GETs, and behind disabled service principals too (it does not
   * read them).
   */
  naiveAttributionChecks: number;
}

/** A generated organization, on disk for the emulator. */
export interface BenchOrg {
  file: string;
  shape: OrgShape;
  identity: WorkerIdentity;
}

/** Generates the organization of `size` and writes it under `dir`. */
export function prepareOrg(
  size: BenchSize,
  dir: string,
  seed = 1,
  mix: GenerateOptions['mix'] = {},
): BenchOrg {
  // 0.6 apps per connection and 5% shared connections are the generator's defaults; passed here so
  // the benchmark keeps the shape if those defaults ever change.
  const org = generateOrg({
    projects: size.projects,
    connections: size.connections,
    appsPerConnection: 0.6,
    sharedFraction: 0.05,
    seed,
    orgName: 'bench',
    mix,
  });
  const file = path.join(dir, `org-${size.connections}.json`);
  fs.writeFileSync(file, JSON.stringify(org));
  return { file, shape: shapeOf(org), identity: identityOf(org) };
}

function identityOf(org: OrgDescription): WorkerIdentity {
  const rotatorConnection = (org.serviceConnections ?? []).find((c) => c.name === 'rotator-wif');
  const rotator = org.applications?.find((a) => a.appId === rotatorConnection?.appId);
  const build = (org.identities ?? []).find((i) => i.kind === 'build' && i.accessToken);
  const homeName = rotatorConnection?.projects[0];
  const home = org.projects?.find(
    (p) => p.name === (typeof homeName === 'string' ? homeName : homeName?.name),
  );
  if (!rotatorConnection || !rotator || !build?.accessToken || !home) {
    throw new Error('the generated organization lacks the rotator connection, its app or a build identity');
  }
  return {
    tenantId: rotator.tenantId,
    rotatorAppId: rotator.appId,
    rotatorConnectionId: rotatorConnection.id,
    homeProjectId: home.id,
    jobToken: build.accessToken,
  };
}

function shapeOf(org: OrgDescription): OrgShape {
  const connections = org.serviceConnections ?? [];
  const tenantId = org.tenants?.[0]?.id.toLowerCase();
  const existing = new Set((org.applications ?? []).map((a) => a.appId.toLowerCase()));
  const azureRm = connections.filter((c) => (c.type ?? 'AzureRM').toLowerCase() === 'azurerm');
  const spn = azureRm.filter(
    (c) =>
      (c.scheme ?? '').toLowerCase() === 'serviceprincipal' &&
      c.appId &&
      c.tenantId?.toLowerCase() === tenantId,
  );
  const wif = azureRm.filter(
    (c) =>
      (c.scheme ?? '').toLowerCase() === 'workloadidentityfederation' &&
      c.appId &&
      c.tenantId?.toLowerCase() === tenantId,
  );
  const looked = new Set([...spn, ...wif].map((c) => (c.appId ?? '').toLowerCase()));
  return {
    projects: org.projects?.length ?? 0,
    connections: connections.length,
    azureRmConnections: azureRm.length,
    sharedConnections: connections.filter((c) => c.projects.length > 1).length,
    applications: org.applications?.length ?? 0,
    appsLookedUp: looked.size,
    wifConnections: wif.length,
    appsFound: [...looked].filter((id) => existing.has(id)).length,
    disabledServicePrincipals: disabledVisibleTo(org),
    naiveGraphGets: spn.reduce((sum, c) => sum + c.projects.length, 0),
    attributionChecks: attributionChecksOf(org, spn).length,
    naiveAttributionChecks: attributionChecksOf(org, spn, { disabledToo: true }).reduce(
      (sum, c) => sum + c.projects.length,
      0,
    ),
  };
}

/**
 * The connections of {@link OrgShape.attributionChecks}, or with `disabledToo` those of
 * {@link OrgShape.naiveAttributionChecks}. Generated passwords carry no marker of ours.
 */
function attributionChecksOf(
  org: OrgDescription,
  spn: NonNullable<OrgDescription['serviceConnections']>,
  { disabledToo = false } = {},
): NonNullable<OrgDescription['serviceConnections']> {
  const apps = new Map((org.applications ?? []).map((a) => [a.appId.toLowerCase(), a]));
  const DAY = 86_400_000;
  const daysLeft = (p: { expiresInDays?: number; endDateTime?: string }) =>
    p.endDateTime ? (Date.parse(p.endDateTime) - Date.now()) / DAY : (p.expiresInDays ?? 730);
  return spn.filter((c) => {
    const app = apps.get((c.appId ?? '').toLowerCase());
    if (!app || (!disabledToo && app.servicePrincipal?.accountEnabled === false)) return false;
    if (c.authenticationType === 'spnCertificate' || (c.description ?? '').includes('[sc-rotator:'))
      return false;
    // Relative to the emulator's start; discovery runs later, so an end at the start (0 days) has passed.
    const left = (app.passwordCredentials ?? []).map(daysLeft);
    return left.some((d) => d > 0) && left.some((d) => d <= 0);
  });
}

/** See {@link OrgShape.disabledServicePrincipals}; the rotator is the app behind `rotator-wif`. */
function disabledVisibleTo(org: OrgDescription): number {
  const rotatorAppId = (org.serviceConnections ?? []).find((c) => c.name === 'rotator-wif')?.appId;
  const rotator = org.applications?.find((a) => a.appId === rotatorAppId);
  if (!rotator) return 0;
  const roles = rotator.graphPermissions ?? [];
  const broad = roles.includes('Application.Read.All') || roles.includes('Application.ReadWrite.All');
  return (org.applications ?? []).filter(
    (app) =>
      app.tenantId.toLowerCase() === rotator.tenantId.toLowerCase() &&
      app.servicePrincipal?.accountEnabled === false &&
      (broad ||
        (roles.includes('Application.ReadWrite.OwnedBy') &&
          (app.owners ?? []).some((o) => o.toLowerCase() === rotator.appId.toLowerCase()))),
  ).length;
}

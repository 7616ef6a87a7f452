/**
 * The organization of issue #11: every workload identity federation case of spec §7 at once, and
 * the findings discovery must report for each, written out here (not computed by the code under
 * test). Used by the integration test with the real clients and by the bundled-task test.
 *
 * The emulator derives each WIF connection's issuer and subject itself (the legacy `sc://` subject
 * from the current project and connection names, the Entra one from the ids), so a rename is a
 * rename on the server, as in Azure DevOps.
 */
import type { OrgDescription } from '../../emulator';
import { entraSubject } from '../../lib/federation/subjects';

const guid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const FED_ORG = 'fedorg';
export const FED_ORG_ID = guid('0f0f0f0f', 1);
export const FED_ALPHA_ID = guid('52000000', 1);
export const FED_BETA_ID = guid('52000000', 2);
export const FED_TENANT = guid('7f7f7f7f', 2);
export const FED_ROTATOR_APP = guid('12000000', 1);
export const FED_ROTATOR_SECRET = 'fed-rotator-secret-0123456789abcdefABCDEF';
export const FED_JOB_TOKEN = 'fed-job-access-token-0123456789abcdef';
/** 219 days before the issuer retirement (2027-07-01T00:00:00Z). */
export const FED_START = new Date('2026-11-23T03:00:00.000Z');
export const RETIREMENT = '2027-07-01T00:00:00.000Z';

const LEGACY = `https://vstoken.dev.azure.com/${FED_ORG_ID}`;
const ENTRA = `https://login.microsoftonline.com/${FED_TENANT}/v2.0`;
const AUDIENCE = 'api://AzureADTokenExchange';
const appId = (n: number) => guid('22000000', n);
const objectId = (n: number) => guid('32000000', n);
const spObjectId = (n: number) => guid('62000000', n);
export const fedConnectionId = (n: number) => guid('c2000000', n);
const sc = (project: string, name: string) => `sc://${FED_ORG}/${project}/${name}`;
const entra = (n: number) =>
  entraSubject({ tenantId: FED_TENANT, organizationId: FED_ORG_ID, connectionId: fedConnectionId(n) });

type App = NonNullable<OrgDescription['applications']>[number];
type Connection = NonNullable<OrgDescription['serviceConnections']>[number];
type Fic = NonNullable<App['federatedIdentityCredentials']>[number];

/** What the report must say of one connection. */
export interface FedExpectation {
  name: string;
  status: 'ok' | 'warning' | 'critical' | 'expired' | 'unknown';
  federation: string | null;
  code: string | null;
  daysLeft: number | null;
  /** Fragments of the problem message (expected and nearest triple). */
  message?: string[];
}

interface Case {
  connection: Connection;
  app?: App;
  expected: FedExpectation;
}

function app(n: number, fics: Fic[], extra: Partial<App> = {}): App {
  return {
    appId: appId(n),
    objectId: objectId(n),
    tenantId: FED_TENANT,
    displayName: `fed-app-${n}`,
    servicePrincipal: { objectId: spObjectId(n) },
    federatedIdentityCredentials: fics,
    ...extra,
  };
}

function wif(n: number, name: string, project: string, extra: Partial<Connection> = {}): Connection {
  return {
    id: fedConnectionId(n),
    name,
    projects: [project],
    scheme: 'WorkloadIdentityFederation',
    issuerType: 'AzureDevOps',
    tenantId: FED_TENANT,
    appId: appId(n),
    ...extra,
  } as Connection;
}

/** The dangling credentials expected, by name. */
export const DANGLING = {
  deleted: { name: 'deleted-conn', subject: sc('Alpha', 'deleted-conn') },
  renamed: { name: 'before-rename', subject: sc('Alpha', 'old-name') },
  entra: { name: 'gone-by-id', subject: entra(99) },
} as const;

/**
 * Federated credentials of connections that are not AzureRM, on an app behind an AzureRM one:
 * discovery lists AzureRM connections only, so it must ask before calling them dangling.
 */
export const NOT_DANGLING = {
  docker: { name: 'acr-push', subject: sc('Alpha', 'acr-push') },
  kubernetes: { name: 'aks-by-id', subject: entra(60) },
} as const;

/** Connections of other types that use workload identity federation through app 3. */
function otherTypes(): Connection[] {
  return [
    {
      id: fedConnectionId(61),
      name: NOT_DANGLING.docker.name,
      type: 'dockerregistry',
      url: 'https://fedacr.azurecr.io',
      projects: ['Alpha'],
      scheme: 'WorkloadIdentityFederation',
      authorizationParameters: { serviceprincipalid: appId(3), tenantid: FED_TENANT },
    } as Connection,
    {
      id: fedConnectionId(60),
      name: 'aks-prod',
      type: 'kubernetes',
      url: 'https://aks.example.test',
      projects: ['Beta'],
      scheme: 'WorkloadIdentityFederation',
      issuerType: 'EntraID',
      authorizationParameters: { serviceprincipalid: appId(3), tenantid: FED_TENANT },
    } as Connection,
  ];
}

/** The rotator's own connection (a client secret), for the bundled task's runs. */
export const FED_ROTATOR_CONNECTION = guid('c2000000', 100);

function cases(): Case[] {
  return [
    {
      connection: {
        id: FED_ROTATOR_CONNECTION,
        name: 'rotator-secret',
        projects: ['Alpha'],
        scheme: 'ServicePrincipal',
        tenantId: FED_TENANT,
        appId: FED_ROTATOR_APP,
        secret: { passwordKeyId: guid('12000000', 4) },
      } as Connection,
      expected: { name: 'rotator-secret', status: 'ok', federation: null, code: null, daysLeft: 365 },
    },
    {
      // A secret far from expiry: the retirement is the soonest expiry of the organization.
      connection: {
        id: fedConnectionId(1),
        name: 'secret-ok',
        projects: ['Alpha'],
        scheme: 'ServicePrincipal',
        tenantId: FED_TENANT,
        appId: appId(1),
        secret: { passwordKeyId: guid('42000000', 1) },
      } as Connection,
      app: app(1, [], {
        owners: [FED_ROTATOR_APP],
        passwordCredentials: [{ keyId: guid('42000000', 1), displayName: 'ci', expiresInDays: 400 }],
      }),
      expected: { name: 'secret-ok', status: 'ok', federation: null, code: null, daysLeft: 400 },
    },
    {
      connection: wif(2, 'entra-ok', 'Alpha', { issuerType: 'EntraID' }),
      app: app(2, [{ name: 'entra', issuer: ENTRA, subject: entra(2) }]),
      expected: { name: 'entra-ok', status: 'ok', federation: 'federated', code: null, daysLeft: null },
    },
    {
      connection: wif(3, 'legacy-one', 'Alpha'),
      app: app(3, [
        { name: 'legacy-one', issuer: LEGACY, subject: sc('Alpha', 'legacy-one') },
        // Dangling: names a connection that was deleted.
        { name: DANGLING.deleted.name, issuer: LEGACY, subject: DANGLING.deleted.subject },
        // Dangling: an Entra subject of a connection id that does not exist.
        { name: DANGLING.entra.name, issuer: ENTRA, subject: DANGLING.entra.subject },
        // Not dangling: a Docker registry connection (not AzureRM, so not listed) signs in with it.
        { name: NOT_DANGLING.docker.name, issuer: LEGACY, subject: NOT_DANGLING.docker.subject },
        // Not dangling: a Kubernetes connection's Entra subject, by its id.
        { name: NOT_DANGLING.kubernetes.name, issuer: ENTRA, subject: NOT_DANGLING.kubernetes.subject },
      ]),
      expected: { name: 'legacy-one', status: 'ok', federation: 'legacy_issuer', code: null, daysLeft: 219 },
    },
    {
      connection: wif(4, 'legacy-two', 'Beta'),
      app: app(4, [{ name: 'legacy-two', issuer: LEGACY, subject: sc('Beta', 'legacy-two') }]),
      expected: { name: 'legacy-two', status: 'ok', federation: 'legacy_issuer', code: null, daysLeft: 219 },
    },
    {
      connection: wif(5, 'legacy-multitenant', 'Alpha'),
      app: app(5, [{ name: 'mt', issuer: LEGACY, subject: sc('Alpha', 'legacy-multitenant') }], {
        signInAudience: 'AzureADMultipleOrgs',
      }),
      expected: {
        name: 'legacy-multitenant',
        status: 'ok',
        federation: 'legacy_out_of_scope',
        code: null,
        daysLeft: null,
      },
    },
    {
      connection: wif(6, 'legacy-gov', 'Alpha', { environment: 'AzureUSGovernment' }),
      app: app(6, [{ name: 'gov', issuer: LEGACY, subject: sc('Alpha', 'legacy-gov') }]),
      expected: {
        name: 'legacy-gov',
        status: 'ok',
        federation: 'legacy_out_of_scope',
        code: null,
        daysLeft: null,
      },
    },
    {
      // The project was renamed from "Gamma" to "Beta": the sc:// subject changed with it.
      connection: wif(7, 'renamed-project', 'Beta'),
      app: app(7, [
        { name: 'before-project-rename', issuer: LEGACY, subject: sc('Gamma', 'renamed-project') },
      ]),
      expected: {
        name: 'renamed-project',
        status: 'unknown',
        federation: 'broken',
        code: 'federation_mismatch',
        daysLeft: null,
        message: [
          `subject "${sc('Beta', 'renamed-project')}"`,
          `has subject "${sc('Gamma', 'renamed-project')}" (AADSTS700213)`,
        ],
      },
    },
    {
      // The connection was renamed from "old-name": its old credential is also dangling.
      connection: wif(8, 'renamed-conn', 'Alpha'),
      app: app(8, [{ name: DANGLING.renamed.name, issuer: LEGACY, subject: DANGLING.renamed.subject }]),
      expected: {
        name: 'renamed-conn',
        status: 'unknown',
        federation: 'broken',
        code: 'federation_mismatch',
        daysLeft: null,
        message: [`subject "${sc('Alpha', 'renamed-conn')}"`, `has subject "${sc('Alpha', 'old-name')}"`],
      },
    },
    {
      connection: wif(9, 'audience-bad', 'Alpha'),
      app: app(9, [
        { name: 'aud', issuer: LEGACY, subject: sc('Alpha', 'audience-bad'), audiences: [`${AUDIENCE}/`] },
      ]),
      expected: {
        name: 'audience-bad',
        status: 'unknown',
        federation: 'broken',
        code: 'federation_mismatch',
        daysLeft: null,
        message: [`audience "${AUDIENCE}"`, `has audience "${AUDIENCE}/" (AADSTS70021)`],
      },
    },
    {
      connection: wif(10, 'issuer-space', 'Alpha'),
      app: app(10, [{ name: 'space', issuer: `${LEGACY} `, subject: sc('Alpha', 'issuer-space') }]),
      expected: {
        name: 'issuer-space',
        status: 'unknown',
        federation: 'broken',
        code: 'federation_mismatch',
        daysLeft: null,
        message: [`has issuer "${LEGACY} " (AADSTS700211)`],
      },
    },
    {
      connection: wif(11, 'flexible-beside', 'Alpha', { issuerType: 'EntraID' }),
      app: app(11, [
        {
          name: 'github-branches',
          issuer: 'https://token.actions.githubusercontent.com',
          claimsMatchingExpression: "claims['sub'] matches 'repo:contoso/app:ref:refs/heads/*'",
        },
        { name: 'entra', issuer: ENTRA, subject: entra(11) },
      ]),
      expected: {
        name: 'flexible-beside',
        status: 'ok',
        federation: 'federated',
        code: null,
        daysLeft: null,
      },
    },
    {
      // Its credential was put on another app (fed-app-13): this app has none.
      connection: wif(12, 'fic-elsewhere', 'Alpha', { issuerType: 'EntraID' }),
      app: app(12, []),
      expected: {
        name: 'fic-elsewhere',
        status: 'unknown',
        federation: 'broken',
        code: 'federation_mismatch',
        daysLeft: null,
        message: ['has no federated credential', 'AADSTS70025'],
      },
    },
    {
      connection: wif(13, 'other-app-owner', 'Alpha', { issuerType: 'EntraID' }),
      app: app(13, [
        { name: 'mine', issuer: ENTRA, subject: entra(13) },
        { name: 'for-fic-elsewhere', issuer: ENTRA, subject: entra(12) },
      ]),
      expected: {
        name: 'other-app-owner',
        status: 'ok',
        federation: 'federated',
        code: null,
        daysLeft: null,
      },
    },
    {
      connection: wif(14, 'managed-identity-wif', 'Alpha', { issuerType: 'EntraID' }),
      app: app(14, [{ name: 'mi', issuer: ENTRA, subject: entra(14) }], { managedIdentity: true }),
      expected: {
        name: 'managed-identity-wif',
        status: 'ok',
        federation: 'managed_identity',
        code: null,
        daysLeft: null,
      },
    },
  ];
}

/** Findings by connection name, sorted by name. */
export function fedExpectations(): FedExpectation[] {
  return cases()
    .map((c) => c.expected)
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }));
}

/** Apps behind connections in scope (the rotator's own included): one lookup each, the managed identity's answered 404. */
export const FED_APP_COUNT = 15;
export const FED_LEGACY_COUNT = 2;
export const FED_FAILED_COUNT = 5;

export function federationOrg(): OrgDescription {
  const all = cases();
  return {
    organization: { name: FED_ORG, id: FED_ORG_ID },
    tenants: [{ id: FED_TENANT, displayName: 'Federation' }],
    applications: [
      {
        appId: FED_ROTATOR_APP,
        objectId: guid('12000000', 2),
        tenantId: FED_TENANT,
        displayName: 'sc-rotator',
        servicePrincipal: { objectId: guid('12000000', 3) },
        graphPermissions: ['Application.ReadWrite.All'],
        passwordCredentials: [
          { keyId: guid('12000000', 4), secretText: FED_ROTATOR_SECRET, expiresInDays: 365 },
        ],
      },
      ...all.flatMap((c) => (c.app ? [c.app] : [])),
    ],
    projects: [
      { id: FED_ALPHA_ID, name: 'Alpha' },
      { id: FED_BETA_ID, name: 'Beta' },
    ],
    identities: [
      {
        id: 'build',
        displayName: 'Project Collection Build Service (fedorg)',
        kind: 'build',
        accessToken: FED_JOB_TOKEN,
        defaultRole: 'Administrator',
      },
    ],
    serviceConnections: [...all.map((c) => c.connection), ...otherTypes()],
  };
}

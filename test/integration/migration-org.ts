/**
 * The organization the migration integration tests run against (a fresh emulator per test):
 *
 * - `manual` (Manual secret) on app MANUAL; `auto` (Automatic secret, Azure DevOps' data) on AUTO;
 *   `cert` (certificate) on CERT;
 * - `legacy` (WIF on the legacy Azure DevOps issuer, `sc://` subject) on LEGACY, whose app holds
 *   the legacy federated credential;
 * - `full` (Manual secret) on FULL, whose app already holds 20 federated credentials;
 * - `locked` (Manual secret) on LOCKED, where the job identity is only a User.
 *
 * The rotator app owns every target app (`Application.ReadWrite.OwnedBy`).
 */
import type { OrgDescription } from '../../emulator';

const guid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const MIGRATION_START = new Date('2026-11-23T03:00:00.000Z');
export const ORG = { name: 'migration', id: guid('0d0d0d0d', 1) };
export const TENANT = guid('7d7d7d7d', 9);
export const ROTATOR_APP = guid('13000000', 1);
export const ROTATOR_SECRET = 'migration-rotator-secret-0123456789abcdefAB';
export const JOB_TOKEN = 'migration-job-access-token-0123456789abcdef';
export const PROJECT = { id: guid('53000000', 1), name: 'Alpha' };
const app = (n: number) => ({ appId: guid('23000000', n), objectId: guid('33000000', n) });
export const APPS = {
  manual: app(1),
  auto: app(2),
  cert: app(3),
  legacy: app(4),
  full: app(5),
  locked: app(6),
};
export const CONNECTIONS = {
  manual: guid('c3000000', 1),
  auto: guid('c3000000', 2),
  cert: guid('c3000000', 3),
  legacy: guid('c3000000', 4),
  full: guid('c3000000', 5),
  locked: guid('c3000000', 6),
};
export const KEYS = {
  manual: guid('43000000', 1),
  auto: guid('43000000', 2),
  cert: guid('43000000', 3),
  /** A password this product minted for `manual` in an earlier rotation (not the one stored). */
  manualOurs: guid('43000000', 7),
};
export const LEGACY_ISSUER = `https://vstoken.dev.azure.com/${ORG.id}`;
export const ENTRA_ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;

function target(n: number, name: string, extra: Record<string, unknown> = {}) {
  return {
    ...app(n),
    tenantId: TENANT,
    displayName: name,
    servicePrincipal: { objectId: guid('63000000', n) },
    owners: [ROTATOR_APP],
    ...extra,
  };
}

const secretConnection = (key: keyof typeof CONNECTIONS, extra: Record<string, unknown> = {}) => ({
  id: CONNECTIONS[key],
  name: key,
  description: `Deploys ${key}.`,
  projects: ['Alpha'],
  scheme: 'ServicePrincipal',
  tenantId: TENANT,
  appId: APPS[key].appId,
  subscriptionId: guid('5c5c5c5c', Object.keys(CONNECTIONS).indexOf(key) + 1),
  ...extra,
});

export function migrationOrg(): OrgDescription {
  const password = (keyId: string) => [
    { keyId, displayName: 'created by hand', startDaysAgo: 100, expiresInDays: 20 },
  ];
  return {
    organization: ORG,
    tenants: [{ id: TENANT, displayName: 'Migration tenant' }],
    applications: [
      {
        appId: ROTATOR_APP,
        objectId: guid('13000000', 2),
        tenantId: TENANT,
        displayName: 'sc-rotator',
        servicePrincipal: { objectId: guid('13000000', 3) },
        graphPermissions: ['Application.ReadWrite.OwnedBy'],
        passwordCredentials: [{ keyId: guid('13000000', 4), secretText: ROTATOR_SECRET, expiresInDays: 365 }],
      },
      target(1, 'manual', {
        passwordCredentials: [
          ...password(KEYS.manual),
          {
            keyId: KEYS.manualOurs,
            displayName: `sc-rotator ${CONNECTIONS.manual} 2026-10-01T03:00:00.000Z`,
            startDaysAgo: 53,
            expiresInDays: 127,
          },
        ],
      }),
      target(2, 'auto', { passwordCredentials: password(KEYS.auto) }),
      target(3, 'cert', { keyCredentials: [{ keyId: KEYS.cert, startDaysAgo: 10, expiresInDays: 300 }] }),
      target(4, 'legacy', {
        federatedIdentityCredentials: [
          { name: 'legacy-alpha', issuer: LEGACY_ISSUER, subject: `sc://${ORG.name}/Alpha/legacy` },
        ],
      }),
      target(5, 'full', {
        passwordCredentials: password(guid('43000000', 5)),
        federatedIdentityCredentials: Array.from({ length: 20 }, (_, i) => ({
          name: `github-${i}`,
          issuer: 'https://token.actions.githubusercontent.com',
          subject: `repo:contoso/app-${i}:ref:refs/heads/main`,
        })),
      }),
      target(6, 'locked', { passwordCredentials: password(guid('43000000', 6)) }),
    ],
    projects: [{ id: PROJECT.id, name: PROJECT.name }],
    identities: [
      {
        id: 'build',
        displayName: 'Project Collection Build Service (migration)',
        kind: 'build',
        accessToken: JOB_TOKEN,
        defaultRole: 'Administrator',
      },
    ],
    serviceConnections: [
      secretConnection('manual', { secret: { passwordKeyId: KEYS.manual } }),
      secretConnection('auto', {
        creationMode: 'Automatic',
        secret: { passwordKeyId: KEYS.auto },
        spnObjectId: guid('63000000', 2),
        appObjectId: APPS.auto.objectId,
        azureSpnRoleAssignmentId: guid('5d5d5d5d', 2),
      }),
      secretConnection('cert', {
        authenticationType: 'spnCertificate',
        secret: { certificateKeyId: KEYS.cert },
      }),
      {
        id: CONNECTIONS.legacy,
        name: 'legacy',
        projects: ['Alpha'],
        scheme: 'WorkloadIdentityFederation',
        tenantId: TENANT,
        appId: APPS.legacy.appId,
        subscriptionId: guid('5c5c5c5c', 4),
      },
      secretConnection('full', { secret: { passwordKeyId: guid('43000000', 5) } }),
      secretConnection('locked', {
        secret: { passwordKeyId: guid('43000000', 6) },
        roles: { build: 'User' },
      }),
    ],
  };
}

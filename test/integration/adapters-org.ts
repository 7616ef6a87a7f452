/**
 * The organization the adapter integration tests run against: 103 projects (two pages of 100),
 * a rotator app that owns 45 target apps (three `$batch` requests of 20), a few AzureRM
 * connections (one shared into a second project, one federated), a job identity and a user with
 * a PAT who is only "User" on connections.
 */
import type { OrgDescription } from '../../emulator';

const guid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const ORG_NAME = 'adapters';
export const ORG_ID = guid('0a0a0a0a', 1);
export const TENANT = guid('7e7e7e7e', 1);
export const ROTATOR_APP = guid('10000000', 1);
export const ROTATOR_OBJECT = guid('10000000', 2);
export const ROTATOR_SECRET = 'rotator-secret-value-0123456789abcdefABCD';
export const ROTATOR_CERT_KEY = guid('10000000', 3);
export const JOB_TOKEN = 'job-access-token-for-adapters-0123456789';
export const USER_PAT = 'user-pat-for-adapters-0123456789abcdefghijklm';
export const PROJECT_COUNT = 103;
export const TARGET_COUNT = 45;

export const targetAppId = (n: number) => guid('20000000', n);
export const targetObjectId = (n: number) => guid('30000000', n);
export const targetKeyId = (n: number) => guid('40000000', n);
export const projectId = (n: number) => guid('50000000', n);
export const projectName = (n: number) => `Project ${String(n).padStart(3, '0')}`;

export const EXPIRED_APP = targetAppId(TARGET_COUNT);
/** The one target whose service principal is disabled (no connection uses it). */
export const DISABLED_SP_APP = targetAppId(TARGET_COUNT - 1);
export const EXPIRED_SECRET = 'expired-secret-value-0123456789abcdefABCD';

export const CONNECTIONS = {
  prod: guid('c0000000', 1),
  dev: guid('c0000000', 2),
  rotatorWif: guid('c0000000', 3),
  generic: guid('c0000000', 4),
};

export function adaptersOrg(): OrgDescription {
  return {
    organization: { name: ORG_NAME, id: ORG_ID },
    tenants: [{ id: TENANT, displayName: 'Adapters tenant' }],
    applications: [
      {
        appId: ROTATOR_APP,
        objectId: ROTATOR_OBJECT,
        tenantId: TENANT,
        displayName: 'sc-rotator',
        servicePrincipal: { objectId: guid('10000000', 4) },
        graphPermissions: ['Application.ReadWrite.OwnedBy'],
        passwordCredentials: [{ keyId: guid('10000000', 5), secretText: ROTATOR_SECRET, expiresInDays: 365 }],
        keyCredentials: [{ keyId: ROTATOR_CERT_KEY, displayName: 'rotator certificate', expiresInDays: 365 }],
        federatedIdentityCredentials: [
          {
            name: 'rotator-wif',
            issuer: `https://vstoken.dev.azure.com/${ORG_ID}`,
            subject: `sc://${ORG_NAME}/${projectName(0)}/rotator-wif`,
          },
        ],
      },
      ...Array.from({ length: TARGET_COUNT }, (_, i) => {
        const n = i + 1;
        const expired = n === TARGET_COUNT;
        return {
          appId: targetAppId(n),
          objectId: targetObjectId(n),
          tenantId: TENANT,
          displayName: `target-${n}`,
          servicePrincipal: { objectId: guid('60000000', n), accountEnabled: n !== TARGET_COUNT - 1 },
          owners: [ROTATOR_APP],
          passwordCredentials: [
            {
              keyId: targetKeyId(n),
              displayName: `secret ${n}`,
              expiresInDays: expired ? -1 : 30 + n,
              ...(expired ? { startDaysAgo: 100, secretText: EXPIRED_SECRET } : {}),
            },
          ],
        };
      }),
    ],
    projects: Array.from({ length: PROJECT_COUNT }, (_, n) => ({ id: projectId(n), name: projectName(n) })),
    identities: [
      {
        id: 'build',
        displayName: 'Project Collection Build Service (adapters)',
        kind: 'build',
        accessToken: JOB_TOKEN,
        defaultRole: 'Administrator',
      },
      { id: 'user', displayName: 'Some User', kind: 'user', pat: USER_PAT, defaultRole: 'User' },
      {
        id: 'rotator',
        displayName: 'sc-rotator',
        kind: 'servicePrincipal',
        appId: ROTATOR_APP,
        defaultRole: 'Administrator',
      },
    ],
    serviceConnections: [
      {
        id: CONNECTIONS.prod,
        name: 'prod',
        description: 'Deploys production.',
        projects: [projectName(0), { name: projectName(1), connectionName: 'prod-shared' }],
        scheme: 'ServicePrincipal',
        creationMode: 'Manual',
        tenantId: TENANT,
        appId: targetAppId(1),
        authenticationType: 'spnKey',
        secret: { passwordKeyId: targetKeyId(1) },
        subscriptionId: guid('5b5b5b5b', 1),
        subscriptionName: 'Production',
      },
      {
        id: CONNECTIONS.dev,
        name: 'dev',
        projects: [projectName(0)],
        scheme: 'ServicePrincipal',
        creationMode: 'Manual',
        tenantId: TENANT,
        appId: targetAppId(2),
        authenticationType: 'spnKey',
        secret: { passwordKeyId: targetKeyId(2) },
        subscriptionId: guid('5b5b5b5b', 2),
      },
      {
        id: CONNECTIONS.rotatorWif,
        name: 'rotator-wif',
        projects: [projectName(0)],
        scheme: 'WorkloadIdentityFederation',
        tenantId: TENANT,
        appId: ROTATOR_APP,
        subscriptionId: guid('5b5b5b5b', 3),
      },
      {
        id: CONNECTIONS.generic,
        name: 'some-generic',
        type: 'Generic',
        url: 'https://example.test/',
        projects: [projectName(0)],
        scheme: 'UsernamePassword',
        authorizationParameters: { username: 'u', password: 'p' },
      },
    ],
  };
}

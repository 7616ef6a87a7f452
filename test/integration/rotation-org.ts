/**
 * The organization the rotation integration tests run against (a fresh emulator per test):
 *
 * - `web` (Manual): app WEB with a hand-made secret in use (5 days left) and a foreign one
 *   (another consumer, 400 days). No record: attribution is `unknown`, the soonest counts.
 * - `prod` (Manual, rotated by us before): app PROD with our password R0 (recorded and stored,
 *   10 days left), our older password R_OLD superseded 170 days ago, and a foreign one.
 * - `shared-x`, `shared-y` (Manual): two connections on the same app SHARED, each storing its own
 *   hand-made secret (5 and 6 days left).
 * - `auto` (Automatic): app AUTO, 5 days left, the data Azure DevOps puts on Automatic connections.
 *
 * The rotator app owns every target app with `Application.ReadWrite.OwnedBy`; the job identity is
 * Administrator of every connection.
 */
import type { OrgDescription } from '../../emulator';

const guid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;
const DAY = 86_400_000;

/** Emulator start; the emulator clock runs on from here in real time (and jumps when tests say). */
export const ROTATION_START = new Date('2026-11-23T03:00:00.000Z');
const iso = (days: number) => new Date(ROTATION_START.getTime() + days * DAY).toISOString();

export const ROTATION_ORG = 'rotation';
export const TENANT = guid('7e7e7e7e', 9);
export const ROTATOR_APP = guid('12000000', 1);
export const ROTATOR_SECRET = 'rotation-rotator-secret-0123456789abcdefAB';
export const JOB_TOKEN = 'rotation-job-access-token-0123456789abcdef';
export const PROJECTS = { alpha: guid('52000000', 1), beta: guid('52000000', 2) };

/** One target app. */
export interface TargetApp {
  appId: string;
  objectId: string;
}
const app = (n: number): TargetApp => ({ appId: guid('22000000', n), objectId: guid('32000000', n) });
export const APPS = { web: app(1), prod: app(2), shared: app(3), auto: app(4) };

export const CONNECTIONS = {
  web: guid('c2000000', 1),
  prod: guid('c2000000', 2),
  sharedX: guid('c2000000', 3),
  sharedY: guid('c2000000', 4),
  auto: guid('c2000000', 5),
};

export const KEYS = {
  webHand: guid('42000000', 1),
  webForeign: guid('42000000', 2),
  prodOld: guid('42000000', 3),
  prodR0: guid('42000000', 4),
  prodForeign: guid('42000000', 5),
  sharedX: guid('42000000', 6),
  sharedY: guid('42000000', 7),
  auto: guid('42000000', 8),
};

/** When R0 was installed on `prod` (its record); it was minted 40 s before, as a real run does. */
export const PROD_R0_INSTALLED = iso(-170);
const PROD_R0_MINTED = new Date(Date.parse(PROD_R0_INSTALLED) - 40_000).toISOString();
export const PROD_DESCRIPTION = 'Deploys production.';
export const WEB_DESCRIPTION = 'Deploys the web shop.';
export const AUTO_DATA = {
  spnObjectId: guid('62000000', 4),
  appObjectId: APPS.auto.objectId,
  azureSpnRoleAssignmentId: guid('5a5a5a5a', 4),
  azureSpnPermissions: JSON.stringify([
    {
      roleAssignmentId: guid('5a5a5a5a', 4),
      resourceProvider: 'Microsoft.RoleAssignment',
      provisioned: true,
    },
  ]),
  subscriptionId: guid('5b5b5b5b', 4),
  subscriptionName: 'Automatic subscription',
};

const marker = (connectionId: string, mintedAt: string) => `sc-rotator ${connectionId} ${mintedAt}`;

function target(
  n: number,
  name: string,
  passwords: Array<{ keyId: string; displayName: string; startDaysAgo: number; expiresInDays: number }>,
) {
  const { appId, objectId } = app(n);
  return {
    appId,
    objectId,
    tenantId: TENANT,
    displayName: name,
    servicePrincipal: { objectId: guid('62000000', n) },
    owners: [ROTATOR_APP],
    passwordCredentials: passwords,
  };
}

export function rotationOrg(): OrgDescription {
  return {
    organization: { name: ROTATION_ORG, id: guid('0c0c0c0c', 1) },
    tenants: [{ id: TENANT, displayName: 'Rotation tenant' }],
    applications: [
      {
        appId: ROTATOR_APP,
        objectId: guid('12000000', 2),
        tenantId: TENANT,
        displayName: 'sc-rotator',
        servicePrincipal: { objectId: guid('12000000', 3) },
        graphPermissions: ['Application.ReadWrite.OwnedBy'],
        passwordCredentials: [{ keyId: guid('12000000', 4), secretText: ROTATOR_SECRET, expiresInDays: 365 }],
      },
      target(1, 'web', [
        { keyId: KEYS.webHand, displayName: 'created by hand', startDaysAgo: 360, expiresInDays: 5 },
        { keyId: KEYS.webForeign, displayName: 'nightly job', startDaysAgo: 30, expiresInDays: 400 },
      ]),
      target(2, 'prod', [
        {
          keyId: KEYS.prodOld,
          displayName: marker(CONNECTIONS.prod, iso(-350)),
          startDaysAgo: 350,
          expiresInDays: 15,
        },
        {
          keyId: KEYS.prodR0,
          displayName: marker(CONNECTIONS.prod, PROD_R0_MINTED),
          startDaysAgo: 170,
          expiresInDays: 10,
        },
        { keyId: KEYS.prodForeign, displayName: 'monitoring agent', startDaysAgo: 30, expiresInDays: 400 },
      ]),
      target(3, 'shared', [
        { keyId: KEYS.sharedX, displayName: 'for x', startDaysAgo: 300, expiresInDays: 5 },
        { keyId: KEYS.sharedY, displayName: 'for y', startDaysAgo: 300, expiresInDays: 6 },
      ]),
      target(4, 'auto', [
        { keyId: KEYS.auto, displayName: 'Azure DevOps generated', startDaysAgo: 85, expiresInDays: 5 },
      ]),
    ],
    projects: [
      { id: PROJECTS.alpha, name: 'Alpha' },
      { id: PROJECTS.beta, name: 'Beta' },
    ],
    identities: [
      {
        id: 'build',
        displayName: 'Project Collection Build Service (rotation)',
        kind: 'build',
        accessToken: JOB_TOKEN,
        defaultRole: 'Administrator',
      },
    ],
    serviceConnections: [
      {
        id: CONNECTIONS.web,
        name: 'web',
        description: WEB_DESCRIPTION,
        projects: ['Alpha'],
        scheme: 'ServicePrincipal',
        tenantId: TENANT,
        appId: APPS.web.appId,
        secret: { passwordKeyId: KEYS.webHand },
        subscriptionId: guid('5b5b5b5b', 1),
      },
      {
        id: CONNECTIONS.prod,
        name: 'prod',
        description: `${PROD_DESCRIPTION}\n[sc-rotator: keyId=${KEYS.prodR0}; installed=${PROD_R0_INSTALLED}]`,
        projects: ['Alpha', { name: 'Beta', connectionName: 'prod-in-beta' }],
        scheme: 'ServicePrincipal',
        tenantId: TENANT,
        appId: APPS.prod.appId,
        secret: { passwordKeyId: KEYS.prodR0 },
        subscriptionId: guid('5b5b5b5b', 2),
      },
      {
        id: CONNECTIONS.sharedX,
        name: 'shared-x',
        projects: ['Alpha'],
        scheme: 'ServicePrincipal',
        tenantId: TENANT,
        appId: APPS.shared.appId,
        secret: { passwordKeyId: KEYS.sharedX },
      },
      {
        id: CONNECTIONS.sharedY,
        name: 'shared-y',
        projects: ['Beta'],
        scheme: 'ServicePrincipal',
        tenantId: TENANT,
        appId: APPS.shared.appId,
        secret: { passwordKeyId: KEYS.sharedY },
      },
      {
        id: CONNECTIONS.auto,
        name: 'auto',
        description: 'Created by Azure DevOps.',
        projects: ['Beta'],
        scheme: 'ServicePrincipal',
        creationMode: 'Automatic',
        tenantId: TENANT,
        appId: APPS.auto.appId,
        secret: { passwordKeyId: KEYS.auto },
        spnObjectId: AUTO_DATA.spnObjectId,
        appObjectId: AUTO_DATA.appObjectId,
        azureSpnRoleAssignmentId: AUTO_DATA.azureSpnRoleAssignmentId,
        azureSpnPermissions: AUTO_DATA.azureSpnPermissions,
        subscriptionId: AUTO_DATA.subscriptionId,
        subscriptionName: AUTO_DATA.subscriptionName,
      },
    ],
  };
}

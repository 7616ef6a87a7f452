/**
 * The organization of the crash matrix: one project, a workload-identity rotator, and two
 * connections due for rotation, with bystanders on the same apps.
 *
 * - `manual-deploy` (Manual) stores our password P2 (10 days left), which its record names;
 *   P0 and P1 are ours for it too, superseded long ago and still there (a retire that failed
 *   earlier), so the rotation retires two passwords one after the other.
 * - `shared-consumer` uses the same app with a password we did not mint (S0), never rotated.
 * - `other-recorded` uses the same app with its own recorded password Q, not due.
 * - `auto-deploy` (Automatic, created by Azure DevOps) has only Azure DevOps' password (10 days
 *   left); `automaticConnections: takeOver` makes the switch take it over.
 */
import type { OrgDescription } from '../../../emulator';
import { MS_PER_DAY } from '../../../lib/clock';
import { formatMarker } from '../../../lib/rotation/marker';

export const TENANT = '7e1d0b0a-1111-4c1e-9a00-00000000c0de';
const ORG_ID = '7e1d0b0a-2222-4c1e-9a00-00000000c0de';
const PROJECT = { id: '7e1d0b0a-3333-4c1e-9a00-00000000c0de', name: 'Platform' };
const ROTATOR = {
  appId: '7e1d0b0a-4444-4c1e-9a00-0000000000a1',
  objectId: '7e1d0b0a-4444-4c1e-9a00-0000000000b1',
};

export const DEPLOY_APP = {
  appId: '7e1d0b0a-5555-4c1e-9a00-0000000000a2',
  objectId: '7e1d0b0a-5555-4c1e-9a00-0000000000b2',
};
export const AUTO_APP = {
  appId: '7e1d0b0a-6666-4c1e-9a00-0000000000a3',
  objectId: '7e1d0b0a-6666-4c1e-9a00-0000000000b3',
};

export const CONNECTIONS = {
  manual: { id: '7e1d0b0a-7777-4c1e-9a00-000000000001', name: 'manual-deploy' },
  auto: { id: '7e1d0b0a-7777-4c1e-9a00-000000000002', name: 'auto-deploy' },
  shared: { id: '7e1d0b0a-7777-4c1e-9a00-000000000003', name: 'shared-consumer' },
  other: { id: '7e1d0b0a-7777-4c1e-9a00-000000000004', name: 'other-recorded' },
  rotator: { id: '7e1d0b0a-7777-4c1e-9a00-000000000005', name: 'rotator-wif' },
} as const;

export const KEYS = {
  p0: '7e1d0b0a-8888-4c1e-9a00-000000000000',
  p1: '7e1d0b0a-8888-4c1e-9a00-000000000001',
  p2: '7e1d0b0a-8888-4c1e-9a00-000000000002',
  q: '7e1d0b0a-8888-4c1e-9a00-00000000000a',
  s0: '7e1d0b0a-8888-4c1e-9a00-0000000000f0',
  auto: '7e1d0b0a-8888-4c1e-9a00-0000000000ad',
} as const;

/** The organization, with dates relative to `nowMs` (the emulator's start). */
export function crashOrg(nowMs: number): OrgDescription {
  const daysAgo = (d: number) => nowMs - d * MS_PER_DAY;
  const iso = (ms: number) => new Date(ms).toISOString();
  const issuer = `https://vstoken.dev.azure.com/${ORG_ID}`;
  const manualId = CONNECTIONS.manual.id;
  const record = (keyId: string, installedMs: number) =>
    `[sc-rotator: keyId=${keyId}; installed=${iso(installedMs)}]`;
  const base = {
    projects: [PROJECT.name],
    scheme: 'ServicePrincipal',
    tenantId: TENANT,
    authenticationType: 'spnKey' as const,
    subscriptionId: '7e1d0b0a-9999-4c1e-9a00-000000000001',
    subscriptionName: 'Platform production',
  };
  return {
    organization: { name: 'crashorg', id: ORG_ID },
    tenants: [{ id: TENANT, displayName: 'Crash tenant' }],
    projects: [PROJECT],
    applications: [
      {
        ...ROTATOR,
        tenantId: TENANT,
        displayName: 'sc-rotator',
        servicePrincipal: { objectId: '7e1d0b0a-4444-4c1e-9a00-0000000000c1' },
        graphPermissions: ['Application.ReadWrite.OwnedBy'],
        federatedIdentityCredentials: [
          { name: 'rotator-wif', issuer, subject: `sc://crashorg/${PROJECT.name}/rotator-wif` },
        ],
      },
      {
        ...DEPLOY_APP,
        tenantId: TENANT,
        displayName: 'deploy',
        servicePrincipal: { objectId: '7e1d0b0a-5555-4c1e-9a00-0000000000c2' },
        owners: [ROTATOR.appId],
        passwordCredentials: [
          { keyId: KEYS.s0, displayName: 'initial secret', startDaysAgo: 400, expiresInDays: 300 },
          {
            keyId: KEYS.p0,
            displayName: formatMarker(manualId, daysAgo(350)),
            startDaysAgo: 350,
            expiresInDays: 20,
          },
          {
            keyId: KEYS.p1,
            displayName: formatMarker(manualId, daysAgo(250)),
            startDaysAgo: 250,
            expiresInDays: 40,
          },
          {
            keyId: KEYS.p2,
            displayName: formatMarker(manualId, daysAgo(170)),
            startDaysAgo: 170,
            expiresInDays: 10,
          },
          {
            keyId: KEYS.q,
            displayName: formatMarker(CONNECTIONS.other.id, daysAgo(20)),
            startDaysAgo: 20,
            expiresInDays: 160,
          },
        ],
      },
      {
        ...AUTO_APP,
        tenantId: TENANT,
        displayName: 'crashorg-Platform-auto',
        servicePrincipal: { objectId: '7e1d0b0a-6666-4c1e-9a00-0000000000c3' },
        owners: [ROTATOR.appId],
        passwordCredentials: [
          {
            keyId: KEYS.auto,
            displayName: 'Azure DevOps auto-generated',
            startDaysAgo: 80,
            expiresInDays: 10,
          },
        ],
      },
    ],
    identities: [
      {
        id: 'crashorg-build',
        displayName: 'crashorg Build Service',
        kind: 'build',
        accessToken: 'crash-job-token-2b4f0e81c7d94a6f9e3d5c1b7a8f6e4d',
        defaultRole: 'Administrator',
      },
    ],
    serviceConnections: [
      {
        ...base,
        ...CONNECTIONS.manual,
        creationMode: 'Manual',
        appId: DEPLOY_APP.appId,
        secret: { passwordKeyId: KEYS.p2 },
        // Installed a few minutes after it was minted, as a run does.
        description: `Deploys production.\n${record(KEYS.p2, daysAgo(170) + 180_000)}`,
      },
      {
        ...base,
        ...CONNECTIONS.shared,
        creationMode: 'Manual',
        appId: DEPLOY_APP.appId,
        secret: { passwordKeyId: KEYS.s0 },
      },
      {
        ...base,
        ...CONNECTIONS.other,
        creationMode: 'Manual',
        appId: DEPLOY_APP.appId,
        secret: { passwordKeyId: KEYS.q },
        description: record(KEYS.q, daysAgo(20) + 180_000),
      },
      {
        ...base,
        ...CONNECTIONS.auto,
        creationMode: 'Automatic',
        appId: AUTO_APP.appId,
        secret: { passwordKeyId: KEYS.auto },
      },
      {
        ...CONNECTIONS.rotator,
        projects: [PROJECT.name],
        scheme: 'WorkloadIdentityFederation',
        creationMode: 'Manual',
        tenantId: TENANT,
        appId: ROTATOR.appId,
        subscriptionId: base.subscriptionId,
        subscriptionName: 'Platform management',
        description: "The rotator's identity",
      },
    ],
  };
}

/** Superseded installs from before the emulator started (for the witness). */
export function seededHistory(nowMs: number): Record<string, Array<{ keyId: string; supersededMs: number }>> {
  return {
    [CONNECTIONS.manual.id]: [
      { keyId: KEYS.p0, supersededMs: nowMs - 250 * MS_PER_DAY },
      { keyId: KEYS.p1, supersededMs: nowMs - 170 * MS_PER_DAY + 180_000 },
    ],
  };
}

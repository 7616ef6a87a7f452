/**
 * The organization the discovery integration tests run against: 105 projects (two pages of 100)
 * and one AzureRM connection of every kind discovery must tell apart (Manual with one or two
 * candidate secrets, recorded, Automatic, workload identity federation, managed identity,
 * certificate, shared into three projects, deleted app, disabled service principal, other tenant,
 * failed, no password, recorded password gone, one in the last project only), 25 plain Manual
 * ones spread over the projects, and a Generic connection that must not appear.
 *
 * Each connection is described once here, with the report discovery must produce for it, so the
 * test compares whole reports with no value computed by the code under test.
 */
import type { OrgDescription } from '../../emulator';
import type { ConnectionReport } from '../../lib/inventory/types';

const guid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;
const DAY = 86_400_000;

export const MIXED_ORG = 'mixed';
export const MIXED_ORG_ID = guid('0b0b0b0b', 1);
export const MIXED_TENANT = guid('7e7e7e7e', 2);
export const OTHER_TENANT = guid('7e7e7e7e', 3);
export const MIXED_ROTATOR_APP = guid('11000000', 1);
export const MIXED_ROTATOR_SECRET = 'mixed-rotator-secret-0123456789abcdefABCD';
export const MIXED_JOB_TOKEN = 'mixed-job-access-token-0123456789abcdef';
/** Emulator start and the library's "now" in the discovery tests: expiry days come out whole. */
export const MIXED_START = new Date('2026-11-23T03:00:00.000Z');

export const MIXED_PROJECT_COUNT = 105;
export const FILLER_COUNT = 25;
export const mixedProjectId = (n: number) => guid('51000000', n);
export const mixedProjectName = (n: number) => `proj-${String(n).padStart(3, '0')}`;

const appId = (n: number) => guid('21000000', n);
const objectId = (n: number) => guid('31000000', n);
const keyId = (n: number) => guid('41000000', n);
const connectionId = (n: number) => guid('c1000000', n);
const spObjectId = (n: number) => guid('61000000', n);

const iso = (days: number) => new Date(MIXED_START.getTime() + days * DAY).toISOString();

/** A connection's description in the org and the report expected for it. */
interface Case {
  connection: NonNullable<OrgDescription['serviceConnections']>[number];
  /** The app behind it, if it exists in the emulator. */
  app?: NonNullable<OrgDescription['applications']>[number];
  /** null: out of scope, must not appear in the inventory. */
  expected: Omit<ConnectionReport, 'problem'> & { problemCode: string | null; actionRequired?: boolean };
}

const RECORDED_INSTALLED = iso(-80);
const MARKER = (id: string, days: number) => `sc-rotator ${id} ${iso(days)}`;
const ref = (n: number, connectionName: string) => ({
  projectId: mixedProjectId(n),
  projectName: mixedProjectName(n),
  connectionName,
});

function secretApp(
  n: number,
  passwords: Array<{ key: number; days: number; name?: string }>,
  extra: { accountEnabled?: boolean } = {},
): NonNullable<Case['app']> {
  return {
    appId: appId(n),
    objectId: objectId(n),
    tenantId: MIXED_TENANT,
    displayName: `app-${n}`,
    servicePrincipal: { objectId: spObjectId(n), accountEnabled: extra.accountEnabled ?? true },
    owners: [MIXED_ROTATOR_APP],
    passwordCredentials: passwords.map((p) => ({
      keyId: keyId(p.key),
      displayName: p.name ?? `secret ${p.key}`,
      startDaysAgo: p.days < 0 ? 200 : 10,
      expiresInDays: p.days,
    })),
  };
}

/** Fields every ServicePrincipal (spnKey) Manual connection report shares. */
function base(n: number, name: string, projects: ConnectionReport['projects']) {
  return {
    id: connectionId(n),
    name,
    projects,
    scheme: 'ServicePrincipal',
    authenticationType: 'spnKey' as const,
    creationMode: 'Manual' as const,
    tenantId: MIXED_TENANT,
    appId: appId(n),
    isReady: true,
    isDisabled: false,
    app: { objectId: objectId(n), displayName: `app-${n}` },
    secretless: false,
    record: null,
  };
}

function secretCredential(
  key: number,
  days: number,
  attribution: 'recorded' | 'inferred' | 'unknown',
  candidates: number,
  displayName = `secret ${key}`,
) {
  return {
    kind: 'secret' as const,
    keyId: keyId(key),
    displayName,
    endDateTime: iso(days),
    attribution,
    candidates,
  };
}

function spn(n: number, name: string, project: number, extra: Partial<Case['connection']> = {}) {
  return {
    id: connectionId(n),
    name,
    projects: [mixedProjectName(project)],
    scheme: 'ServicePrincipal',
    tenantId: MIXED_TENANT,
    appId: appId(n),
    ...extra,
  } as Case['connection'];
}

function cases(): Case[] {
  const list: Case[] = [];
  // 1. Manual, one unexpired password: inferred, ok.
  list.push({
    connection: spn(1, 'manual-single', 0, { secret: { passwordKeyId: keyId(1) } }),
    app: secretApp(1, [{ key: 1, days: 200 }]),
    expected: {
      ...base(1, 'manual-single', [ref(0, 'manual-single')]),
      credential: secretCredential(1, 200, 'inferred', 1),
      status: 'ok',
      daysLeft: 200,
      expiresAt: iso(200),
      problemCode: null,
    },
  });
  // 2. Manual, two unexpired passwords: unknown, the soonest (20 days) counts: warning.
  list.push({
    connection: spn(2, 'manual-two-candidates', 1, { secret: { passwordKeyId: keyId(22) } }),
    app: secretApp(2, [
      { key: 21, days: 20 },
      { key: 22, days: 300 },
    ]),
    expected: {
      ...base(2, 'manual-two-candidates', [ref(1, 'manual-two-candidates')]),
      credential: secretCredential(21, 20, 'unknown', 2),
      status: 'warning',
      daysLeft: 20,
      expiresAt: iso(20),
      problemCode: null,
    },
  });
  // 3. Recorded: our password named by the record counts, not the sooner foreign one.
  list.push({
    connection: spn(3, 'manual-recorded', 2, {
      secret: { passwordKeyId: keyId(31) },
      description: `Deploys the shop.\n[sc-rotator: keyId=${keyId(31)}; installed=${RECORDED_INSTALLED}]`,
    }),
    app: secretApp(3, [
      { key: 31, days: 100, name: MARKER(connectionId(3), -80) },
      { key: 32, days: 10 },
    ]),
    expected: {
      ...base(3, 'manual-recorded', [ref(2, 'manual-recorded')]),
      record: { keyId: keyId(31), installedAt: RECORDED_INSTALLED },
      credential: secretCredential(31, 100, 'recorded', 1, MARKER(connectionId(3), -80)),
      status: 'ok',
      daysLeft: 100,
      expiresAt: iso(100),
      problemCode: null,
    },
  });
  // 4. Automatic, 5 days left: critical (reported; planning decides what to do with it).
  list.push({
    connection: spn(4, 'automatic', 3, { creationMode: 'Automatic', secret: { passwordKeyId: keyId(4) } }),
    app: secretApp(4, [{ key: 4, days: 5 }]),
    expected: {
      ...base(4, 'automatic', [ref(3, 'automatic')]),
      creationMode: 'Automatic',
      credential: secretCredential(4, 5, 'inferred', 1),
      status: 'critical',
      daysLeft: 5,
      expiresAt: iso(5),
      problemCode: null,
    },
  });
  // 5. Workload identity federation on the Azure DevOps issuer, its app trusting it: secretless,
  // its app read for its federated credentials (spec §7), the 2027-07-01 retirement as its expiry
  // (219 days from the start: ok under 30/7).
  const legacyIssuer = `https://vstoken.dev.azure.com/${MIXED_ORG_ID}`;
  const wifSubject = `sc://${MIXED_ORG}/${mixedProjectName(4)}/wif`;
  list.push({
    connection: { ...spn(5, 'wif', 4), scheme: 'WorkloadIdentityFederation' },
    app: {
      ...secretApp(5, []),
      federatedIdentityCredentials: [{ name: 'wif', issuer: legacyIssuer, subject: wifSubject }],
    },
    expected: {
      ...base(5, 'wif', [ref(4, 'wif')]),
      scheme: 'WorkloadIdentityFederation',
      authenticationType: null,
      secretless: true,
      federation: {
        kind: 'legacy_issuer',
        issuer: legacyIssuer,
        subject: wifSubject,
        note: 'On the Azure DevOps issuer, retired on 2027-07-01 for single-tenant apps in the public cloud.',
      },
      credential: null,
      status: 'ok',
      daysLeft: 219,
      expiresAt: '2027-07-01T00:00:00.000Z',
      problemCode: null,
    },
  });
  // 6. Managed identity: secretless, no app id at all.
  list.push({
    connection: {
      id: connectionId(6),
      name: 'managed-identity',
      projects: [mixedProjectName(5)],
      scheme: 'ManagedServiceIdentity',
      tenantId: MIXED_TENANT,
    },
    expected: {
      ...base(6, 'managed-identity', [ref(5, 'managed-identity')]),
      scheme: 'ManagedServiceIdentity',
      authenticationType: null,
      appId: null,
      app: null,
      secretless: true,
      federation: {
        kind: 'managed_identity',
        issuer: null,
        subject: null,
        note: 'Managed identity: its federated credentials live in Azure Resource Manager, so federation was not checked.',
      },
      credential: null,
      status: 'ok',
      daysLeft: null,
      expiresAt: null,
      problemCode: null,
    },
  });
  // 7. Certificate: the certificate's expiry from keyCredentials.
  list.push({
    connection: spn(7, 'certificate', 6, {
      authenticationType: 'spnCertificate',
      secret: { certificateKeyId: keyId(7) },
    }),
    app: {
      ...secretApp(7, []),
      keyCredentials: [
        { keyId: keyId(7), displayName: 'CN=deploy-cert', startDaysAgo: 10, expiresInDays: 60 },
      ],
    },
    expected: {
      ...base(7, 'certificate', [ref(6, 'certificate')]),
      authenticationType: 'spnCertificate',
      credential: {
        kind: 'certificate',
        keyId: keyId(7),
        displayName: 'CN=deploy-cert',
        endDateTime: iso(60),
        attribution: 'inferred',
        candidates: 1,
      },
      status: 'ok',
      daysLeft: 60,
      expiresAt: iso(60),
      problemCode: null,
    },
  });
  // 8. Shared into three projects under other names, expired 3 days ago: one report, every reference.
  list.push({
    connection: spn(8, 'shared', 0, {
      projects: [
        mixedProjectName(0),
        { name: mixedProjectName(50), connectionName: 'shared-in-50' },
        { name: mixedProjectName(104), connectionName: 'shared-in-104' },
      ],
      secret: { passwordKeyId: keyId(8) },
    }),
    app: secretApp(8, [{ key: 8, days: -3 }]),
    expected: {
      ...base(8, 'shared', [ref(0, 'shared'), ref(50, 'shared-in-50'), ref(104, 'shared-in-104')]),
      credential: secretCredential(8, -3, 'inferred', 1),
      status: 'expired',
      daysLeft: -3,
      expiresAt: iso(-3),
      problemCode: null,
    },
  });
  // 9. The app was deleted.
  list.push({
    connection: spn(9, 'deleted-app', 7, { secret: { value: 'a-secret-of-a-deleted-app-0123456789ab' } }),
    expected: {
      ...base(9, 'deleted-app', [ref(7, 'deleted-app')]),
      app: null,
      credential: null,
      status: 'unknown',
      daysLeft: null,
      expiresAt: null,
      problemCode: 'app_not_found',
      actionRequired: true,
    },
  });
  // 10. Disabled service principal: expiry still computed, the problem says what to do.
  list.push({
    connection: spn(10, 'disabled-sp', 8, { secret: { passwordKeyId: keyId(10) } }),
    app: secretApp(10, [{ key: 10, days: 100 }], { accountEnabled: false }),
    expected: {
      ...base(10, 'disabled-sp', [ref(8, 'disabled-sp')]),
      credential: secretCredential(10, 100, 'inferred', 1),
      status: 'ok',
      daysLeft: 100,
      expiresAt: iso(100),
      problemCode: 'service_principal_disabled',
      actionRequired: true,
    },
  });
  // 11. Another tenant than the rotator's: reported, not read.
  list.push({
    connection: { ...spn(11, 'other-tenant', 9), tenantId: OTHER_TENANT, secret: { value: 'x'.repeat(40) } },
    app: { ...secretApp(11, [{ key: 11, days: 100 }]), tenantId: OTHER_TENANT, owners: [] },
    expected: {
      ...base(11, 'other-tenant', [ref(9, 'other-tenant')]),
      tenantId: OTHER_TENANT,
      app: null,
      credential: null,
      status: 'unknown',
      daysLeft: null,
      expiresAt: null,
      problemCode: 'other_tenant',
      actionRequired: true,
    },
  });
  // 12. Creation failed: listed only with includeFailed, still evaluated, isReady false.
  list.push({
    connection: spn(12, 'failed', 10, {
      isReady: false,
      operationStatus: { state: 'Failed', statusMessage: 'Failed to create the app registration' },
      secret: { passwordKeyId: keyId(12) },
    }),
    app: secretApp(12, [{ key: 12, days: 90 }]),
    expected: {
      ...base(12, 'failed', [ref(10, 'failed')]),
      isReady: false,
      credential: secretCredential(12, 90, 'inferred', 1),
      status: 'ok',
      daysLeft: 90,
      expiresAt: iso(90),
      problemCode: null,
    },
  });
  // 13. No password on the app: the stored secret cannot work.
  list.push({
    connection: spn(13, 'no-password', 11, { secret: { value: 'y'.repeat(40) } }),
    app: secretApp(13, []),
    expected: {
      ...base(13, 'no-password', [ref(11, 'no-password')]),
      credential: null,
      status: 'expired',
      daysLeft: null,
      expiresAt: null,
      problemCode: 'no_password',
      actionRequired: true,
    },
  });
  // 14. The record names a password that is gone.
  const goneKey = keyId(149);
  list.push({
    connection: spn(14, 'recorded-gone', 12, {
      secret: { passwordKeyId: keyId(14) },
      description: `[sc-rotator: keyId=${goneKey}; installed=${RECORDED_INSTALLED}]`,
    }),
    app: secretApp(14, [{ key: 14, days: 50 }]),
    expected: {
      ...base(14, 'recorded-gone', [ref(12, 'recorded-gone')]),
      record: { keyId: goneKey, installedAt: RECORDED_INSTALLED },
      credential: null,
      status: 'expired',
      daysLeft: null,
      expiresAt: null,
      problemCode: 'recorded_credential_missing',
      actionRequired: true,
    },
  });
  // 15. Only in the last project (second page of projects).
  list.push({
    connection: spn(15, 'far-away', 103, { secret: { passwordKeyId: keyId(15) } }),
    app: secretApp(15, [{ key: 15, days: 29 }]),
    expected: {
      ...base(15, 'far-away', [ref(103, 'far-away')]),
      credential: secretCredential(15, 29, 'inferred', 1),
      status: 'warning',
      daysLeft: 29,
      expiresAt: iso(29),
      problemCode: null,
    },
  });
  // 16–40. Plain Manual connections spread over the projects, each with its own app.
  for (let i = 0; i < FILLER_COUNT; i += 1) {
    const n = 100 + i;
    const name = `filler-${String(i).padStart(2, '0')}`;
    const project = 14 + 3 * i;
    const days = 40 + i;
    list.push({
      connection: spn(n, name, project, { secret: { passwordKeyId: keyId(n) } }),
      app: secretApp(n, [{ key: n, days }]),
      expected: {
        ...base(n, name, [ref(project, name)]),
        credential: secretCredential(n, days, 'inferred', 1),
        status: 'ok',
        daysLeft: days,
        expiresAt: iso(days),
        problemCode: null,
      },
    });
  }
  return list;
}

/** What discovery must report for every connection, sorted as the inventory is (name, then id). */
export function expectedReports(): Case['expected'][] {
  return cases()
    .map((c) => c.expected)
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.id.localeCompare(b.id));
}

/**
 * appIds discovery must look up in Graph: ServicePrincipal and workload identity federation
 * connections of the rotator's tenant.
 */
export const LOOKED_UP_APPS = 13 + FILLER_COUNT;
/** Of those, the apps that exist (all but the deleted one). */
export const FOUND_APPS = LOOKED_UP_APPS - 1;

export function mixedOrg(): OrgDescription {
  const all = cases();
  return {
    organization: { name: MIXED_ORG, id: MIXED_ORG_ID },
    tenants: [
      { id: MIXED_TENANT, displayName: 'Mixed' },
      { id: OTHER_TENANT, displayName: 'Elsewhere' },
    ],
    applications: [
      {
        appId: MIXED_ROTATOR_APP,
        objectId: guid('11000000', 2),
        tenantId: MIXED_TENANT,
        displayName: 'sc-rotator',
        servicePrincipal: { objectId: guid('11000000', 3) },
        graphPermissions: ['Application.ReadWrite.OwnedBy'],
        passwordCredentials: [
          { keyId: guid('11000000', 4), secretText: MIXED_ROTATOR_SECRET, expiresInDays: 365 },
        ],
      },
      ...all.flatMap((c) => (c.app ? [c.app] : [])),
    ],
    projects: Array.from({ length: MIXED_PROJECT_COUNT }, (_, n) => ({
      id: mixedProjectId(n),
      name: mixedProjectName(n),
    })),
    identities: [
      {
        id: 'build',
        displayName: 'Project Collection Build Service (mixed)',
        kind: 'build',
        accessToken: MIXED_JOB_TOKEN,
        defaultRole: 'Administrator',
      },
    ],
    serviceConnections: [
      ...all.map((c) => c.connection),
      {
        id: connectionId(99),
        name: 'some-generic',
        type: 'Generic',
        url: 'https://example.test/',
        projects: [mixedProjectName(0)],
        scheme: 'UsernamePassword',
        authorizationParameters: { username: 'u', password: 'p' },
      },
    ],
  };
}

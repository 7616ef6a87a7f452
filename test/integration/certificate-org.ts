/**
 * The organization of the certificate rotation integration tests (issue #15):
 *
 * - `cert-prod` (Manual, `spnCertificate`): app SHARED_CERTS. It was rotated by us before: the
 *   connection stores our certificate C0 (recorded in its description, 10 days left). The app
 *   also holds three certificates nobody here may touch (other consumers of the shared app:
 *   `payroll job`, `backup agent`, `partner upload`), far from expiry.
 * - `cert-hand` (Manual, `spnCertificate`, no record): app HAND, a hand-uploaded certificate in
 *   use, 5 days left.
 *
 * The rotator app owns both apps with `Application.ReadWrite.OwnedBy`; the job identity is
 * Administrator of every connection.
 */
import type { OrgDescription } from '../../emulator';

const guid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;
const DAY = 86_400_000;

export const CERT_START = new Date('2026-11-23T03:00:00.000Z');
const iso = (days: number) => new Date(CERT_START.getTime() + days * DAY).toISOString();

export const TENANT = guid('7e7e7e7e', 15);
export const ROTATOR_APP = guid('15000000', 1);
export const ROTATOR_SECRET = 'certificate-rotator-secret-0123456789abcdef';
export const JOB_TOKEN = 'certificate-job-access-token-0123456789abc';
export const PROJECT = guid('55000000', 1);

export const APPS = {
  shared: { appId: guid('25000000', 1), objectId: guid('35000000', 1) },
  hand: { appId: guid('25000000', 2), objectId: guid('35000000', 2) },
};
export const CONNECTIONS = { prod: guid('c5000000', 1), hand: guid('c5000000', 2) };
export const CERTS = {
  c0: guid('45000000', 1),
  payroll: guid('45000000', 2),
  backup: guid('45000000', 3),
  partner: guid('45000000', 4),
  hand: guid('45000000', 5),
};
/** The three certificates of other consumers on the shared app. */
export const UNRELATED = [CERTS.payroll, CERTS.backup, CERTS.partner];

export const C0_INSTALLED = iso(-170);
const C0_MINTED = new Date(Date.parse(C0_INSTALLED) - 40_000).toISOString();
export const PROD_DESCRIPTION = 'Deploys production with a certificate.';

export function certificateOrg(): OrgDescription {
  return {
    organization: { name: 'certificates', id: guid('0c0c0c0c', 15) },
    tenants: [{ id: TENANT, displayName: 'Certificate tenant' }],
    applications: [
      {
        appId: ROTATOR_APP,
        objectId: guid('15000000', 2),
        tenantId: TENANT,
        displayName: 'sc-rotator',
        servicePrincipal: { objectId: guid('15000000', 3) },
        graphPermissions: ['Application.ReadWrite.OwnedBy'],
        passwordCredentials: [{ keyId: guid('15000000', 4), secretText: ROTATOR_SECRET, expiresInDays: 365 }],
      },
      {
        ...APPS.shared,
        tenantId: TENANT,
        displayName: 'shared certificates',
        servicePrincipal: { objectId: guid('65000000', 1) },
        owners: [ROTATOR_APP],
        keyCredentials: [
          {
            keyId: CERTS.c0,
            displayName: `sc-rotator ${CONNECTIONS.prod} ${C0_MINTED}`,
            startDaysAgo: 170,
            expiresInDays: 10,
          },
          { keyId: CERTS.payroll, displayName: 'payroll job', startDaysAgo: 30, expiresInDays: 300 },
          { keyId: CERTS.backup, displayName: 'backup agent', startDaysAgo: 60, expiresInDays: 200 },
          { keyId: CERTS.partner, displayName: 'partner upload', startDaysAgo: 10, expiresInDays: 355 },
        ],
      },
      {
        ...APPS.hand,
        tenantId: TENANT,
        displayName: 'hand certificates',
        servicePrincipal: { objectId: guid('65000000', 2) },
        owners: [ROTATOR_APP],
        keyCredentials: [
          { keyId: CERTS.hand, displayName: 'uploaded by hand', startDaysAgo: 360, expiresInDays: 5 },
        ],
      },
    ],
    projects: [{ id: PROJECT, name: 'Certs' }],
    identities: [
      {
        id: 'build',
        displayName: 'Project Collection Build Service (certificates)',
        kind: 'build',
        accessToken: JOB_TOKEN,
        defaultRole: 'Administrator',
      },
    ],
    serviceConnections: [
      {
        id: CONNECTIONS.prod,
        name: 'cert-prod',
        description: `${PROD_DESCRIPTION}\n[sc-rotator: keyId=${CERTS.c0}; installed=${C0_INSTALLED}]`,
        projects: ['Certs'],
        scheme: 'ServicePrincipal',
        tenantId: TENANT,
        appId: APPS.shared.appId,
        secret: { certificateKeyId: CERTS.c0 },
        subscriptionId: guid('5b5b5b5b', 15),
      },
      {
        id: CONNECTIONS.hand,
        name: 'cert-hand',
        projects: ['Certs'],
        scheme: 'ServicePrincipal',
        tenantId: TENANT,
        appId: APPS.hand.appId,
        secret: { certificateKeyId: CERTS.hand },
        subscriptionId: guid('5b5b5b5b', 16),
      },
    ],
  };
}

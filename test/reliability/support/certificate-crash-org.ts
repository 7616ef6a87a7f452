/**
 * The crash matrix organization (crash-org.ts) plus a certificate connection (issue #15):
 *
 * - `cert-deploy` (Manual, `spnCertificate`) on app `cert-shared` stores our certificate C2 (10
 *   days left), which its record names; C0 and C1 are ours for it too, superseded long ago and
 *   still there, so the rotation retires two certificates, one read–merge–write each;
 * - the app also holds three certificates of other consumers (`payroll`, `backup`, `partner`)
 *   that no run may ever remove.
 */
import type { OrgDescription } from '../../../emulator';
import { MS_PER_DAY } from '../../../lib/clock';
import { formatMarker } from '../../../lib/rotation/marker';
import { crashOrg, TENANT } from './crash-org';

export const CERT_APP = {
  appId: '7e1d0b0a-aaaa-4c1e-9a00-0000000000a9',
  objectId: '7e1d0b0a-aaaa-4c1e-9a00-0000000000b9',
};
export const CERT_CONNECTION = { id: '7e1d0b0a-7777-4c1e-9a00-0000000000c9', name: 'cert-deploy' } as const;
export const CERTS = {
  c0: '7e1d0b0a-bbbb-4c1e-9a00-000000000000',
  c1: '7e1d0b0a-bbbb-4c1e-9a00-000000000001',
  c2: '7e1d0b0a-bbbb-4c1e-9a00-000000000002',
} as const;
export const UNRELATED_CERTS = [
  '7e1d0b0a-bbbb-4c1e-9a00-0000000000f1',
  '7e1d0b0a-bbbb-4c1e-9a00-0000000000f2',
  '7e1d0b0a-bbbb-4c1e-9a00-0000000000f3',
] as const;

/** {@link crashOrg} with the certificate app and connection, dates relative to `nowMs`. */
export function certificateCrashOrg(nowMs: number): OrgDescription {
  const org = crashOrg(nowMs);
  const daysAgo = (d: number) => nowMs - d * MS_PER_DAY;
  const id = CERT_CONNECTION.id;
  const deploy = (org.serviceConnections ?? []).find((c) => c.name === 'manual-deploy');
  if (!deploy) throw new Error('crash org changed');
  return {
    ...org,
    applications: [
      ...(org.applications ?? []),
      {
        ...CERT_APP,
        tenantId: TENANT,
        displayName: 'cert-shared',
        servicePrincipal: { objectId: '7e1d0b0a-aaaa-4c1e-9a00-0000000000c9' },
        owners: [(org.applications ?? [])[0]!.appId],
        keyCredentials: [
          {
            keyId: CERTS.c0,
            displayName: formatMarker(id, daysAgo(350)),
            startDaysAgo: 350,
            expiresInDays: 15,
          },
          {
            keyId: CERTS.c1,
            displayName: formatMarker(id, daysAgo(250)),
            startDaysAgo: 250,
            expiresInDays: 40,
          },
          {
            keyId: CERTS.c2,
            displayName: formatMarker(id, daysAgo(170)),
            startDaysAgo: 170,
            expiresInDays: 10,
          },
          { keyId: UNRELATED_CERTS[0], displayName: 'payroll', startDaysAgo: 30, expiresInDays: 300 },
          { keyId: UNRELATED_CERTS[1], displayName: 'backup', startDaysAgo: 60, expiresInDays: 200 },
          { keyId: UNRELATED_CERTS[2], displayName: 'partner', startDaysAgo: 10, expiresInDays: 350 },
        ],
      },
    ],
    serviceConnections: [
      ...(org.serviceConnections ?? []),
      {
        ...deploy,
        ...CERT_CONNECTION,
        appId: CERT_APP.appId,
        authenticationType: 'spnCertificate',
        secret: { certificateKeyId: CERTS.c2 },
        description: `Deploys with a certificate.\n[sc-rotator: keyId=${CERTS.c2}; installed=${new Date(daysAgo(170) + 180_000).toISOString()}]`,
      },
    ],
  };
}

import assert from 'node:assert/strict';
import type { ServiceConnection } from '../../../lib/devops/types';
import type { ApplicationLookup } from '../../../lib/graph/types';
import { evaluateConnection } from '../../../lib/inventory/evaluate';
import type { ConnectionStatus, ProblemCode } from '../../../lib/inventory/types';
import { withRecord } from '../../../lib/rotation/record';
import {
  app,
  connection,
  days,
  iso,
  NOW,
  OTHER_TENANT,
  password,
  record,
  TENANT,
  THRESHOLDS,
  uuid,
} from './builders';

const k = (n: number) => uuid(n, 'eeeeeeee');
const found = (...passwords: ReturnType<typeof password>[]): ApplicationLookup => ({
  kind: 'found',
  app: app(passwords),
});

interface Row {
  label: string;
  connection: Partial<ServiceConnection>;
  lookup: ApplicationLookup | undefined;
  spEnabled?: boolean | null;
  status: ConnectionStatus;
  problem: ProblemCode | null;
  actionRequired?: boolean;
  daysLeft?: number | null;
  secretless?: boolean;
}

const table: Row[] = [
  {
    label: 'a secret with 100 days left is ok',
    connection: {},
    lookup: found(password(k(1), NOW + days(100))),
    status: 'ok',
    problem: null,
    daysLeft: 100,
  },
  {
    label: 'a secret with exactly failureDays left is critical',
    connection: {},
    lookup: found(password(k(1), NOW + days(7))),
    status: 'critical',
    problem: null,
    daysLeft: 7,
  },
  {
    label: 'a secret expired one second ago is expired with -1 days',
    connection: {},
    lookup: found(password(k(1), NOW - 1000)),
    status: 'expired',
    problem: null,
    daysLeft: -1,
  },
  {
    label: 'workload identity federation whose app was not read: federation not checked, not a failure',
    connection: { scheme: 'WorkloadIdentityFederation', authenticationType: null },
    lookup: undefined,
    status: 'unknown',
    problem: 'federation_not_checked',
    secretless: true,
    daysLeft: null,
  },
  {
    label: 'managed identity is ok and secretless',
    connection: { scheme: 'ManagedServiceIdentity', authenticationType: null },
    lookup: undefined,
    status: 'ok',
    problem: null,
    secretless: true,
  },
  {
    label: 'a publish profile is not evaluated',
    connection: { scheme: 'PublishProfile', authenticationType: null },
    lookup: undefined,
    status: 'unknown',
    problem: 'unsupported_scheme',
    actionRequired: false,
  },
  {
    label: 'no app id is no_app_reference',
    connection: { appId: null },
    lookup: undefined,
    status: 'unknown',
    problem: 'no_app_reference',
    actionRequired: true,
  },
  {
    label: 'another tenant than the rotator is other_tenant',
    connection: { tenantId: OTHER_TENANT },
    lookup: undefined,
    status: 'unknown',
    problem: 'other_tenant',
    actionRequired: true,
  },
  {
    label: 'an app that was not looked up is lookup_failed',
    connection: {},
    lookup: undefined,
    status: 'unknown',
    problem: 'lookup_failed',
    actionRequired: true,
  },
  {
    label: 'an app that does not exist is app_not_found',
    connection: {},
    lookup: { kind: 'not_found' },
    status: 'unknown',
    problem: 'app_not_found',
    actionRequired: true,
  },
  {
    label: 'a 403 on the app is app_not_readable',
    connection: {},
    lookup: { kind: 'forbidden', message: 'Authorization_RequestDenied' },
    status: 'unknown',
    problem: 'app_not_readable',
    actionRequired: true,
  },
  {
    label: 'an app without password is expired with no_password',
    connection: {},
    lookup: found(),
    status: 'expired',
    problem: 'no_password',
    actionRequired: true,
    daysLeft: null,
  },
  {
    label: 'a recorded password that is gone is expired with recorded_credential_missing',
    connection: { description: withRecord('Prod', record(k(9), NOW - days(10))) },
    lookup: found(password(k(1), NOW + days(100))),
    status: 'expired',
    problem: 'recorded_credential_missing',
    actionRequired: true,
    daysLeft: null,
  },
  {
    label: 'a disabled service principal keeps the computed status and is flagged',
    connection: {},
    lookup: found(password(k(1), NOW + days(20))),
    spEnabled: false,
    status: 'warning',
    problem: 'service_principal_disabled',
    actionRequired: true,
    daysLeft: 20,
  },
  {
    label: 'an unknown service principal state is not a problem',
    connection: {},
    lookup: found(password(k(1), NOW + days(20))),
    spEnabled: null,
    status: 'warning',
    problem: null,
  },
  {
    label: 'a certificate connection whose certificates were not read is unknown, not action required',
    connection: { authenticationType: 'spnCertificate' },
    lookup: found(password(k(1), NOW + days(100))),
    status: 'unknown',
    problem: 'certificate_not_readable',
    actionRequired: false,
  },
];

describe('evaluateConnection', () => {
  for (const row of table) {
    it(row.label, () => {
      const report = evaluateConnection(
        connection(row.connection),
        row.lookup,
        row.spEnabled ?? true,
        THRESHOLDS,
        TENANT,
        NOW,
      );
      assert.equal(report.status, row.status);
      assert.equal(report.problem?.code ?? null, row.problem);
      if (row.actionRequired !== undefined) assert.equal(report.problem?.actionRequired, row.actionRequired);
      if (row.daysLeft !== undefined) assert.equal(report.daysLeft, row.daysLeft);
      assert.equal(report.secretless, row.secretless ?? false);
      if (report.problem) {
        assert.ok(report.problem.message.includes('"deploy-prod"'), report.problem.message);
        assert.ok(report.problem.fix.length > 0);
      }
    });
  }

  it('reports the certificate expiry of a certificate connection from keyCredentials', () => {
    const lookup: ApplicationLookup = {
      kind: 'found',
      app: app([], {
        keyCredentials: [
          {
            keyId: k(5),
            displayName: 'CN=deploy',
            type: 'AsymmetricX509Cert',
            usage: 'Verify',
            startDateTime: iso(NOW - days(300)),
            endDateTime: iso(NOW + days(3)),
          },
        ],
      }),
    };
    const report = evaluateConnection(
      connection({ authenticationType: 'spnCertificate' }),
      lookup,
      true,
      THRESHOLDS,
      TENANT,
      NOW,
    );
    assert.equal(report.status, 'critical');
    assert.equal(report.daysLeft, 3);
    assert.equal(report.credential?.kind, 'certificate');
    assert.equal(report.expiresAt, iso(NOW + days(3)));
  });

  it('tells how to grant read access when the app is not readable', () => {
    const report = evaluateConnection(
      connection(),
      { kind: 'forbidden', message: '403' },
      null,
      THRESHOLDS,
      TENANT,
      NOW,
    );
    assert.match(report.problem?.fix ?? '', /Application\.Read\.All/);
    assert.match(report.problem?.fix ?? '', /Application\.ReadWrite\.OwnedBy/);
  });

  it('compares tenants case-insensitively and keeps the record and app', () => {
    const rec = record(k(1), NOW - days(5));
    const report = evaluateConnection(
      connection({ tenantId: TENANT.toUpperCase(), description: withRecord('Prod', rec) }),
      found(password(k(1), NOW + days(175))),
      true,
      THRESHOLDS,
      TENANT,
      NOW,
    );
    assert.equal(report.problem, null);
    assert.deepEqual(report.record, rec);
    assert.deepEqual(report.app, { objectId: uuid(300, 'dddddddd'), displayName: 'deploy app' });
    assert.equal(report.credential?.attribution, 'recorded');
  });
});

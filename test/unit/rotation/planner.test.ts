import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { PasswordCredentialInfo } from '../../../lib/graph/types';
import { problem } from '../../../lib/inventory/problems';
import type { ConnectionReport } from '../../../lib/inventory/types';
import { formatMarker, parseMarker } from '../../../lib/rotation/marker';
import { type PlanEntry, plan } from '../../../lib/rotation/planner';
import type { RotationPolicy } from '../../../lib/rotation/policy';
import {
  app,
  days,
  hours,
  inventory,
  iso,
  minutes,
  NOW,
  OTHER_TENANT,
  ours,
  POLICY,
  password,
  record,
  report,
  uuid,
} from '../inventory/builders';

const CONN = uuid(100);
const OTHER = uuid(101);
const k = (n: number) => uuid(n, 'eeeeeeee');
const ctx = { connectionName: 'deploy-prod', appId: 'app', tenantId: 'tenant' };

interface Row {
  label: string;
  report?: Partial<ConnectionReport>;
  passwords?: PasswordCredentialInfo[];
  policy?: Partial<RotationPolicy>;
  expect: Partial<PlanEntry> & { skipCode?: string; actionRequired?: boolean; reason?: string };
}

// The recorded password, installed 10 days ago (so superseded ones are past the 24 h grace).
const INSTALLED = NOW - days(10);
const recorded = { record: record(k(1), INSTALLED) };

const table: Row[] = [
  { label: 'not due: nothing', report: { daysLeft: 100 }, expect: { action: 'nothing', rotate: null } },
  {
    label: 'one day outside rotateWithinDays: nothing',
    report: { daysLeft: 31 },
    expect: { action: 'nothing' },
  },
  {
    label: 'exactly rotateWithinDays left: rotate',
    report: { daysLeft: 30, status: 'warning' },
    expect: { action: 'rotate', reason: 'expiring', takeOver: false },
  },
  {
    label: 'expired: rotate',
    report: { daysLeft: -1, status: 'expired' },
    expect: { action: 'rotate', reason: 'expired' },
  },
  {
    label: 'recorded credential missing: rotate',
    report: {
      ...recorded,
      status: 'expired',
      daysLeft: null,
      problem: problem('recorded_credential_missing', ctx),
    },
    expect: { action: 'rotate', reason: 'recorded_credential_missing' },
  },
  {
    label: 'no password at all: rotate',
    report: { status: 'expired', daysLeft: null, problem: problem('no_password', ctx) },
    expect: { action: 'rotate', reason: 'no_password' },
  },
  {
    label: 'TestConnection shows the stored secret is refused (verified expired): rotate',
    report: {
      status: 'expired',
      daysLeft: -10,
      problem: problem('stored_secret_rejected', { ...ctx, detail: 'Entra ID refuses its stored secret.' }),
    },
    expect: { action: 'rotate', reason: 'stored_secret_rejected' },
  },
  {
    label: 'unknown attribution that is due: rotate (establishes a record)',
    report: {
      status: 'critical',
      daysLeft: 3,
      credential: {
        kind: 'secret',
        keyId: k(7),
        displayName: 'x',
        endDateTime: iso(NOW + days(3)),
        attribution: 'unknown',
        candidates: 3,
      },
    },
    passwords: [
      password(k(7), NOW + days(3)),
      password(k(8), NOW + days(90)),
      password(k(9), NOW + days(400)),
    ],
    expect: { action: 'rotate', reason: 'expiring', retire: [], removeOrphans: [] },
  },
  {
    label: 'orphan younger than the guard: left alone (a run may be in progress)',
    report: recorded,
    passwords: [ours(k(1), CONN, INSTALLED - minutes(1)), ours(k(2), CONN, NOW - minutes(59))],
    expect: { action: 'nothing', removeOrphans: [], retire: [] },
  },
  {
    label: 'orphan older than the guard: cleaned up',
    report: recorded,
    passwords: [ours(k(1), CONN, INSTALLED - minutes(1)), ours(k(2), CONN, NOW - minutes(60))],
    expect: { action: 'cleanup', removeOrphans: [k(2)], retire: [] },
  },
  {
    label: 'the orphan guard follows the policy',
    report: recorded,
    passwords: [ours(k(2), CONN, NOW - minutes(10))],
    policy: { orphanMinAgeMinutes: 5 },
    expect: { action: 'cleanup', removeOrphans: [k(2)] },
  },
  {
    label: 'superseded within the grace period: kept',
    report: { record: record(k(1), NOW - hours(23)) },
    passwords: [ours(k(3), CONN, NOW - days(200)), ours(k(1), CONN, NOW - hours(23) - minutes(2))],
    expect: { action: 'nothing', retire: [] },
  },
  {
    label: 'superseded past the grace period: retired',
    report: { record: record(k(1), NOW - hours(24)) },
    passwords: [ours(k(3), CONN, NOW - days(200)), ours(k(1), CONN, NOW - hours(24) - minutes(2))],
    expect: { action: 'cleanup', retire: [k(3)], removeOrphans: [] },
  },
  {
    label: 'due with superseded passwords: rotate and retire',
    report: { ...recorded, status: 'warning', daysLeft: 10 },
    passwords: [ours(k(3), CONN, NOW - days(400)), ours(k(1), CONN, INSTALLED - minutes(1))],
    expect: { action: 'rotate', reason: 'expiring', retire: [k(3)] },
  },
  {
    label: 'a crash orphan the next switch moved past is still an orphan, not superseded',
    // Record R3 (installed 2 h ago) replaced the install of 10 days ago: the password minted 3 h
    // ago, between the two installs, was never installed (a crashed run's), while k(1) was.
    report: { record: { ...record(k(3), NOW - hours(2)), previousInstalledAt: iso(INSTALLED) } },
    passwords: [
      ours(k(1), CONN, INSTALLED - minutes(1)),
      ours(k(2), CONN, NOW - hours(3)),
      ours(k(3), CONN, NOW - hours(2) - minutes(1)),
    ],
    expect: { action: 'cleanup', retire: [], removeOrphans: [k(2)] },
  },
  {
    label: 'after a takeover (previous none) every other password of ours is an orphan, guard applies',
    report: { record: { ...record(k(3), NOW - hours(2)), previousInstalledAt: 'none' } },
    passwords: [
      ours(k(1), CONN, NOW - days(3)),
      ours(k(2), CONN, NOW - minutes(30)),
      ours(k(3), CONN, NOW - hours(2) - minutes(1)),
    ],
    expect: { action: 'cleanup', retire: [], removeOrphans: [k(1)] },
  },
  {
    label: 'the recorded password is never removed, whatever its dates',
    report: recorded,
    passwords: [ours(k(1), CONN, NOW - minutes(1))],
    expect: { action: 'nothing', retire: [], removeOrphans: [] },
  },
  {
    label: 'foreign passwords and other connections’ passwords are never planned for removal',
    report: { ...recorded, status: 'expired', daysLeft: -3 },
    passwords: [
      password(k(4), NOW - days(100), 'old foreign'),
      password(k(5), NOW - days(100), 'sc-rotator not-a-marker'),
      ours(k(6), OTHER, NOW - days(300)),
      ours(k(1), CONN, INSTALLED - minutes(1)),
    ],
    expect: { action: 'rotate', retire: [], removeOrphans: [] },
  },
  {
    label: 'our passwords without any record: rotate to establish one, remove nothing',
    passwords: [ours(k(2), CONN, NOW - hours(2)), password(k(4), NOW + days(100))],
    expect: { action: 'rotate', reason: 'record_missing', retire: [], removeOrphans: [] },
  },
  {
    label: 'our young passwords without any record: wait for the run in progress',
    passwords: [ours(k(2), CONN, NOW - minutes(5)), password(k(4), NOW + days(100))],
    expect: { action: 'nothing', removeOrphans: [] },
  },
  {
    label: 'Automatic under report, due: skipped, the user must act',
    report: { creationMode: 'Automatic', status: 'critical', daysLeft: 5 },
    expect: { action: 'skip', skipCode: 'automatic_report', actionRequired: true, takeOver: false },
  },
  {
    label: 'Automatic under report, not due: skipped as a note',
    report: { creationMode: 'Automatic' },
    expect: { action: 'skip', skipCode: 'automatic_report', actionRequired: false },
  },
  {
    label: 'Automatic under takeOver, due: rotate and take over',
    report: { creationMode: 'Automatic', status: 'critical', daysLeft: 5 },
    policy: { automaticConnections: 'takeOver' },
    expect: { action: 'rotate', takeOver: true },
  },
  {
    label: 'Automatic under takeOver, not due: nothing, not taken over',
    report: { creationMode: 'Automatic' },
    policy: { automaticConnections: 'takeOver' },
    expect: { action: 'nothing', takeOver: false },
  },
  {
    label: 'workload identity federation: skipped, nothing to do',
    report: {
      scheme: 'WorkloadIdentityFederation',
      secretless: true,
      daysLeft: null,
      authenticationType: null,
    },
    expect: { action: 'skip', skipCode: 'secretless', actionRequired: false },
  },
  {
    label: 'other tenant: skipped with the problem, user must act',
    report: {
      tenantId: OTHER_TENANT,
      status: 'unknown',
      daysLeft: null,
      problem: problem('other_tenant', ctx),
    },
    expect: { action: 'skip', skipCode: 'other_tenant', actionRequired: true },
  },
  {
    label: 'app not found: skipped',
    report: { app: null, status: 'unknown', daysLeft: null, problem: problem('app_not_found', ctx) },
    expect: { action: 'skip', skipCode: 'app_not_found', actionRequired: true },
  },
  {
    label: 'disabled service principal: skipped even when expired',
    report: { status: 'expired', daysLeft: -2, problem: problem('service_principal_disabled', ctx) },
    expect: { action: 'skip', skipCode: 'service_principal_disabled', actionRequired: true },
  },
  {
    label:
      'certificate that is due under certificateConnections report (the default): skipped, user must act',
    report: { authenticationType: 'spnCertificate', status: 'critical', daysLeft: 2 },
    expect: { action: 'skip', skipCode: 'certificate', actionRequired: true, credentialKind: 'certificate' },
  },
  {
    label: 'certificate that is due under certificateConnections rotate: rotate, as a certificate',
    report: { authenticationType: 'spnCertificate', status: 'critical', daysLeft: 2 },
    policy: { certificateConnections: 'rotate' },
    expect: { action: 'rotate', reason: 'expiring', credentialKind: 'certificate', takeOver: false },
  },
  {
    label: 'certificate not due under rotate: nothing',
    report: { authenticationType: 'spnCertificate', daysLeft: 100 },
    policy: { certificateConnections: 'rotate' },
    expect: { action: 'nothing', credentialKind: 'certificate' },
  },
  {
    label: 'certificates not readable under rotate: skipped, nothing written',
    report: {
      authenticationType: 'spnCertificate',
      status: 'unknown',
      daysLeft: null,
      problem: problem('certificate_not_readable', ctx),
    },
    policy: { certificateConnections: 'rotate' },
    expect: { action: 'skip', skipCode: 'certificate_not_readable', actionRequired: false },
  },
  {
    label: 'a secret connection is planned as a secret',
    report: { daysLeft: 2, status: 'critical' },
    expect: { action: 'rotate', credentialKind: 'secret' },
  },
  {
    label: 'disabled connection: skipped',
    report: { isDisabled: true, status: 'expired', daysLeft: -1 },
    expect: { action: 'skip', skipCode: 'connection_disabled', actionRequired: true },
  },
  {
    label: 'connection not ready: skipped, not even cleaned up',
    report: { isReady: false, ...recorded },
    passwords: [ours(k(2), CONN, NOW - days(1))],
    expect: { action: 'skip', skipCode: 'connection_not_ready', actionRequired: false, removeOrphans: [] },
  },
  // forceRotation (spec §10) and what a rotation's switch supersedes (issue #14).
  {
    label: 'forceRotation on an ok connection: rotate (forced), superseding its recorded password',
    report: { daysLeft: 170, ...recorded },
    passwords: [ours(k(1), CONN, INSTALLED - minutes(1))],
    policy: { forceRotation: true },
    expect: {
      action: 'rotate',
      reason: 'forced',
      supersedes: [k(1)],
      orphansAfterSwitch: [],
      foreign: null,
      retire: [],
    },
  },
  {
    label: 'forceRotation off: the same ok connection is left alone',
    report: { daysLeft: 170, ...recorded },
    passwords: [ours(k(1), CONN, INSTALLED - minutes(1))],
    expect: { action: 'nothing', rotate: null, supersedes: [] },
  },
  {
    label: 'forceRotation does not override a skip (Automatic under report)',
    report: { daysLeft: 170, creationMode: 'Automatic' },
    policy: { forceRotation: true },
    expect: { action: 'skip', skipCode: 'automatic_report' },
  },
  {
    label: 'forceRotation with a foreign secret in use: rotate; the foreign one is named, never superseded',
    report: {
      daysLeft: 300,
      credential: {
        kind: 'secret',
        keyId: k(7),
        displayName: 'made by hand',
        endDateTime: iso(NOW + days(300)),
        attribution: 'inferred',
        candidates: 1,
      },
    },
    passwords: [password(k(7), NOW + days(300), 'made by hand')],
    policy: { forceRotation: true },
    expect: {
      action: 'rotate',
      reason: 'forced',
      supersedes: [],
      foreign: { keyId: k(7), displayName: 'made by hand' },
      orphansAfterSwitch: [],
    },
  },
  {
    label: 'first rotation after a crashed one: the orphan older than the guard goes after the switch',
    report: {
      status: 'critical',
      daysLeft: 3,
      credential: {
        kind: 'secret',
        keyId: k(7),
        displayName: 'ci',
        endDateTime: iso(NOW + days(3)),
        attribution: 'unknown',
        candidates: 2,
      },
    },
    passwords: [password(k(7), NOW + days(3)), ours(k(2), CONN, NOW - minutes(61))],
    expect: {
      action: 'rotate',
      reason: 'expiring',
      supersedes: [],
      orphansAfterSwitch: [k(2)],
      foreign: { keyId: k(7), displayName: 'ci' },
      retire: [],
      removeOrphans: [],
    },
  },
  {
    label: 'first rotation: an orphan younger than the guard is kept (a run may be using it)',
    report: {
      status: 'critical',
      daysLeft: 3,
      credential: {
        kind: 'secret',
        keyId: k(7),
        displayName: 'ci',
        endDateTime: iso(NOW + days(3)),
        attribution: 'unknown',
        candidates: 2,
      },
    },
    passwords: [password(k(7), NOW + days(3)), ours(k(2), CONN, NOW - minutes(59))],
    expect: { action: 'rotate', orphansAfterSwitch: [] },
  },
  {
    label: 'no record, ours attributed as in use: superseded with the grace, never an orphan',
    report: {
      status: 'critical',
      daysLeft: 3,
      credential: {
        kind: 'secret',
        keyId: k(2),
        displayName: 'x',
        endDateTime: iso(NOW + days(3)),
        attribution: 'inferred',
        candidates: 1,
      },
    },
    passwords: [ours(k(2), CONN, NOW - days(177), 180), ours(k(3), CONN, NOW - days(2))],
    expect: { action: 'rotate', supersedes: [k(2)], orphansAfterSwitch: [k(3)], foreign: null },
  },
];

function entryFor(row: Row): PlanEntry {
  const r = report({ id: CONN, ...row.report });
  const planned = plan(inventory([r], [app(row.passwords ?? [])]), { ...POLICY, ...row.policy }, NOW);
  assert.equal(planned.entries.length, 1);
  return planned.entries[0]!;
}

describe('plan', () => {
  for (const row of table) {
    it(row.label, () => {
      const entry = entryFor(row);
      const { skipCode, actionRequired, reason, ...fields } = row.expect;
      for (const [key, value] of Object.entries(fields)) {
        assert.deepEqual(entry[key as keyof PlanEntry], value, key);
      }
      if (reason !== undefined) assert.equal(entry.rotate?.reason, reason);
      if (skipCode !== undefined) assert.equal(entry.skip?.code, skipCode);
      if (actionRequired !== undefined) assert.equal(entry.skip?.actionRequired, actionRequired);
      if (entry.action !== 'skip') assert.equal(entry.skip, null);
    });
  }

  it('tells how Azure DevOps renews Automatic secrets when it skips one', () => {
    const entry = entryFor({ label: '', report: { creationMode: 'Automatic', daysLeft: 3 }, expect: {} });
    assert.match(entry.skip?.fix ?? '', /only when a person edits and saves it/);
    assert.match(entry.skip?.fix ?? '', /takeOver/);
  });

  it("plans a certificate connection from the app's certificates, never its passwords or anyone else's certificates", () => {
    const r = report({
      id: CONN,
      authenticationType: 'spnCertificate',
      record: record(k(1), INSTALLED),
      status: 'critical',
      daysLeft: 3,
    });
    const keyCredentials = [k(1), k(2), k(3), k(4), k(5)].map((keyId, i) => {
      const p = [
        ours(k(1), CONN, INSTALLED - minutes(1)),
        ours(k(2), CONN, INSTALLED - days(100)),
        ours(k(3), CONN, NOW - hours(3)),
        ours(k(4), OTHER, INSTALLED - days(100)),
        password(k(5), NOW + days(300), 'payroll job'),
      ][i]!;
      return {
        keyId,
        displayName: p.displayName,
        type: 'AsymmetricX509Cert',
        usage: 'Verify',
        startDateTime: p.startDateTime,
        endDateTime: p.endDateTime,
      };
    });
    // A password of ours for the connection on the same app: not the certificate connection's.
    const planned = plan(
      inventory([r], [app([ours(k(9), CONN, INSTALLED - days(100))], { keyCredentials })]),
      { ...POLICY, certificateConnections: 'rotate' },
      NOW,
    );
    const entry = planned.entries[0]!;
    assert.equal(entry.action, 'rotate');
    assert.equal(entry.credentialKind, 'certificate');
    assert.deepEqual(entry.retire, [k(2)]);
    assert.deepEqual(entry.removeOrphans, [k(3)]);
    assert.deepEqual(entry.supersedes, [k(1)]);
    assert.equal(entry.foreign, null);
  });

  it('gives each of two connections on the same app only its own passwords', () => {
    const a = report({ id: CONN, name: 'a', record: record(k(1), INSTALLED) });
    const b = report({ id: OTHER, name: 'b', record: record(k(11), INSTALLED) });
    const passwords = [
      ours(k(1), CONN, INSTALLED - minutes(1)),
      ours(k(2), CONN, INSTALLED - days(100)),
      ours(k(3), CONN, NOW - hours(3)),
      ours(k(11), OTHER, INSTALLED - minutes(1)),
      ours(k(12), OTHER, INSTALLED - days(100)),
      ours(k(13), OTHER, NOW - hours(3)),
    ];
    const planned = plan(inventory([a, b], [app(passwords)]), POLICY, NOW);
    assert.deepEqual(
      planned.entries.map((e) => [e.connectionName, e.action, e.retire, e.removeOrphans]),
      [
        ['a', 'cleanup', [k(2)], [k(3)]],
        ['b', 'cleanup', [k(12)], [k(13)]],
      ],
    );
  });

  it('is plain data that survives JSON', () => {
    const planned = plan(inventory([report({ daysLeft: 3, status: 'critical' })], [app([])]), POLICY, NOW);
    assert.deepEqual(JSON.parse(JSON.stringify(planned)), planned);
    assert.equal(planned.createdAt, iso(NOW));
  });

  it('never plans removing a password that is not ours for this connection, nor the recorded one (property)', () => {
    const owner = fc.constantFrom<string | null>(CONN, OTHER, null);
    const pw = fc.record({
      n: fc.integer({ min: 1, max: 40 }),
      owner,
      mintedAgo: fc.integer({ min: 0, max: days(400) }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(pw, { selector: (p) => p.n, maxLength: 8 }),
        fc.option(
          fc.record({ n: fc.integer({ min: 1, max: 40 }), ago: fc.integer({ min: 0, max: days(200) }) }),
        ),
        fc.integer({ min: 0, max: 72 }),
        fc.integer({ min: 0, max: 180 }),
        (pws, rec, revokeAfterHours, orphanMinAgeMinutes) => {
          const passwords = pws.map((p) =>
            p.owner
              ? ours(k(p.n), p.owner, NOW - p.mintedAgo)
              : password(k(p.n), NOW + days(30), formatMarker(OTHER, 0).slice(0, 12)),
          );
          const r = report({ id: CONN, record: rec ? record(k(rec.n), NOW - rec.ago) : null });
          const entry = plan(
            inventory([r], [app(passwords)]),
            { ...POLICY, revokeAfterHours, orphanMinAgeMinutes },
            NOW,
          ).entries[0]!;
          for (const keyId of [...entry.retire, ...entry.removeOrphans]) {
            const p = passwords.find((x) => x.keyId === keyId);
            if (parseMarker(p?.displayName)?.connectionId !== CONN) return false;
            if (rec && keyId === k(rec.n)) return false;
          }
          return rec !== null || entry.retire.length + entry.removeOrphans.length === 0;
        },
      ),
    );
  });
});

import assert from 'node:assert/strict';
import type { ConnectionReport } from '../../../lib/inventory/types';
import { buildReport, type ReportInput } from '../../../lib/report/build-report';
import type { ConnectionRow } from '../../../lib/report/run-report';
import type { PlanEntry } from '../../../lib/rotation/planner';
import type { RotationResult } from '../../../lib/rotation/results';
import { days, hours, inventory, iso, NOW, POLICY, report, uuid } from '../inventory/builders';
import { entry, planOf, result } from './report-builders';

const KEY = uuid(7, 'eeeeeeee');
const NEW_KEY = uuid(8, 'ffffffff');
const inferred = (endMs: number): ConnectionReport['credential'] => ({
  kind: 'secret',
  keyId: KEY,
  displayName: 'ci',
  endDateTime: iso(endMs),
  attribution: 'inferred',
  candidates: 1,
});

/** One connection through buildReport; the row's fields that the case names. */
function rowFor(
  connection: ConnectionReport,
  run: { action?: 'report' | 'rotate'; dryRun?: boolean; entry?: PlanEntry; result?: RotationResult } = {},
): ConnectionRow {
  const input: ReportInput = {
    action: run.action ?? (run.entry ? 'rotate' : 'report'),
    dryRun: run.dryRun ?? false,
    version: '9.9.9',
    inventory: inventory([connection]),
    plan: run.entry ? planOf([run.entry]) : null,
    results: run.result ? [run.result] : null,
    policy: POLICY,
    startedAt: NOW,
    finishedAt: NOW,
  };
  const built = buildReport(input).connections;
  assert.equal(built.length, 1);
  return built[0]!;
}

const warning = report({
  status: 'warning',
  daysLeft: 20,
  expiresAt: iso(NOW + days(20)),
  credential: inferred(NOW + days(20)),
});

describe('buildReport', () => {
  const table: Array<[string, () => ConnectionRow, Partial<ConnectionRow>]> = [
    [
      'an inference TestConnection verified: said so',
      () =>
        rowFor(
          report({
            credential: inferred(NOW + days(100)),
            attributionCheck: { outcome: 'verified', detail: 'Attribution verified.' },
          }),
        ),
      {
        detail: `Secret ${KEY.slice(0, 8)} valid until ${iso(NOW + days(100)).slice(0, 10)} (100 days), the only valid secret of the app. TestConnection passes with the stored secret.`,
        failed: false,
      },
    ],
    [
      'an inference TestConnection could not verify: the status stands, the detail says why',
      () =>
        rowFor(
          report({
            credential: inferred(NOW + days(100)),
            attributionCheck: { outcome: 'unverified', detail: 'Attribution unverified: no User role.' },
          }),
        ),
      {
        status: 'ok',
        detail: `Secret ${KEY.slice(0, 8)} valid until ${iso(NOW + days(100)).slice(0, 10)} (100 days), the only valid secret of the app. Attribution unverified: no User role.`,
        failed: false,
      },
    ],
    [
      'a stored secret TestConnection shows refused: expired, failed, the problem says which secret the app holds',
      () =>
        rowFor(
          report({
            status: 'expired',
            daysLeft: -3,
            expiresAt: iso(NOW - days(3)),
            credential: inferred(NOW - days(3)),
            problem: {
              code: 'stored_secret_rejected',
              message: 'TestConnection of "deploy-prod" fails: the connection does not use it.',
              fix: 'Run the task with action "rotate".',
              actionRequired: true,
            },
            attributionCheck: { outcome: 'rejected', detail: 'TestConnection answered unauthorized' },
          }),
        ),
      {
        status: 'expired',
        code: 'stored_secret_rejected',
        detail: 'TestConnection of "deploy-prod" fails: the connection does not use it.',
        next: 'Run the task with action "rotate".',
        failed: true,
      },
    ],
    [
      'an ok secret in a report: what it is, no next step',
      () => rowFor(report({ credential: inferred(NOW + days(100)) })),
      {
        action: 'none',
        detail: `Secret ${KEY.slice(0, 8)} valid until ${iso(NOW + days(100)).slice(0, 10)} (100 days), the only valid secret of the app.`,
        next: '',
        failed: false,
        credentialKind: 'secret',
      },
    ],
    [
      'a certificate says it is one (the health page tells the kinds apart by it)',
      () => rowFor(report({ credential: { ...inferred(NOW + days(100))!, kind: 'certificate' } })),
      { credentialKind: 'certificate' },
    ],

    [
      'a warning in a report: rotate it',
      () => rowFor(warning),
      {
        status: 'warning',
        next: "Rotate it: run this task with action 'rotate', or renew the secret and update the connection.",
      },
    ],
    [
      'a warning not due yet in a rotate run',
      () => rowFor(warning, { entry: entry(), result: result() }),
      {
        action: 'none',
        next: 'It is not due for rotation yet under rotateWithinDays; it will be rotated when it is.',
      },
    ],
    [
      'a problem the user must act on: failed, with its code',
      () =>
        rowFor(
          report({
            status: 'unknown',
            daysLeft: null,
            expiresAt: null,
            problem: {
              code: 'app_not_found',
              message: 'App gone.',
              fix: 'Recreate it.',
              actionRequired: true,
            },
          }),
        ),
      { detail: 'App gone.', next: 'Recreate it.', failed: true, code: 'app_not_found' },
    ],
    [
      'a secretless connection skipped: nothing to do, by its code',
      () =>
        rowFor(
          report({ scheme: 'WorkloadIdentityFederation', secretless: true, daysLeft: null, expiresAt: null }),
          {
            entry: entry({
              action: 'skip',
              skip: {
                code: 'secretless',
                message: 'No secret.',
                fix: 'Nothing to do.',
                actionRequired: false,
              },
            }),
            result: result({
              action: 'skipped',
              skip: {
                code: 'secretless',
                message: 'No secret.',
                fix: 'Nothing to do.',
                actionRequired: false,
              },
            }),
          },
        ),
      { action: 'skipped', detail: 'No secret.', next: '', needsAction: false, code: 'secretless' },
    ],
    [
      'an Automatic connection skipped while due: needs action, its fix as next step',
      () =>
        rowFor(warning, {
          entry: entry({
            action: 'skip',
            skip: { code: 'automatic_report', message: 'Automatic.', fix: 'Save it.', actionRequired: true },
          }),
          result: result({
            action: 'skipped',
            skip: { code: 'automatic_report', message: 'Automatic.', fix: 'Save it.', actionRequired: true },
          }),
        }),
      { action: 'skipped', next: 'Save it.', needsAction: true, code: 'automatic_report' },
    ],
    [
      'a rotation: the new secret counts, under the inventory thresholds and the plan policy',
      () =>
        rowFor(warning, {
          entry: entry({ action: 'rotate', rotate: { reason: 'expiring', message: 'due' } }),
          result: result({ action: 'rotated', newKeyId: NEW_KEY, newExpiresAt: iso(NOW + days(180)) }),
        }),
      {
        action: 'rotated',
        statusBefore: 'warning',
        status: 'ok',
        daysLeft: 180,
        keyId: NEW_KEY,
        attribution: 'recorded',
        detail: `Rotated (expiring): new secret ${NEW_KEY.slice(0, 8)} valid until ${iso(NOW + days(180)).slice(0, 10)}.`,
        next: `The previous secret keyId ${KEY} ("ci") was not minted by this task and is never revoked by it: remove it from the app once nothing else uses it.`,
        credentialKind: 'secret',
      },
    ],
    [
      'a rotated certificate connection is still a certificate one (the health page’s kind)',
      () =>
        rowFor(
          report({
            status: 'warning',
            daysLeft: 20,
            expiresAt: iso(NOW + days(20)),
            credential: { ...inferred(NOW + days(20))!, kind: 'certificate' },
          }),
          {
            entry: entry({ action: 'rotate', rotate: { reason: 'expiring', message: 'due' } }),
            result: result({ action: 'rotated', newKeyId: NEW_KEY, newExpiresAt: iso(NOW + days(180)) }),
          },
        ),
      { action: 'rotated', credentialKind: 'certificate' },
    ],
    [
      'a failed rotation: failed, with the error code and fix',
      () =>
        rowFor(warning, {
          entry: entry({ action: 'rotate', rotate: { reason: 'expiring', message: 'due' } }),
          result: result({
            action: 'failed',
            error: { code: 'graph.forbidden', message: 'Graph said no.', fix: 'Grant it.' },
          }),
        }),
      {
        action: 'failed',
        detail: 'Graph said no.',
        next: 'Grant it.',
        failed: true,
        code: 'graph.forbidden',
      },
    ],
    [
      'a lost race: needs action, its code',
      () =>
        rowFor(warning, {
          entry: entry({ action: 'rotate', rotate: { reason: 'expiring', message: 'due' } }),
          result: result({ action: 'race_lost', newKeyId: NEW_KEY, removedKeyIds: [NEW_KEY] }),
        }),
      {
        action: 'race_lost',
        needsAction: true,
        failed: false,
        code: 'rotation.race_lost',
        removedKeyIds: [NEW_KEY],
      },
    ],
    [
      'a dry run: would rotate, nothing else',
      () =>
        rowFor(warning, {
          dryRun: true,
          entry: entry({
            action: 'rotate',
            rotate: { reason: 'expiring', message: 'expires in 20 days.' },
            takeOver: true,
          }),
        }),
      {
        action: 'would_rotate',
        detail: 'Would rotate: expires in 20 days. Would switch it from Automatic to Manual.',
        next: 'Run without dryRun to rotate.',
        status: 'warning',
      },
    ],
  ];
  for (const [label, build, expected] of table) {
    it(label, () => {
      const built = build();
      const picked = Object.fromEntries(
        Object.keys(expected).map((k) => [k, built[k as keyof ConnectionRow]]),
      );
      assert.deepEqual(picked, expected);
    });
  }

  it('gives no credential kind to a connection without a credential', () => {
    const built = rowFor(report({ credential: null, expiresAt: null, status: 'unknown', daysLeft: null }));
    assert.equal('credentialKind' in built, false);
  });

  it('takes the thresholds from the inventory and the policy from the plan, not from settings', () => {
    const stricter = { ...POLICY, rotateWithinDays: 45, secretLifetimeDays: 90, revokeAfterHours: 2 };
    const built = buildReport({
      action: 'rotate',
      dryRun: false,
      version: '9.9.9',
      inventory: { ...inventory([warning]), thresholds: { warningDays: 60, failureDays: 10 } },
      plan: planOf([entry({ action: 'rotate', rotate: { reason: 'expiring', message: 'due' } })], stricter),
      results: [result({ action: 'rotated', newKeyId: NEW_KEY })],
      policy: POLICY,
      startedAt: NOW - hours(1),
      finishedAt: NOW,
    });
    assert.deepEqual(built.thresholds, { warningDays: 60, failureDays: 10 });
    assert.deepEqual(built.policy, {
      rotateWithinDays: 45,
      secretLifetimeDays: 90,
      revokeAfterHours: 2,
      automaticConnections: 'report',
      forceRotation: false,
    });
    // Without newExpiresAt the lifetime comes from the plan's policy: 90 days, ok under warningDays 60.
    const rotated = built.connections[0]!;
    assert.equal(rotated.expiresAt, iso(NOW + days(90)));
    assert.equal(rotated.status, 'ok');
    assert.equal(built.startedAt, iso(NOW - hours(1)));
    assert.equal(built.tool.version, '9.9.9');
    assert.equal(built.dryRun, false);
  });

  it('marks a report run as no dry run whatever dryRun says', () => {
    const built = buildReport({
      action: 'report',
      dryRun: true,
      version: '1',
      inventory: inventory([]),
      plan: null,
      results: null,
      policy: POLICY,
      startedAt: NOW,
      finishedAt: NOW,
    });
    assert.equal(built.dryRun, false);
    assert.deepEqual(built.connections, []);
  });
});

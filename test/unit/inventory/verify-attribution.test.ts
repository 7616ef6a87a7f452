import assert from 'node:assert/strict';
import type { TestConnectionResult } from '../../../lib/devops/types';
import type { ConnectionReport } from '../../../lib/inventory/types';
import {
  type AttributionTest,
  applyAttributionCheck,
  needsAttributionCheck,
} from '../../../lib/inventory/verify-attribution';
import { app, days, iso, NOW, ours, password, record, report, uuid } from './builders';

const k = (n: number) => uuid(n, 'eeeeeeee');
const VALID = password(k(1), NOW + days(300), 'nightly job');
const EXPIRED = password(k(2), NOW - days(10), 'created by hand');
const OLDER_EXPIRED = password(k(3), NOW - days(400), 'older');

/** The report evaluation gives a connection whose app holds VALID (and maybe expired ones): inferred, ok. */
const inferredOk = (overrides: Partial<ConnectionReport> = {}): ConnectionReport =>
  report({
    credential: {
      kind: 'secret',
      keyId: VALID.keyId,
      displayName: VALID.displayName,
      endDateTime: VALID.endDateTime!,
      attribution: 'inferred',
      candidates: 1,
    },
    daysLeft: 300,
    expiresAt: VALID.endDateTime,
    ...overrides,
  });

const answered = (statusCode: string, message = ''): AttributionTest => {
  const result: TestConnectionResult = { ok: statusCode === 'ok', statusCode, message };
  return { kind: 'answered', result };
};
const AADSTS_EXPIRED =
  "Failed to obtain the Json Web Token(JWT) using service principal client ID. Exception Message: AADSTS7000222: The provided client secret keys for app 'x' are expired.";
const AADSTS_INVALID =
  'Failed to obtain the Json Web Token(JWT) using service principal client ID. Exception Message: AADSTS7000215: Invalid client secret provided.';

describe('verified attribution (issue #14 §4)', () => {
  describe('needsAttributionCheck: only where inference can be wrong', () => {
    const rows: Array<{
      label: string;
      r: ConnectionReport;
      passwords: ReturnType<typeof password>[];
      expect: boolean;
    }> = [
      {
        label: 'inferred ok beside an expired password: asked',
        r: inferredOk(),
        passwords: [VALID, EXPIRED],
        expect: true,
      },
      {
        label: 'unknown (several valid) beside an expired password: asked',
        r: inferredOk({ credential: { ...inferredOk().credential!, attribution: 'unknown', candidates: 2 } }),
        passwords: [VALID, password(k(4), NOW + days(400)), EXPIRED],
        expect: true,
      },
      { label: 'only valid passwords: not asked', r: inferredOk(), passwords: [VALID], expect: false },
      {
        label: 'the expired password is marked for another connection: not a candidate, not asked',
        r: inferredOk(),
        passwords: [VALID, { ...ours(k(5), uuid(999), NOW - days(400)), endDateTime: iso(NOW - days(220)) }],
        expect: false,
      },
      {
        label: 'a record names the secret: known, not asked',
        r: inferredOk({ record: record(VALID.keyId, NOW - days(10)) }),
        passwords: [VALID, EXPIRED],
        expect: false,
      },
      {
        label: 'already expired by inference: nothing to learn, not asked',
        r: inferredOk({ status: 'expired' }),
        passwords: [EXPIRED],
        expect: false,
      },
      {
        label: 'a certificate connection: not asked',
        r: inferredOk({
          authenticationType: 'spnCertificate',
          credential: { ...inferredOk().credential!, kind: 'certificate' },
        }),
        passwords: [VALID, EXPIRED],
        expect: false,
      },
      {
        label: 'a connection with a problem (disabled service principal): not asked',
        r: inferredOk({
          problem: { code: 'service_principal_disabled', message: 'm', fix: 'f', actionRequired: true },
        }),
        passwords: [VALID, EXPIRED],
        expect: false,
      },
    ];
    for (const row of rows) {
      it(row.label, () => {
        assert.equal(needsAttributionCheck(row.r, app(row.passwords), NOW), row.expect);
      });
    }
    it('is not asked without the app', () => {
      assert.equal(needsAttributionCheck(inferredOk(), undefined, NOW), false);
    });
  });

  describe('applyAttributionCheck', () => {
    const application = app([VALID, EXPIRED, OLDER_EXPIRED]);

    it('verified ok: TestConnection passes, the inference stands and says so', () => {
      const before = inferredOk();
      const after = applyAttributionCheck(before, application, answered('ok'), NOW);
      assert.deepEqual(after, {
        ...before,
        attributionCheck: {
          outcome: 'verified',
          detail: 'Attribution verified: TestConnection of the stored details passes.',
        },
      });
    });

    it('verified expired (AADSTS7000222): expired, the latest expired secret counts, the message names the valid one the connection does not use', () => {
      const before = inferredOk();
      const after = applyAttributionCheck(before, application, answered('unauthorized', AADSTS_EXPIRED), NOW);
      assert.equal(after.status, 'expired');
      assert.deepEqual(after.credential, {
        kind: 'secret',
        keyId: EXPIRED.keyId,
        displayName: 'created by hand',
        endDateTime: EXPIRED.endDateTime,
        attribution: 'unknown',
        candidates: 2,
      });
      assert.equal(after.daysLeft, -10);
      assert.equal(after.expiresAt, EXPIRED.endDateTime);
      assert.equal(after.problem?.code, 'stored_secret_rejected');
      assert.equal(after.problem?.actionRequired, true);
      assert.equal(
        after.problem?.message,
        `TestConnection of "deploy-prod" fails: Entra ID refuses its stored secret as expired (AADSTS7000222). Application ${before.appId} still holds the valid secret keyId ${VALID.keyId} ("nightly job"), valid until ${VALID.endDateTime!.slice(0, 10)}, but the connection does not use it.`,
      );
      assert.deepEqual(after.attributionCheck, {
        outcome: 'rejected',
        detail: `TestConnection answered unauthorized: ${AADSTS_EXPIRED}`,
      });
    });

    it('verified expired with a single expired candidate: that one is inferred', () => {
      const after = applyAttributionCheck(
        inferredOk(),
        app([VALID, EXPIRED]),
        answered('unauthorized', AADSTS_EXPIRED),
        NOW,
      );
      assert.equal(after.credential?.keyId, EXPIRED.keyId);
      assert.equal(after.credential?.attribution, 'inferred');
      assert.equal(after.credential?.candidates, 1);
    });

    it('verified invalid (AADSTS7000215): expired with no credential that counts, every valid secret named', () => {
      const other = password(k(4), NOW + days(400), null);
      const after = applyAttributionCheck(
        inferredOk({ credential: { ...inferredOk().credential!, attribution: 'unknown', candidates: 2 } }),
        app([VALID, other, EXPIRED]),
        answered('401', AADSTS_INVALID),
        NOW,
      );
      assert.equal(after.status, 'expired');
      assert.equal(after.credential, null);
      assert.equal(after.daysLeft, null);
      assert.equal(after.expiresAt, null);
      assert.equal(
        after.problem?.message,
        `TestConnection of "deploy-prod" fails: Entra ID refuses its stored secret as invalid (AADSTS7000215: removed from the app, or never one of its secrets). Application ${inferredOk().appId} still holds the valid secrets keyId ${VALID.keyId} ("nightly job"), valid until ${VALID.endDateTime!.slice(0, 10)}, keyId ${other.keyId}, valid until ${other.endDateTime!.slice(0, 10)}, but the connection uses none of them.`,
      );
      assert.equal(after.attributionCheck?.outcome, 'rejected');
    });

    const unverifiable: Array<{ label: string; test: AttributionTest; detail: string }> = [
      {
        label: 'the identity lacks the User role (403)',
        test: { kind: 'forbidden', message: 'Access denied.' },
        detail:
          "Attribution unverified: the rotator's identity may not run TestConnection on the connection (it needs the User role on it): Access denied.",
      },
      {
        label: 'the request failed',
        test: { kind: 'failed', message: 'socket hang up' },
        detail: 'Attribution unverified: TestConnection could not be run: socket hang up',
      },
      {
        label: 'TestConnection fails for another reason than the secret',
        test: answered('forbidden', 'The client does not have authorization to read the subscription.'),
        detail:
          'Attribution unverified: TestConnection failed for another reason than the secret. TestConnection answered forbidden: The client does not have authorization to read the subscription.',
      },
    ];
    for (const row of unverifiable) {
      it(`unverifiable when ${row.label}: today's inference unchanged, marked unverified`, () => {
        const before = inferredOk();
        const after = applyAttributionCheck(before, application, row.test, NOW);
        assert.deepEqual(after, {
          ...before,
          attributionCheck: { outcome: 'unverified', detail: row.detail },
        });
      });
    }
  });
});

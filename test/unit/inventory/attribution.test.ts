import assert from 'node:assert/strict';
import type { KeyCredentialInfo } from '../../../lib/graph/types';
import { attributeCertificate, attributeSecret } from '../../../lib/inventory/attribution';
import { days, iso, NOW, ours, password, record, uuid } from './builders';

const CONNECTION = uuid(100);
const OTHER_CONNECTION = uuid(101);
const k = (n: number) => uuid(n, 'eeeeeeee');

describe('attribution', () => {
  describe('attributeSecret', () => {
    it('is recorded when the record names a password of the app', () => {
      const result = attributeSecret(
        CONNECTION,
        [password(k(1), NOW + days(10)), ours(k(2), CONNECTION, NOW - days(1))],
        record(k(2), NOW - days(1)),
        NOW,
      );
      assert.deepEqual(result, {
        problem: null,
        credential: {
          kind: 'secret',
          keyId: k(2),
          displayName: `sc-rotator ${CONNECTION} ${iso(NOW - days(1))}`,
          endDateTime: iso(NOW - days(1) + days(180)),
          attribution: 'recorded',
          candidates: 1,
        },
      });
    });

    it('matches the recorded keyId case-insensitively', () => {
      const result = attributeSecret(
        CONNECTION,
        [password(k(1).toUpperCase(), NOW + days(10))],
        record(k(1), NOW),
        NOW,
      );
      assert.equal(result.credential?.attribution, 'recorded');
    });

    it('counts an expired recorded password even when a newer one exists', () => {
      const result = attributeSecret(
        CONNECTION,
        [password(k(1), NOW - days(2)), password(k(2), NOW + days(300))],
        record(k(1), NOW - days(200)),
        NOW,
      );
      assert.equal(result.credential?.keyId, k(1));
      assert.equal(result.credential?.attribution, 'recorded');
    });

    it('reports recorded_credential_missing when the recorded keyId is no longer on the app', () => {
      const result = attributeSecret(
        CONNECTION,
        [password(k(1), NOW + days(10))],
        record(k(9), NOW - days(3)),
        NOW,
      );
      assert.deepEqual(result, { credential: null, problem: 'recorded_credential_missing' });
    });

    it('infers the only unexpired password, ignoring expired ones', () => {
      const result = attributeSecret(
        CONNECTION,
        [password(k(1), NOW - days(3)), password(k(2), NOW + days(40))],
        null,
        NOW,
      );
      assert.equal(result.credential?.keyId, k(2));
      assert.equal(result.credential?.attribution, 'inferred');
      assert.equal(result.credential?.candidates, 1);
    });

    it('counts the soonest-expiring of several unexpired candidates as unknown', () => {
      const result = attributeSecret(
        CONNECTION,
        [password(k(1), NOW + days(90)), password(k(2), NOW + days(12)), password(k(3), NOW + days(400))],
        null,
        NOW,
      );
      assert.equal(result.credential?.keyId, k(2));
      assert.equal(result.credential?.attribution, 'unknown');
      assert.equal(result.credential?.candidates, 3);
    });

    it('counts the latest-expiring one when every candidate has expired', () => {
      const result = attributeSecret(
        CONNECTION,
        [password(k(1), NOW - days(30)), password(k(2), NOW - 1000)],
        null,
        NOW,
      );
      assert.equal(result.credential?.keyId, k(2));
      assert.equal(result.credential?.attribution, 'unknown');
    });

    it('infers a single expired password', () => {
      const result = attributeSecret(CONNECTION, [password(k(1), NOW - 1000)], null, NOW);
      assert.equal(result.credential?.attribution, 'inferred');
      assert.equal(result.credential?.endDateTime, iso(NOW - 1000));
    });

    it('reports no_password when the app has no password at all', () => {
      assert.deepEqual(attributeSecret(CONNECTION, [], null, NOW), {
        credential: null,
        problem: 'no_password',
      });
    });

    it('never counts a password our marker assigns to another connection', () => {
      const result = attributeSecret(
        CONNECTION,
        [ours(k(1), OTHER_CONNECTION, NOW - days(1)), password(k(2), NOW + days(50))],
        null,
        NOW,
      );
      assert.equal(result.credential?.keyId, k(2));
      assert.equal(result.credential?.attribution, 'inferred');
    });

    it('reports no_password when every password belongs to other connections', () => {
      const result = attributeSecret(CONNECTION, [ours(k(1), OTHER_CONNECTION, NOW - days(1))], null, NOW);
      assert.deepEqual(result, { credential: null, problem: 'no_password' });
    });

    it('counts our own unrecorded passwords for this connection as candidates', () => {
      const result = attributeSecret(
        CONNECTION,
        [ours(k(1), CONNECTION, NOW - days(170)), password(k(2), NOW + days(50))],
        null,
        NOW,
      );
      assert.equal(result.credential?.keyId, k(1));
      assert.equal(result.credential?.attribution, 'unknown');
    });

    it('ignores passwords without an end date', () => {
      const undated = { ...password(k(1), NOW), endDateTime: null };
      const result = attributeSecret(CONNECTION, [undated, password(k(2), NOW + days(5))], null, NOW);
      assert.equal(result.credential?.keyId, k(2));
      assert.equal(result.credential?.attribution, 'inferred');
    });
  });

  describe('attributeCertificate', () => {
    const cert = (keyId: string, endMs: number, usage = 'Verify'): KeyCredentialInfo => ({
      keyId,
      displayName: 'CN=deploy',
      type: 'AsymmetricX509Cert',
      usage,
      startDateTime: iso(endMs - days(365)),
      endDateTime: iso(endMs),
    });

    it('counts the soonest unexpired Verify certificate', () => {
      const result = attributeCertificate(
        [cert(k(1), NOW + days(60)), cert(k(2), NOW + days(20)), cert(k(3), NOW + days(5), 'Sign')],
        NOW,
      );
      assert.equal(result.credential?.keyId, k(2));
      assert.equal(result.credential?.kind, 'certificate');
      assert.equal(result.credential?.attribution, 'unknown');
    });

    it('reports no_certificate when there is no Verify certificate', () => {
      assert.deepEqual(attributeCertificate([cert(k(1), NOW + days(5), 'Sign')], NOW), {
        credential: null,
        problem: 'no_certificate',
      });
    });
  });
});

/**
 * Issue #4, retiring (spec §5.1 step 6) with the real adapters: a password this product minted and
 * then superseded is revoked once `revokeAfterHours` have passed since the switch, not a minute
 * before; passwords it did not mint are never revoked.
 */
import assert from 'node:assert/strict';
import type { Emulator } from '../../emulator';
import { hasCode } from '../../lib/errors';
import {
  assertStoredSecretWorks,
  connectionState,
  connectRotator,
  EmulatorDrivenClock,
  passwordKeyIds,
  RemovalWitness,
  recordOf,
  resultOf,
  runRotation,
  startRotationEmulator,
  storedKeyId,
} from './rotation-harness';
import { APPS, CONNECTIONS, KEYS, TENANT } from './rotation-org';

const HOUR = 3_600_000;

describe('retiring superseded secrets (real adapters)', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('revokes the superseded secret after the grace period, not before, and never a foreign one', async () => {
    emulator = await startRotationEmulator();
    const e = emulator;
    const clock = new EmulatorDrivenClock(e);
    const witness = new RemovalWitness(e);
    const run = () => runRotation(e, { rotator: connectRotator(e, clock), clock, names: ['prod'], witness });
    const r0Secret = () => {
      const found = e.state
        .application(APPS.prod.appId)
        ?.passwordCredentials.find((p) => p.keyId === KEYS.prodR0);
      assert.ok(found);
      return found.secretText;
    };
    const r0 = r0Secret();
    const {
      secret: _s0,
      description: _d0,
      modificationDate: _m0,
      ...prodBefore
    } = connectionState(e, CONNECTIONS.prod);

    // The rotation supersedes R0 (and retires R_OLD, superseded 170 days ago, at once).
    const first = await run();
    const rotated = resultOf(first, CONNECTIONS.prod);
    assert.equal(rotated.action, 'rotated');
    assert.deepEqual(rotated.removedKeyIds, [KEYS.prodOld]);
    const installedAt = Date.parse(recordOf(e, CONNECTIONS.prod)?.installedAt ?? '');
    assert.ok(rotated.newKeyId);
    assert.deepEqual(
      passwordKeyIds(e, APPS.prod.appId),
      [KEYS.prodR0, KEYS.prodForeign, rotated.newKeyId].sort(),
    );
    // The PUT of a connection shared into two projects kept both references with their names, and
    // every data field and parameter.
    const {
      secret: _s1,
      description: _d1,
      modificationDate: _m1,
      ...prodAfter
    } = connectionState(e, CONNECTIONS.prod);
    assert.deepEqual(prodAfter, prodBefore);
    assert.deepEqual(
      prodAfter.projects.map((p) => p.connectionName),
      ['prod', 'prod-in-beta'],
    );

    // 23 h 59 min after the switch: R0 is kept, and still signs in (pipelines holding it keep working).
    e.clock.set(new Date(installedAt + 24 * HOUR - 60_000));
    const early = await run();
    assert.equal(early.plan.entries[0]?.action, 'nothing');
    assert.deepEqual(early.plan.entries[0]?.retire, []);
    assert.deepEqual(early.executionLog, []);
    assert.ok(passwordKeyIds(e, APPS.prod.appId).includes(KEYS.prodR0));
    await connectRotator(e, clock).clients.prover.proveSecret(TENANT, APPS.prod.appId, r0);

    // 24 h after: R0 is revoked, only R0; the foreign password and the one in use stay.
    e.clock.set(new Date(installedAt + 24 * HOUR));
    const due = await run();
    assert.deepEqual(due.plan.entries[0]?.retire, [KEYS.prodR0]);
    const retired = resultOf(due, CONNECTIONS.prod);
    assert.equal(retired.action, 'retired');
    assert.deepEqual(retired.removedKeyIds, [KEYS.prodR0]);
    assert.deepEqual(
      due.executionLog.map((x) => `${x.operation} ${x.status}`),
      ['devops.endpoints.get 200', 'graph.applications.removePassword 204'],
    );
    assert.deepEqual(passwordKeyIds(e, APPS.prod.appId), [KEYS.prodForeign, rotated.newKeyId].sort());
    assert.equal(storedKeyId(e, CONNECTIONS.prod), rotated.newKeyId);
    const refused = await connectRotator(e, clock)
      .clients.prover.proveSecret(TENANT, APPS.prod.appId, r0)
      .then(
        () => null,
        (error: unknown) => error,
      );
    assert.ok(hasCode(refused, 'rotation.proof_failed'), 'the revoked secret no longer signs in');
    await assertStoredSecretWorks(e, connectRotator(e, clock), CONNECTIONS.prod);

    // Much later, nothing else is ever removed: the foreign password outlives every run.
    e.clock.advance(100 * 24 * HOUR);
    const later = await run();
    assert.deepEqual(later.executionLog, []);
    assert.deepEqual(
      witness.removals.map((r) => r.keyId),
      [KEYS.prodOld, KEYS.prodR0],
    );
    witness.assertNoSecretInUseRevoked();
  });
});

/**
 * Issue #14 §1 and §2 with the real clients against the emulator (the task-level proofs are in
 * test/task/emergency-and-injection.test.ts):
 *
 * - `forceRotation` of a connection rotated the day before (ok, nothing due): one new secret, and
 *   with `revokeAfterHours: 0` the secret it supersedes is revoked in that same run; with the grace
 *   not yet over it is kept (and still signs in) until a run after the grace;
 * - a first rotation (no record) that died between mint and switch leaves an orphan; the next run,
 *   past the 60-minute guard, rotates and removes that orphan in the run that commits the record.
 */
import assert from 'node:assert/strict';
import type { Emulator } from '../../emulator';
import { hasCode } from '../../lib/errors';
import {
  assertStoredSecretWorks,
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

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const sorted = (keys: readonly string[]) => [...keys].sort();

describe('emergency rotation and crashed first rotations (real clients, issue #14)', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  /** `prod` rotated once (day 0), then one day later: ok, nothing due. Returns the secret it holds (keyId and text). */
  async function rotatedTheDayBefore(e: Emulator, clock: EmulatorDrivenClock, witness: RemovalWitness) {
    const first = await runRotation(e, {
      rotator: connectRotator(e, clock),
      clock,
      names: ['prod'],
      witness,
    });
    const n1 = resultOf(first, CONNECTIONS.prod).newKeyId;
    assert.ok(n1);
    e.clock.advance(24 * HOUR);
    const quiet = await runRotation(e, {
      rotator: connectRotator(e, clock),
      clock,
      names: ['prod'],
      witness,
    });
    // A day later R0 is past its 24-hour grace: that run retires it, and prod is ok.
    assert.equal(quiet.inventory.connections[0]?.status, 'ok');
    assert.equal(quiet.plan.entries[0]?.rotate, null);
    assert.deepEqual(sorted(passwordKeyIds(e, APPS.prod.appId)), sorted([KEYS.prodForeign, n1]));
    e.clock.advance(HOUR);
    const secret = e.state
      .application(APPS.prod.appId)
      ?.passwordCredentials.find((p) => p.keyId === n1)?.secretText;
    assert.ok(secret);
    return { keyId: n1, secret };
  }

  it('forceRotation with revokeAfterHours 0: a connection rotated the day before gets one new secret and the previous one is revoked in the same run', async () => {
    emulator = await startRotationEmulator();
    const e = emulator;
    const clock = new EmulatorDrivenClock(e);
    const witness = new RemovalWitness(e);
    const { keyId: n1, secret: n1Secret } = await rotatedTheDayBefore(e, clock, witness);

    const masked: string[] = [];
    const forced = await runRotation(e, {
      rotator: connectRotator(e, clock),
      clock,
      names: ['prod'],
      witness,
      policy: { forceRotation: true, revokeAfterHours: 0 },
      masked,
    });
    const entry = forced.plan.entries[0];
    assert.equal(entry?.rotate?.reason, 'forced');
    assert.deepEqual(entry?.supersedes, [n1]);
    const result = resultOf(forced, CONNECTIONS.prod);
    assert.equal(result.action, 'rotated');
    assert.equal(result.error, null);
    assert.ok(result.newKeyId);
    assert.deepEqual(result.removedKeyIds, [n1], 'the superseded secret, revoked in this run');
    assert.equal(masked.length, 1, 'one new secret, masked');
    // One write to mint, one to revoke, in this order, after the switch and its confirmation.
    const writes = forced.executionLog.filter((x) => x.write).map((x) => `${x.operation} ${x.status}`);
    assert.deepEqual(writes, [
      'graph.applications.addPassword 200',
      'devops.endpoints.update 200',
      'graph.applications.removePassword 204',
    ]);
    const seq = (op: string) => forced.executionLog.findIndex((x) => x.operation === op);
    const lastTest = forced.executionLog.map((x) => x.operation).lastIndexOf('devops.endpointproxy.execute');
    assert.ok(
      lastTest < seq('graph.applications.removePassword'),
      'revoked after the confirming TestConnection',
    );

    assert.equal(storedKeyId(e, CONNECTIONS.prod), result.newKeyId);
    assert.equal(recordOf(e, CONNECTIONS.prod)?.keyId, result.newKeyId);
    assert.deepEqual(sorted(passwordKeyIds(e, APPS.prod.appId)), sorted([KEYS.prodForeign, result.newKeyId]));
    await assertStoredSecretWorks(e, connectRotator(e, clock), CONNECTIONS.prod);
    const refused = await connectRotator(e, clock)
      .clients.prover.proveSecret(TENANT, APPS.prod.appId, n1Secret)
      .then(
        () => null,
        (error: unknown) => error,
      );
    assert.ok(hasCode(refused, 'rotation.proof_failed'), 'the leaked secret no longer signs in');
    witness.assertNoSecretInUseRevoked();
  });

  it('forceRotation with the grace not yet over: the previous secret is kept and still signs in, and the first run after the grace revokes it', async () => {
    emulator = await startRotationEmulator();
    const e = emulator;
    const clock = new EmulatorDrivenClock(e);
    const witness = new RemovalWitness(e);
    const { keyId: n1, secret: n1Secret } = await rotatedTheDayBefore(e, clock, witness);

    const forced = await runRotation(e, {
      rotator: connectRotator(e, clock),
      clock,
      names: ['prod'],
      witness,
      policy: { forceRotation: true, revokeAfterHours: 2 },
    });
    const result = resultOf(forced, CONNECTIONS.prod);
    assert.equal(result.action, 'rotated');
    assert.deepEqual(result.removedKeyIds, []);
    const n2 = result.newKeyId;
    assert.ok(n2);
    assert.deepEqual(sorted(passwordKeyIds(e, APPS.prod.appId)), sorted([KEYS.prodForeign, n1, n2]));
    await connectRotator(e, clock).clients.prover.proveSecret(TENANT, APPS.prod.appId, n1Secret);

    // 1 h 59 min later: kept. 2 h later: revoked, by a run without forceRotation.
    const installedAt = Date.parse(recordOf(e, CONNECTIONS.prod)?.installedAt ?? '');
    e.clock.set(new Date(installedAt + 2 * HOUR - MINUTE));
    const early = await runRotation(e, {
      rotator: connectRotator(e, clock),
      clock,
      names: ['prod'],
      witness,
      policy: { revokeAfterHours: 2 },
    });
    assert.deepEqual(early.executionLog, []);
    e.clock.set(new Date(installedAt + 2 * HOUR));
    const due = await runRotation(e, {
      rotator: connectRotator(e, clock),
      clock,
      names: ['prod'],
      witness,
      policy: { revokeAfterHours: 2 },
    });
    assert.equal(resultOf(due, CONNECTIONS.prod).action, 'retired');
    assert.deepEqual(resultOf(due, CONNECTIONS.prod).removedKeyIds, [n1]);
    assert.deepEqual(sorted(passwordKeyIds(e, APPS.prod.appId)), sorted([KEYS.prodForeign, n2]));
    await assertStoredSecretWorks(e, connectRotator(e, clock), CONNECTIONS.prod);
    witness.assertNoSecretInUseRevoked();
  });

  it('a first rotation that died between mint and switch: the next run removes its orphan in the run that commits the record', async () => {
    emulator = await startRotationEmulator();
    const e = emulator;
    const clock = new EmulatorDrivenClock(e);
    const witness = new RemovalWitness(e);
    const run = (stopAfter?: (step: string) => boolean) =>
      runRotation(e, {
        rotator: connectRotator(e, clock),
        clock,
        names: ['web'],
        witness,
        ...(stopAfter ? { stopAfter } : {}),
      });

    // Run 1: `web` has no record (a hand-made secret, 5 days left): it dies after proving the connection.
    const crashed = await run((step) => step === 'prove_connection');
    const r1 = resultOf(crashed, CONNECTIONS.web);
    assert.equal(r1.error?.code, 'rotation.aborted');
    const orphan = r1.newKeyId;
    assert.ok(orphan);
    assert.equal(recordOf(e, CONNECTIONS.web), null);
    assert.equal(storedKeyId(e, CONNECTIONS.web), KEYS.webHand);
    assert.deepEqual(
      sorted(passwordKeyIds(e, APPS.web.appId)),
      sorted([KEYS.webHand, KEYS.webForeign, orphan]),
    );

    // Run 2, 61 minutes later (past the orphan guard): rotates, records, and removes the orphan now.
    e.clock.advance(61 * MINUTE);
    const next = await run();
    const entry = next.plan.entries[0];
    assert.equal(entry?.action, 'rotate');
    assert.deepEqual(entry?.orphansAfterSwitch, [orphan]);
    const r2 = resultOf(next, CONNECTIONS.web);
    assert.equal(r2.action, 'rotated');
    assert.equal(r2.error, null);
    assert.deepEqual(r2.removedKeyIds, [orphan]);
    assert.ok(r2.newKeyId);
    assert.equal(recordOf(e, CONNECTIONS.web)?.keyId, r2.newKeyId);
    // The removal came after the switching PUT committed the record.
    const ops = next.executionLog.map((x) => `${x.operation} ${x.status}`);
    assert.ok(
      ops.indexOf('devops.endpoints.update 200') < ops.indexOf('graph.applications.removePassword 204'),
      ops.join(', '),
    );
    // Zero orphans: the hand-made secret it replaced and the foreign one stay (never ours to revoke).
    assert.deepEqual(
      sorted(passwordKeyIds(e, APPS.web.appId)),
      sorted([KEYS.webHand, KEYS.webForeign, r2.newKeyId]),
    );
    await assertStoredSecretWorks(e, connectRotator(e, clock), CONNECTIONS.web);
    witness.assertNoSecretInUseRevoked();

    // And a further run has nothing left to clean.
    e.clock.advance(MINUTE);
    const after = await run();
    assert.deepEqual(after.executionLog, []);
  });
});

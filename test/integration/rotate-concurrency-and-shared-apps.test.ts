/**
 * Issue #4: two rotations of one connection at once (two independent client sets, as two task
 * runs), and two connections behind the same app, with the real adapters against the emulator.
 * One working recorded secret at the end; a loser removes only its own password; no connection's
 * secret is ever removed by the rotation of another.
 */
import assert from 'node:assert/strict';
import type { Emulator } from '../../emulator';
import { MS_PER_DAY } from '../../lib/clock';
import type { DevOpsClient } from '../../lib/devops/devops-client';
import { parseMarker } from '../../lib/rotation/marker';
import type { ConnectionStore } from '../../lib/rotation/ports';
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
import { APPS, CONNECTIONS, KEYS } from './rotation-org';

const sorted = (keys: ReadonlyArray<string | null>) => keys.map((k) => k ?? '(none)').sort();

/** Resolves for everyone once `parties` callers are waiting. */
function barrier(parties: number): () => Promise<void> {
  let waiting = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    waiting += 1;
    if (waiting === parties) release();
    return all;
  };
}

describe('concurrent rotations and shared apps (real adapters)', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('two runs switching the same connection at once: one wins, the loser removes only its own password', async () => {
    emulator = await startRotationEmulator();
    const e = emulator;
    const clock = new EmulatorDrivenClock(e);
    const witness = new RemovalWitness(e);
    // Both PUTs are sent only once both runs are about to switch, and neither run confirms before
    // both PUTs were answered: the worst interleaving, made certain.
    const beforePut = barrier(2);
    const afterPut = barrier(2);
    const held = (devops: DevOpsClient): ConnectionStore => ({
      get: (projectId, id) => devops.get(projectId, id),
      test: (projectId, id, proposed) => devops.test(projectId, id, proposed),
      update: async (document) => {
        await beforePut();
        try {
          return await devops.update(document);
        } finally {
          await afterPut();
        }
      },
    });
    const a = connectRotator(e, clock);
    const b = connectRotator(e, clock);

    const [runA, runB] = await Promise.all([
      runRotation(e, { rotator: a, clock, names: ['web'], witness, connections: held(a.clients.devops) }),
      runRotation(e, { rotator: b, clock, names: ['web'], witness, connections: held(b.clients.devops) }),
    ]);

    const results = [resultOf(runA, CONNECTIONS.web), resultOf(runB, CONNECTIONS.web)];
    assert.deepEqual(results.map((r) => r.action).sort(), ['race_lost', 'rotated']);
    const winner = results.find((r) => r.action === 'rotated')!;
    const loser = results.find((r) => r.action === 'race_lost')!;
    assert.ok(winner.newKeyId && loser.newKeyId && winner.newKeyId !== loser.newKeyId);
    assert.equal(loser.error?.code, 'rotation.race_lost');
    assert.deepEqual(loser.removedKeyIds, [loser.newKeyId]);
    assert.deepEqual(winner.removedKeyIds, []);
    // The later PUT won: its record and secret are what the connection holds.
    const puts = e.requests().filter((x) => x.operation === 'devops.endpoints.update');
    assert.deepEqual(
      puts.map((x) => x.status),
      [200, 200],
    );
    assert.equal(storedKeyId(e, CONNECTIONS.web), winner.newKeyId);
    assert.equal(recordOf(e, CONNECTIONS.web)?.keyId, winner.newKeyId);
    // Exactly one removal: the loser's own password, never the winner's or anyone else's.
    assert.deepEqual(
      witness.removals.map((r) => r.keyId),
      [loser.newKeyId],
    );
    witness.assertNoSecretInUseRevoked();
    assert.deepEqual(
      passwordKeyIds(e, APPS.web.appId),
      sorted([KEYS.webHand, KEYS.webForeign, winner.newKeyId]),
    );
    await assertStoredSecretWorks(e, connectRotator(e, clock), CONNECTIONS.web);
  });

  it('two runs left to race freely end with one working recorded secret, and converge after the grace', async () => {
    emulator = await startRotationEmulator();
    const e = emulator;
    const clock = new EmulatorDrivenClock(e);
    const witness = new RemovalWitness(e);

    const runs = await Promise.all([
      runRotation(e, { rotator: connectRotator(e, clock), clock, names: ['web'], witness }),
      runRotation(e, { rotator: connectRotator(e, clock), clock, names: ['web'], witness }),
    ]);

    const results = runs.map((run) => resultOf(run, CONNECTIONS.web));
    for (const result of results) assert.ok(['rotated', 'race_lost'].includes(result.action), result.action);
    assert.ok(results.some((r) => r.action === 'rotated'));
    const stored = storedKeyId(e, CONNECTIONS.web);
    assert.ok(stored && results.some((r) => r.newKeyId === stored));
    assert.equal(recordOf(e, CONNECTIONS.web)?.keyId, stored);
    witness.assertNoSecretInUseRevoked();
    await assertStoredSecretWorks(e, connectRotator(e, clock), CONNECTIONS.web);

    // Whatever the interleaving, a run after the grace leaves the foreign, hand-made and recorded ones.
    e.clock.advance(25 * 3_600_000);
    const after = await runRotation(e, { rotator: connectRotator(e, clock), clock, names: ['web'], witness });
    assert.ok(['nothing', 'retired', 'cleaned'].includes(resultOf(after, CONNECTIONS.web).action));
    assert.deepEqual(passwordKeyIds(e, APPS.web.appId), sorted([KEYS.webHand, KEYS.webForeign, stored]));
    assert.equal(storedKeyId(e, CONNECTIONS.web), stored);
    witness.assertNoSecretInUseRevoked();
    await assertStoredSecretWorks(e, connectRotator(e, clock), CONNECTIONS.web);
  });

  it('two connections on one app each get their own secret, and neither ever revokes the other', async () => {
    emulator = await startRotationEmulator();
    const e = emulator;
    const clock = new EmulatorDrivenClock(e);
    const witness = new RemovalWitness(e);
    const run = () =>
      runRotation(e, { rotator: connectRotator(e, clock), clock, names: ['shared-x', 'shared-y'], witness });

    // Cycle 1: both due (5 and 6 days left); both rotated, in one run, at once.
    const first = await run();
    const x1 = resultOf(first, CONNECTIONS.sharedX);
    const y1 = resultOf(first, CONNECTIONS.sharedY);
    assert.equal(x1.action, 'rotated');
    assert.equal(y1.action, 'rotated');
    assert.ok(x1.newKeyId && y1.newKeyId && x1.newKeyId !== y1.newKeyId);
    assert.equal(storedKeyId(e, CONNECTIONS.sharedX), x1.newKeyId);
    assert.equal(storedKeyId(e, CONNECTIONS.sharedY), y1.newKeyId);
    assert.equal(recordOf(e, CONNECTIONS.sharedX)?.keyId, x1.newKeyId);
    assert.equal(recordOf(e, CONNECTIONS.sharedY)?.keyId, y1.newKeyId);
    const markers = new Map(
      e.state
        .snapshot()
        .applications.find((app) => app.appId === APPS.shared.appId)!
        .passwordCredentials.map((p) => [p.keyId, parseMarker(p.displayName)?.connectionId ?? null]),
    );
    assert.equal(markers.get(x1.newKeyId), CONNECTIONS.sharedX);
    assert.equal(markers.get(y1.newKeyId), CONNECTIONS.sharedY);
    assert.deepEqual(
      passwordKeyIds(e, APPS.shared.appId),
      sorted([KEYS.sharedX, KEYS.sharedY, x1.newKeyId, y1.newKeyId]),
    );
    assert.equal(witness.removals.length, 0);

    // Each now counts its own recorded secret, not the other's.
    e.clock.advance(60_000);
    const settled = await run();
    for (const [id, keyId] of [
      [CONNECTIONS.sharedX, x1.newKeyId],
      [CONNECTIONS.sharedY, y1.newKeyId],
    ] as const) {
      const report = settled.inventory.connections.find((c) => c.id === id);
      assert.equal(report?.credential?.keyId, keyId);
      assert.equal(report?.credential?.attribution, 'recorded');
      assert.equal(resultOf(settled, id).action, 'nothing');
    }
    assert.deepEqual(settled.executionLog, []);

    // Cycle 2, 160 days on: both due again; each supersedes only its own.
    e.clock.advance(160 * MS_PER_DAY);
    const second = await run();
    const x2 = resultOf(second, CONNECTIONS.sharedX);
    const y2 = resultOf(second, CONNECTIONS.sharedY);
    assert.equal(x2.action, 'rotated');
    assert.equal(y2.action, 'rotated');
    assert.deepEqual([...x2.removedKeyIds, ...y2.removedKeyIds], []);
    await assertStoredSecretWorks(e, connectRotator(e, clock), CONNECTIONS.sharedX);
    await assertStoredSecretWorks(e, connectRotator(e, clock), CONNECTIONS.sharedY);

    // After the grace each retires exactly its own superseded password; the hand-made ones stay.
    e.clock.advance(25 * 3_600_000);
    const third = await run();
    assert.equal(resultOf(third, CONNECTIONS.sharedX).action, 'retired');
    assert.equal(resultOf(third, CONNECTIONS.sharedY).action, 'retired');
    assert.deepEqual(resultOf(third, CONNECTIONS.sharedX).removedKeyIds, [x1.newKeyId]);
    assert.deepEqual(resultOf(third, CONNECTIONS.sharedY).removedKeyIds, [y1.newKeyId]);
    assert.deepEqual(
      passwordKeyIds(e, APPS.shared.appId),
      sorted([KEYS.sharedX, KEYS.sharedY, x2.newKeyId, y2.newKeyId]),
    );
    assert.equal(storedKeyId(e, CONNECTIONS.sharedX), x2.newKeyId);
    assert.equal(storedKeyId(e, CONNECTIONS.sharedY), y2.newKeyId);
    witness.assertNoSecretInUseRevoked();
    await assertStoredSecretWorks(e, connectRotator(e, clock), CONNECTIONS.sharedX);
    await assertStoredSecretWorks(e, connectRotator(e, clock), CONNECTIONS.sharedY);
  });
});

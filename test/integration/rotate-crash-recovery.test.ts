/**
 * Issue #4, crash safety (spec §5.2): a run of the real adapters dies after each step of the
 * protocol (`stopAfter`), then fresh runs (new clients, as a new process) follow with the emulator
 * and library clocks moved past the 60-minute orphan guard and later past the 24-hour grace.
 *
 * `prod` starts recorded on our password R0 (10 days left), with our older R_OLD superseded long
 * ago and a foreign password. Every run must leave one recorded, working secret; the orphan a
 * crash leaves is removed by the next run; no password a connection stores is ever removed; and
 * all six crash points end in the same final state: the foreign password plus the recorded one.
 */
import assert from 'node:assert/strict';
import type { Emulator } from '../../emulator';
import type { RotationStep } from '../../lib/rotation/results';
import {
  assertStoredSecretWorks,
  connectRotator,
  EmulatorDrivenClock,
  passwordKeyIds,
  RemovalWitness,
  type RunOutcome,
  recordOf,
  resultOf,
  runRotation,
  startRotationEmulator,
  storedKeyId,
} from './rotation-harness';
import { APPS, CONNECTIONS, KEYS } from './rotation-org';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const sorted = (keys: ReadonlyArray<string | null | undefined>) => keys.map((k) => k ?? '(none)').sort();

/** What the first run left, by the step it died after. */
const SWITCHED: Record<string, boolean> = {
  mint: false,
  prove_credential: false,
  prove_connection: false,
  switch: true,
  confirm: true,
  retire: true,
};

describe('a rotation that crashes at any step converges on the next runs (real adapters)', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  for (const step of Object.keys(SWITCHED) as RotationStep[]) {
    it(`after a crash after "${step}"`, async () => {
      emulator = await startRotationEmulator();
      const e = emulator;
      const clock = new EmulatorDrivenClock(e);
      const witness = new RemovalWitness(e);
      const run = (stopAfter?: (s: RotationStep) => boolean): Promise<RunOutcome> =>
        runRotation(e, {
          rotator: connectRotator(e, clock),
          clock,
          names: ['prod'],
          witness,
          ...(stopAfter ? { stopAfter } : {}),
        });
      const assertConsistent = async () => {
        // One recorded secret, stored, present on the app and working.
        const stored = storedKeyId(e, CONNECTIONS.prod);
        assert.equal(recordOf(e, CONNECTIONS.prod)?.keyId, stored);
        assert.ok(stored && passwordKeyIds(e, APPS.prod.appId).includes(stored));
        await assertStoredSecretWorks(e, connectRotator(e, clock), CONNECTIONS.prod);
      };

      // Run 1 plans: rotate (R0 has 10 days left) and retire R_OLD; it dies after `step`.
      const first = await run((s) => s === step);
      const entry = first.plan.entries[0];
      assert.equal(entry?.action, 'rotate');
      assert.deepEqual(entry?.retire, [KEYS.prodOld]);
      assert.deepEqual(entry?.removeOrphans, []);
      const r1 = resultOf(first, CONNECTIONS.prod);
      assert.equal(r1.error?.code, 'rotation.aborted');
      const n1 = r1.newKeyId;
      assert.ok(n1);
      const switched = SWITCHED[step]!;
      assert.equal(storedKeyId(e, CONNECTIONS.prod), switched ? n1 : KEYS.prodR0);
      assert.deepEqual(
        passwordKeyIds(e, APPS.prod.appId),
        sorted([...(step === 'retire' ? [] : [KEYS.prodOld]), KEYS.prodR0, KEYS.prodForeign, n1]),
      );
      await assertConsistent();

      // Emulator time is the library's time (EmulatorDrivenClock): both move together.
      // Run 2, past the orphan guard: an unswitched N1 is an orphan (minted after R0's record).
      e.clock.advance(61 * MINUTE);
      const second = await run();
      const r2 = resultOf(second, CONNECTIONS.prod);
      let current: string;
      if (switched) {
        // N1 is recorded and fresh; R_OLD and R0 were superseded less than 24 hours ago: nothing to do.
        assert.equal(second.plan.entries[0]?.action, 'nothing');
        assert.equal(r2.action, 'nothing');
        assert.deepEqual(second.executionLog, [], 'a run with nothing due sends nothing');
        current = n1;
      } else {
        assert.equal(second.plan.entries[0]?.action, 'rotate');
        assert.deepEqual(second.plan.entries[0]?.retire, [KEYS.prodOld]);
        assert.deepEqual(second.plan.entries[0]?.removeOrphans, [n1]);
        assert.equal(r2.action, 'rotated');
        assert.equal(r2.error, null);
        assert.deepEqual(r2.removedKeyIds, [KEYS.prodOld, n1]);
        assert.ok(r2.newKeyId);
        current = r2.newKeyId;
        assert.deepEqual(
          passwordKeyIds(e, APPS.prod.appId),
          sorted([KEYS.prodR0, KEYS.prodForeign, current]),
        );
      }
      assert.equal(storedKeyId(e, CONNECTIONS.prod), current);
      await assertConsistent();

      // Run 3, past the 24-hour grace: what the switch superseded is revoked, nothing else.
      e.clock.advance(25 * HOUR);
      const third = await run();
      const r3 = resultOf(third, CONNECTIONS.prod);
      assert.equal(r3.action, 'retired');
      assert.deepEqual(
        sorted(r3.removedKeyIds),
        sorted(step === 'switch' || step === 'confirm' ? [KEYS.prodOld, KEYS.prodR0] : [KEYS.prodR0]),
      );
      assert.equal(
        third.executionLog.filter((x) => x.write).length,
        r3.removedKeyIds.length,
        'only the removals were written',
      );
      await assertConsistent();

      // Converged: the foreign password and the recorded one; a further run changes nothing.
      e.clock.advance(MINUTE);
      const fourth = await run();
      assert.equal(resultOf(fourth, CONNECTIONS.prod).action, 'nothing');
      assert.deepEqual(fourth.executionLog, []);
      assert.deepEqual(passwordKeyIds(e, APPS.prod.appId), sorted([KEYS.prodForeign, current]));
      assert.equal(storedKeyId(e, CONNECTIONS.prod), current);
      assert.equal(recordOf(e, CONNECTIONS.prod)?.keyId, current);
      await assertConsistent();

      // Never a removal of a password a connection stored at that moment, nor of the foreign one.
      witness.assertNoSecretInUseRevoked();
      assert.ok(witness.removals.every((r) => r.keyId !== KEYS.prodForeign));
    });
  }
});

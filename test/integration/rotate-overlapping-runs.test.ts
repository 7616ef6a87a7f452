/**
 * Issue #4, two runs at once where BOTH succeed (spec §5.1 step 6, §5.2): run A switches the
 * connection to its password and confirms it, then the slower run B, which read the connection
 * before A's switch, overwrites it with its own. A's password was the connection's secret in
 * between (pipelines starting then hold it), so it is a superseded secret: it must be kept for
 * `revokeAfterHours` after B's switch, not removed as a crashed run's orphan an hour later.
 *
 * Both orders of A's mint relative to B's reading are forced with held calls of the real
 * DevOpsClient, on a connection without a record (`web`) and one with a record (`prod`).
 */
import assert from 'node:assert/strict';
import type { Emulator } from '../../emulator';
import { MS_PER_HOUR } from '../../lib/clock';
import type { DevOpsClient } from '../../lib/devops/devops-client';
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

interface Gate {
  reached: Promise<void>;
  open: () => void;
  arrive: () => Promise<void>;
}

/** A point a run stops at (`arrive`) until the test opens it; `reached` tells the test it got there. */
function gate(): Gate {
  let reached!: () => void;
  let open!: () => void;
  const reachedP = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  let used = false;
  return {
    reached: reachedP,
    open,
    arrive: () => {
      if (used) return Promise.resolve();
      used = true;
      reached();
      return opened;
    },
  };
}

/** The real client, holding the first proving GET and/or the first TestConnection at a gate. */
function holding(devops: DevOpsClient, at: { get?: Gate; test?: Gate }): ConnectionStore {
  return {
    get: async (projectId, id) => {
      await at.get?.arrive();
      return devops.get(projectId, id);
    },
    test: async (projectId, id, proposed) => {
      if (proposed) await at.test?.arrive();
      return devops.test(projectId, id, proposed);
    },
    update: (document) => devops.update(document),
  };
}

const CASES = [
  { name: 'web', id: CONNECTIONS.web, app: APPS.web, keep: [KEYS.webHand, KEYS.webForeign] },
  { name: 'prod', id: CONNECTIONS.prod, app: APPS.prod, keep: [KEYS.prodForeign] },
] as const;

describe('overlapping rotations that both succeed keep the overwritten secret for the grace (real adapters)', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  for (const target of CASES) {
    for (const order of ['A mints before B reads', 'A mints after B reads'] as const) {
      it(`${target.name}: ${order}`, async () => {
        emulator = await startRotationEmulator();
        const e = emulator;
        const clock = new EmulatorDrivenClock(e);
        const witness = new RemovalWitness(e);
        const a = connectRotator(e, clock);
        const b = connectRotator(e, clock);
        const aAtGet = gate();
        const bAtTest = gate();
        const names = [target.name];
        const runB = () =>
          runRotation(e, {
            rotator: b,
            clock,
            names,
            witness,
            connections: holding(b.clients.devops, { test: bAtTest }),
          });

        let outA: Awaited<ReturnType<typeof runRotation>>;
        let pendingB: ReturnType<typeof runRotation>;
        if (order === 'A mints before B reads') {
          // A mints and proves, then waits; B mints, proves, reads and builds its switch, then waits.
          const pendingA = runRotation(e, {
            rotator: a,
            clock,
            names,
            witness,
            connections: holding(a.clients.devops, { get: aAtGet }),
          });
          await aAtGet.reached;
          e.clock.advance(1000);
          pendingB = runB();
          await bAtTest.reached;
          aAtGet.open();
          outA = await pendingA;
        } else {
          // B reads and builds its switch first; A then runs from mint to confirm.
          pendingB = runB();
          await bAtTest.reached;
          e.clock.advance(1000);
          outA = await runRotation(e, { rotator: a, clock, names, witness });
        }
        const keyA = resultOf(outA, target.id).newKeyId;
        assert.equal(resultOf(outA, target.id).action, 'rotated');
        assert.equal(storedKeyId(e, target.id), keyA, "A's password is the connection's secret now");
        e.clock.advance(1000);
        bAtTest.open();
        const outB = await pendingB;
        const keyB = resultOf(outB, target.id).newKeyId;
        assert.equal(resultOf(outB, target.id).action, 'rotated');
        assert.ok(keyA && keyB);
        assert.equal(storedKeyId(e, target.id), keyB);
        assert.equal(recordOf(e, target.id)?.keyId, keyB);
        const switchedB = e.clock.nowMs();
        await assertStoredSecretWorks(e, connectRotator(e, clock), target.id);

        // Past the orphan guard, well within the grace: A's password, superseded by B's switch
        // moments ago, stays.
        e.clock.advance(61 * 60_000);
        const soon = await runRotation(e, { rotator: connectRotator(e, clock), clock, names, witness });
        const entry = soon.plan.entries[0];
        assert.ok(
          !entry?.removeOrphans.includes(keyA) && !entry?.retire.includes(keyA),
          "A's password, the connection's secret until B's switch an hour ago, is not removed yet",
        );
        assert.ok(passwordKeyIds(e, target.app.appId).includes(keyA));

        // After the grace it is retired; what we did not mint is never touched.
        e.clock.set(new Date(switchedB + 24 * MS_PER_HOUR + 60_000));
        const later = await runRotation(e, { rotator: connectRotator(e, clock), clock, names, witness });
        assert.ok(resultOf(later, target.id).removedKeyIds.includes(keyA));
        assert.deepEqual(passwordKeyIds(e, target.app.appId), [...target.keep, keyB].sort());
        assert.equal(storedKeyId(e, target.id), keyB);
        witness.assertNoSecretInUseRevoked();
        await assertStoredSecretWorks(e, connectRotator(e, clock), target.id);
      });
    }
  }
});

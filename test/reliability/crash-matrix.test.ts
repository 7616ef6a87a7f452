/**
 * Crash matrix (spec §5.2): the bundled task is SIGKILLed at every step boundary of the rotation
 * protocol, for a Manual connection (recorded, with two superseded passwords to retire) and for an
 * Automatic connection being taken over, then run again at once, an hour later (past the orphan
 * guard) and a day later (past the grace). After every run:
 * - each connection's stored secret gets a token, and a record names what is stored;
 * - no password a connection stored was ever removed (checked as each removal happened);
 * - orphans of the crashed run are kept only while younger than the guard, then removed;
 * - at most one superseded product-minted password per connection is within its grace;
 * - passwords the product did not mint are never touched.
 * A day later everything has converged (only the recorded password of ours is left), and a
 * further run writes nothing.
 *
 * Where the kill lands: a line the task prints as a step finishes (its debug log, what an admin
 * sees with system.debug), while the next request of that connection is held by the emulator
 * (delayed, then reset without effect) so the task cannot get further; or the emulator's request
 * hook, at the moment it decided the answer to a write, so the write took effect and the task
 * never saw the answer. Each case checks from the emulator's state that the crash landed there.
 */
import assert from 'node:assert/strict';
import type { Emulator, FaultRuleInput, LoggedRequest } from '../../emulator';
import { MS_PER_HOUR } from '../../lib/clock';
import { parseRecord } from '../../lib/rotation/record';
import { stagedTaskDir, startFor } from '../task/task-harness';
import { AUTO_APP, CONNECTIONS, crashOrg, DEPLOY_APP, KEYS, seededHistory } from './support/crash-org';
import { CredentialWitness } from './support/credential-witness';
import { assertInvariants, productPasswords } from './support/invariants';
import { FULL } from './support/mode';
import { survived } from './support/table';
import { outputsOf, type ReliabilityRun, rowOf, runTaskJob } from './support/task-runs';

const SECTION = 'crash matrix';
const MINUTE = 60_000;

type Kind = 'manual' | 'automatic';

interface Target {
  id: string;
  name: string;
  appId: string;
  objectId: string;
  /** The password it stores before the crashed run. */
  initialKeyId: string;
}

const TARGETS: Record<Kind, Target> = {
  manual: { ...CONNECTIONS.manual, ...DEPLOY_APP, initialKeyId: KEYS.p2 },
  automatic: { ...CONNECTIONS.auto, ...AUTO_APP, initialKeyId: KEYS.auto },
};

interface Arming {
  killWhen?: (line: string) => boolean;
  killOnRequest?: (entry: LoggedRequest) => boolean;
  /** Fault rules that hold the task at the boundary until the kill lands. */
  holds?: FaultRuleInput[];
  /** Propagation delay of new secrets during the crashed run. */
  propagationMs?: number;
}

interface CrashPoint {
  label: string;
  how: string;
  kinds: readonly Kind[];
  /** Whether the switching PUT had landed when the task died. */
  switched: boolean;
  /** Cases in the fast subset (`npm test`). */
  fast: readonly Kind[];
  arm(target: Target): Arming;
}

/** The next request matching `match` waits 30 s, then its connection is reset: it never takes effect. */
function hold(operation: string, match: FaultRuleInput['match']): FaultRuleInput[] {
  return [
    { operation, ...(match ? { match } : {}), kind: 'delay', delayMs: 30_000 },
    { operation, ...(match ? { match } : {}), kind: 'reset' },
  ];
}

const stepLine = (target: Target, step: string) => (line: string) =>
  line.startsWith('##vso[task.debug]') && line.includes(`"${target.name}" ${step}: `);

const POINTS: readonly CrashPoint[] = [
  {
    label: 'after mint',
    how: 'task line "mint"; the first token request held',
    kinds: ['manual', 'automatic'],
    switched: false,
    fast: [],
    arm: (t) => ({ killWhen: stepLine(t, 'mint'), holds: hold('entra.token', { appId: t.appId }) }),
  },
  {
    label: 'during proof',
    how: 'task line "not accepted yet" while propagation (60 s) is retried',
    kinds: ['manual', 'automatic'],
    switched: false,
    fast: [],
    arm: (t) => ({
      killWhen: (line) => line.includes(`new secret of app ${t.appId} not accepted yet`),
      propagationMs: 60_000,
    }),
  },
  {
    label: 'after credential proof',
    how: 'task line "prove_credential"; the connection read held',
    kinds: ['manual', 'automatic'],
    switched: false,
    fast: [],
    arm: (t) => ({
      killWhen: stepLine(t, 'prove_credential'),
      holds: hold('devops.endpoints.get', { connectionId: t.id }),
    }),
  },
  {
    label: 'after connection proof',
    how: 'task line "prove_connection"; the PUT held (never lands)',
    kinds: ['manual', 'automatic'],
    switched: false,
    fast: ['manual'],
    arm: (t) => ({
      killWhen: stepLine(t, 'prove_connection'),
      holds: hold('devops.endpoints.update', { connectionId: t.id }),
    }),
  },
  {
    label: 'after PUT',
    how: 'emulator hook: the switching PUT answered 200, unseen by the task',
    kinds: ['manual', 'automatic'],
    switched: true,
    fast: ['automatic'],
    arm: (t) => ({
      killOnRequest: (e) =>
        e.operation === 'devops.endpoints.update' && e.path.includes(t.id) && e.status === 200,
    }),
  },
  {
    label: 'after confirm',
    how: 'emulator hook: the confirming TestConnection answered',
    kinds: ['manual', 'automatic'],
    switched: true,
    fast: [],
    arm: (t) => {
      let tests = 0;
      return {
        killOnRequest: (e) =>
          e.operation === 'devops.endpointproxy.execute' && e.path.includes(t.id) && ++tests === 2,
      };
    },
  },
  {
    label: 'during retire',
    how: 'emulator hook: the first of two removePassword calls answered 204',
    // A first takeover has nothing to retire: without a record nothing of ours is ever removed.
    kinds: ['manual'],
    switched: true,
    fast: ['manual'],
    arm: (t) => ({
      killOnRequest: (e) =>
        e.operation === 'graph.applications.removePassword' &&
        e.path.includes(t.objectId) &&
        e.status === 204,
    }),
  },
];

const CHECKED = [CONNECTIONS.manual.id, CONNECTIONS.auto.id, CONNECTIONS.shared.id, CONNECTIONS.other.id];
const INPUTS = {
  action: 'rotate',
  projects: 'Platform',
  connections: '*',
  automaticConnections: 'takeOver',
  revokeAfterHours: '24',
};

describe('reliability: the bundled task killed at every step boundary', function () {
  this.timeout(240_000);
  let emulator: Emulator | undefined;
  let witness: CredentialWitness | undefined;

  before(() => {
    stagedTaskDir();
  });

  afterEach(async () => {
    witness?.stop();
    await emulator?.close();
    emulator = undefined;
  });

  for (const point of POINTS) {
    for (const kind of point.kinds) {
      if (!FULL && !point.fast.includes(kind)) continue;
      it(`converges after a crash ${point.label} (${kind})`, async () => {
        const target = TARGETS[kind];
        const startMs = Date.now();
        const org = crashOrg(startMs);
        const e = await startFor(org, { startTime: new Date(startMs) });
        emulator = e;
        const w = new CredentialWitness(e, seededHistory(startMs));
        witness = w;
        const run = (extra: Partial<Parameters<typeof runTaskJob>[0]> = {}) =>
          runTaskJob({ section: SECTION, emulator: e, org, inputs: INPUTS, timeoutMs: 90_000, ...extra });
        const check = (when: string) =>
          assertInvariants(e, w, { connections: CHECKED, graceHours: 24 }, `${point.label}/${kind}, ${when}`);
        const ours = () => productPasswords(e, target.id).map((p) => p.keyId);
        const before = new Set(ours());

        // Run 1 dies at the crash point.
        const arming = point.arm(target);
        const holds = (arming.holds ?? []).map((rule) => e.faults.add(rule).id);
        if (arming.propagationMs) e.faults.propagationDelayMs = arming.propagationMs;
        const crash = await run({
          ...(arming.killWhen ? { killWhen: arming.killWhen } : {}),
          ...(arming.killOnRequest ? { killOnRequest: arming.killOnRequest } : {}),
        });
        for (const id of holds) e.faults.remove(id);
        e.faults.propagationDelayMs = 0;
        assert.ok(
          crash.crashed,
          `killed at the crash point (result ${crash.result}: ${crash.resultMessage})`,
        );
        assert.equal(crash.result, null, 'the task never completed');

        // It died where intended.
        const minted = ours().filter((k) => !before.has(k));
        assert.equal(minted.length, 1, 'the crashed run minted one password for the connection');
        const newKey = minted[0]!;
        assert.equal(w.storedKeyId(target.id), point.switched ? newKey : target.initialKeyId);
        const stored = e.state.connection(target.id)!;
        assert.equal(
          parseRecord(stored.description)?.keyId ?? null,
          point.switched ? newKey : kind === 'manual' ? KEYS.p2 : null,
        );
        if (kind === 'automatic') {
          assert.equal(stored.data.creationMode, point.switched ? 'Manual' : 'Automatic');
        } else {
          const left = [KEYS.p0, KEYS.p1].filter((k) => ours().includes(k));
          assert.equal(
            left.length,
            point.label === 'during retire' ? 1 : 2,
            'superseded passwords retired so far',
          );
        }
        await check('right after the crash');

        // Run 2, at once: finishes the work; the orphan is younger than the guard and kept.
        const second = await run();
        assertCompleted(second);
        assert.equal(rowOf(second, target.name).action, point.switched ? 'none' : 'rotated');
        if (!point.switched) assert.ok(ours().includes(newKey), 'the young orphan is kept');
        await check('after a run at once');

        // Run 3, an hour later: the orphan is gone.
        e.clock.advance(61 * MINUTE);
        const third = await run();
        assertCompleted(third);
        if (!point.switched) assert.ok(!ours().includes(newKey), 'the orphan of the crashed run is removed');
        await check('after a run an hour later');

        // Run 4, a day later: past the grace, only the recorded password of ours is left.
        e.clock.advance(25 * MS_PER_HOUR);
        const fourth = await run();
        assertCompleted(fourth);
        const counts = await check('after a run a day later');
        for (const id of CHECKED) {
          const product = productPasswords(e, id).map((p) => p.keyId);
          const inUse = w.storedKeyId(id);
          assert.deepEqual(
            product.filter((k) => k !== inUse),
            [],
            `${e.state.connection(id)?.name}: only the password in use is left of ours`,
          );
        }
        assert.equal(counts.orphansKept + counts.supersededInGrace, 0);

        // Run 5: nothing due, nothing to retire: not one write.
        e.clearRequests();
        const fifth = await run();
        assertCompleted(fifth);
        assert.deepEqual(
          e.requests().filter((r) => r.write),
          [],
          'a converged organization is not written to',
        );
        survived(
          SECTION,
          `${point.label} × ${kind}`,
          `kill: ${point.how}; then runs at once, +61 min, +1 day, again: converged, ${w.removals} removal(s), none in use`,
        );
      });
    }
  }

  // Issue #14 §2: the orphan of a crashed first rotation goes in the run that commits the record.
  it('crash before the PUT of a first rotation (a first takeover): zero orphans after one more run', async () => {
    const target = TARGETS.automatic;
    const startMs = Date.now();
    const org = crashOrg(startMs);
    const e = await startFor(org, { startTime: new Date(startMs) });
    emulator = e;
    const w = new CredentialWitness(e, seededHistory(startMs));
    witness = w;
    const run = (extra: Partial<Parameters<typeof runTaskJob>[0]> = {}) =>
      runTaskJob({ section: SECTION, emulator: e, org, inputs: INPUTS, timeoutMs: 90_000, ...extra });
    const ours = () => productPasswords(e, target.id).map((p) => p.keyId);
    assert.equal(
      parseRecord(e.state.connection(target.id)!.description),
      null,
      'no record: a first rotation',
    );

    const holds = hold('devops.endpoints.update', { connectionId: target.id }).map(
      (rule) => e.faults.add(rule).id,
    );
    const crash = await run({ killWhen: stepLine(target, 'prove_connection') });
    for (const id of holds) e.faults.remove(id);
    assert.ok(crash.crashed && crash.result === null, 'killed before the PUT');
    const orphans = ours();
    assert.equal(orphans.length, 1, 'the crashed run left one password of ours');
    assert.equal(w.storedKeyId(target.id), target.initialKeyId, 'the connection still stores its old secret');

    e.clock.advance(61 * MINUTE); // past the orphan guard
    const next = await run();
    assertCompleted(next);
    assert.equal(rowOf(next, target.name).action, 'rotated');
    const stored = w.storedKeyId(target.id);
    assert.equal(parseRecord(e.state.connection(target.id)!.description)?.keyId, stored);
    assert.deepEqual(ours(), [stored], 'zero orphans: only the password in use is left of ours');
    await assertInvariants(e, w, { connections: CHECKED, graceHours: 24 }, 'first rotation, one more run');
    survived(
      SECTION,
      'before the PUT of a first rotation × automatic',
      `kill: task line "prove_connection", the PUT held; one run +61 min later: rotated, orphan ${orphans[0]!.slice(0, 8)} removed in that run, 0 orphans, ${w.removals} removal(s), none in use`,
    );
  });
});

function assertCompleted(run: ReliabilityRun): void {
  assert.ok(!run.crashed && run.result !== null, 'the run completed');
  assert.notEqual(run.result, 'Failed', run.resultMessage ?? '');
  assert.equal(outputsOf(run).FailedCount, '0', run.resultMessage ?? '');
}

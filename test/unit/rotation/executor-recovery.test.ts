import assert from 'node:assert/strict';
import { executePlan } from '../../../lib/rotation/executor';
import { plan } from '../../../lib/rotation/planner';
import type { RotationStep } from '../../../lib/rotation/results';
import { days, hours, minutes, NOW, POLICY } from '../inventory/builders';
import { APP, CONN_A, FOREIGN_KEY, World } from './world';

const STEPS: RotationStep[] = ['mint', 'prove_credential', 'prove_connection', 'switch', 'confirm', 'retire'];

/** The state every scenario must end in: one working, recorded password of ours; nothing else of ours. */
function assertConverged(world: World): void {
  assert.deepEqual(world.violations, [], 'a password in use was removed');
  assert.equal(world.signsIn(CONN_A), true, 'the connection signs in');
  const recorded = world.recordedKeyId(CONN_A);
  assert.equal(world.keyInUse(CONN_A), recorded, 'the record names the password in use');
  assert.deepEqual(world.ourKeyIds(), [recorded], 'no other password of ours is left');
  assert.ok(world.graph.keyIds(APP.objectId).includes(FOREIGN_KEY), 'the foreign password is untouched');
  assert.equal(world.devops.view(CONN_A)?.isReady, true);
}

/** Two rotations already happened, so the next one has a superseded password to retire too. */
async function twiceRotated(): Promise<World> {
  const world = new World();
  world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
  await world.run();
  world.clock.advance(days(151));
  await world.run();
  world.clock.advance(days(151));
  return world;
}

describe('executePlan crash safety', () => {
  for (const step of STEPS) {
    it(`converges after a crash right after ${step}, never removing a password in use`, async () => {
      const world = await twiceRotated();
      const crashed = await world.run({}, { stopAfter: (s) => s === step });
      assert.equal(crashed.plan.entries[0]?.action, 'rotate');
      assert.equal(crashed.results[0]?.error?.code, 'rotation.aborted');
      assert.deepEqual(world.violations, []);
      assert.equal(world.signsIn(CONN_A), true, 'still signs in right after the crash');

      world.clock.advance(minutes(61)); // past the orphan guard
      await world.run();
      assert.deepEqual(world.violations, []);
      world.clock.advance(hours(25)); // past the grace period
      await world.run();
      assertConverged(world);

      world.clock.advance(hours(1));
      const writes = world.journal.writes().length;
      const idle = await world.run();
      assert.deepEqual(
        idle.results.map((r) => r.action),
        ['nothing'],
      );
      assert.equal(world.journal.writes().length, writes, 'a converged connection causes no writes');
    });

    it(`converges after the first rotation ever crashed right after ${step}`, async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
      await world.run({}, { stopAfter: (s) => s === step });
      assert.equal(world.signsIn(CONN_A), true);

      world.clock.advance(minutes(61));
      await world.run();
      world.clock.advance(hours(25));
      await world.run();
      assertConverged(world);
    });
  }

  it('removes the orphan of a crashed run once it is older than the guard, not before', async () => {
    const world = await twiceRotated();
    const crashed = await world.run({}, { stopAfter: (s) => s === 'prove_connection' });
    const orphan = crashed.results[0]!.newKeyId!;

    // Later runs with a policy under which the connection is not due, so only cleanup remains
    // (a rotation would supersede the orphan instead, and it would be retired after the grace).
    const notDue = { rotateWithinDays: 0 };
    world.clock.advance(minutes(30));
    const early = await world.run(notDue);
    assert.equal(early.plan.entries[0]?.rotate, null);
    assert.deepEqual(early.plan.entries[0]?.removeOrphans, []);
    assert.ok(world.graph.keyIds(APP.objectId).includes(orphan));

    world.clock.advance(minutes(31));
    const late = await world.run(notDue);
    assert.deepEqual(
      late.results.map((r) => [r.action, r.removedKeyIds]),
      [['cleaned', [orphan]]],
    );
    assert.ok(!world.graph.keyIds(APP.objectId).includes(orphan));
    assert.equal(world.signsIn(CONN_A), true);
  });

  it('never removes the password in use when a person edits the record out of the description', async () => {
    const world = new World();
    const original = world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
    const installed = (await world.run()).results[0]!.newKeyId!;
    // A person deletes the old hand-made secret, then saves the connection in the UI with a new
    // description: the stored secret is kept (sent as null), our record is gone.
    await world.graph.removePassword(APP.objectId, original);
    const edited = world.devops.view(CONN_A)!;
    edited.description = 'Deploys production. Owner: team X.';
    await world.devops.update(edited);
    assert.equal(world.recordedKeyId(CONN_A), null);
    assert.equal(world.keyInUse(CONN_A), installed);

    world.clock.advance(hours(2));
    const next = await world.run();
    assert.deepEqual(
      next.plan.entries.map((e) => [e.action, e.rotate?.reason, e.removeOrphans]),
      [['rotate', 'record_missing', []]],
    );
    assert.deepEqual(world.violations, []);
    assert.match(
      world.devops.view(CONN_A)?.description ?? '',
      /^Deploys production\. Owner: team X\.\n\[sc-rotator: /,
    );

    world.clock.advance(hours(25));
    await world.run();
    assertConverged(world);
  });

  it('removes its new password when the run is cancelled between mint and switch', async () => {
    const world = new World();
    const original = world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
    const controller = new AbortController();
    const prove = world.graph.proveSecret.bind(world.graph);
    world.graph.proveSecret = async (...args) => {
      await prove(...args);
      controller.abort();
    };

    // This fake clock's sleeps return at once, so a grace timer would always win the race.
    const { results } = await world.run({}, { signal: controller.signal, cancelGraceMs: Infinity });

    assert.equal(results[0]?.error?.code, 'rotation.aborted');
    assert.match(results[0]?.error?.message ?? '', /cancelled after step prove_credential/);
    assert.match(results[0]?.error?.message ?? '', /was removed; the connection keeps its previous secret/);
    assert.deepEqual(world.stepsOf(CONN_A), [
      'mint:succeeded',
      'prove_credential:succeeded',
      'compensate:succeeded',
    ]);
    assert.deepEqual(results[0]?.removedKeyIds, [results[0]!.newKeyId!]);
    assert.ok(!world.graph.keyIds(APP.objectId).includes(results[0]!.newKeyId!));
    assert.equal(world.keyInUse(CONN_A), original);
    assert.deepEqual(world.violations, []);
  });

  it('stops after the switch when the run is cancelled during it, undoing nothing', async () => {
    const world = new World();
    world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
    const controller = new AbortController();
    const update = world.devops.update.bind(world.devops);
    world.devops.update = async (doc) => {
      controller.abort();
      return update(doc);
    };

    const { results } = await world.run({}, { signal: controller.signal, cancelGraceMs: Infinity });

    assert.equal(results[0]?.error?.code, 'rotation.aborted');
    assert.match(results[0]?.error?.message ?? '', /cancelled after step switch/);
    assert.deepEqual(world.stepsOf(CONN_A), [
      'mint:succeeded',
      'prove_credential:succeeded',
      'prove_connection:succeeded',
      'switch:succeeded',
    ]);
    assert.equal(world.keyInUse(CONN_A), results[0]!.newKeyId);
    assert.equal(world.recordedKeyId(CONN_A), results[0]!.newKeyId!.toLowerCase());
    assert.ok(world.signsIn(CONN_A));
  });

  describe('two runs on one connection at once', () => {
    it('ends with one working recorded secret; the loser removes only its own password', async () => {
      const world = new World();
      const original = world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
      const inventory = await world.discover();
      const p = plan(inventory, POLICY, world.clock.now());
      // Both runs prove their secret, then both PUT: the later PUT wins.
      let waiting: Array<() => void> = [];
      world.devops.beforeUpdate = () =>
        new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length === 2) {
            for (const release of waiting) release();
            waiting = [];
          }
        });

      const [first, second] = await Promise.all([
        executePlan(p, world.executeOptions()),
        executePlan(p, world.executeOptions()),
      ]);

      const results = [first![0]!, second![0]!];
      const winner = results.find((r) => r.action === 'rotated');
      const loser = results.find((r) => r.action === 'race_lost');
      assert.ok(winner && loser, JSON.stringify(results.map((r) => r.action)));
      assert.equal(loser.error?.code, 'rotation.race_lost');
      assert.deepEqual(loser.removedKeyIds, [loser.newKeyId]);
      assert.deepEqual(winner.removedKeyIds, []);
      assert.equal(world.recordedKeyId(CONN_A), winner.newKeyId);
      assert.equal(world.keyInUse(CONN_A), winner.newKeyId);
      assert.equal(world.signsIn(CONN_A), true);
      assert.deepEqual(world.graph.keyIds(APP.objectId), [FOREIGN_KEY, original, winner.newKeyId]);
      assert.deepEqual(world.violations, []);
    });

    it('when the second run switches after the first confirmed, both report rotated and the first password is retired later', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
      const stale = plan(await world.discover(), POLICY, world.clock.now());

      const [first] = await executePlan(stale, world.executeOptions());
      world.clock.advance(minutes(2));
      const [second] = await executePlan(stale, world.executeOptions());

      assert.deepEqual([first?.action, second?.action], ['rotated', 'rotated']);
      assert.equal(world.keyInUse(CONN_A), second?.newKeyId);
      assert.ok(
        world.graph.keyIds(APP.objectId).includes(first!.newKeyId!),
        'superseded, kept for the grace period',
      );

      world.clock.advance(hours(25));
      const later = await world.run();
      assert.deepEqual(later.results[0]?.removedKeyIds, [first?.newKeyId]);
      assertConverged(world);
    });
  });
});

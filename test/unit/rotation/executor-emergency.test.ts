import assert from 'node:assert/strict';
import { days, hours, minutes, NOW } from '../inventory/builders';
import { APP, CONN_A, FOREIGN_KEY, World } from './world';

/** A connection rotated once by this product, `ago` before the world's now. */
async function rotatedBefore(ago: number): Promise<{ world: World; previous: string; original: string }> {
  const world = new World();
  const original = world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
  await world.run({ revokeAfterHours: 0 });
  world.clock.advance(ago);
  const previous = world.recordedKeyId(CONN_A)!;
  return { world, previous, original };
}

const ops = (world: World, from: number) =>
  world.journal
    .writes()
    .slice(from)
    .map((e) => e.op);

describe('executePlan: emergency rotation and same-run revocation (spec §10)', () => {
  it('forceRotation rotates an ok connection, and with revokeAfterHours 0 revokes the superseded secret in the same run', async () => {
    const { world, previous } = await rotatedBefore(days(1));
    const before = world.journal.writes().length;
    const run = await world.run({ forceRotation: true, revokeAfterHours: 0 });
    const entry = run.plan.entries[0]!;
    assert.equal(run.inventory.connections[0]?.status, 'ok');
    assert.equal(entry.rotate?.reason, 'forced');
    assert.deepEqual(entry.supersedes, [previous]);
    const result = run.results[0]!;
    assert.equal(result.action, 'rotated');
    assert.deepEqual(result.removedKeyIds, [previous]);
    assert.deepEqual(ops(world, before), ['addPassword', 'update', 'removePassword']);
    assert.deepEqual(world.ourKeyIds(), [result.newKeyId]);
    assert.equal(world.keyInUse(CONN_A), result.newKeyId);
    assert.deepEqual(world.violations, [], 'the secret in use was never removed');
    assert.ok(world.stepsOf(CONN_A).includes('retire:succeeded'));
  });

  it('keeps the superseded secret while the grace is not over, and a run after it revokes it', async () => {
    const { world, previous } = await rotatedBefore(days(1));
    const before = world.journal.writes().length;
    const run = await world.run({ forceRotation: true, revokeAfterHours: 24 });
    const result = run.results[0]!;
    assert.equal(result.action, 'rotated');
    assert.deepEqual(result.removedKeyIds, []);
    assert.deepEqual(ops(world, before), ['addPassword', 'update']);
    assert.deepEqual(world.ourKeyIds().sort(), [previous, result.newKeyId].sort());

    world.clock.advance(hours(23));
    const early = await world.run({ revokeAfterHours: 24 });
    assert.equal(early.results[0]?.action, 'nothing');
    world.clock.advance(hours(1));
    const later = await world.run({ revokeAfterHours: 24 });
    assert.equal(later.results[0]?.action, 'retired');
    assert.deepEqual(later.results[0]?.removedKeyIds, [previous]);
    assert.deepEqual(world.ourKeyIds(), [result.newKeyId]);
  });

  it('never revokes a foreign secret it supersedes, and names it with its keyId', async () => {
    const world = new World();
    const original = world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(300) });
    const run = await world.run({ forceRotation: true, revokeAfterHours: 0 });
    const entry = run.plan.entries[0]!;
    assert.equal(entry.rotate?.reason, 'forced');
    assert.deepEqual(entry.foreign, { keyId: original, displayName: 'created by hand' });
    assert.deepEqual(entry.supersedes, []);
    assert.equal(run.results[0]?.action, 'rotated');
    assert.deepEqual(run.results[0]?.removedKeyIds, []);
    assert.ok(world.graph.keyIds(APP.objectId).includes(original));
    assert.ok(world.graph.keyIds(APP.objectId).includes(FOREIGN_KEY));
  });

  it('removes the orphan of a crashed first rotation in the run that commits the record', async () => {
    const world = new World();
    world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
    const crashed = await world.run({}, { stopAfter: (s) => s === 'prove_connection' });
    const orphan = crashed.results[0]!.newKeyId!;
    assert.equal(world.recordedKeyId(CONN_A), null, 'the crash came before the switch');

    world.clock.advance(minutes(61)); // past the orphan guard
    const before = world.journal.writes().length;
    const next = await world.run();
    const entry = next.plan.entries[0]!;
    assert.deepEqual(entry.orphansAfterSwitch, [orphan]);
    const result = next.results[0]!;
    assert.equal(result.action, 'rotated');
    assert.deepEqual(result.removedKeyIds, [orphan]);
    assert.deepEqual(ops(world, before), ['addPassword', 'update', 'removePassword']);
    assert.deepEqual(world.ourKeyIds(), [result.newKeyId], 'zero orphans after one more run');
    assert.deepEqual(world.violations, []);
  });

  it('keeps an orphan younger than the guard even when the run commits a record', async () => {
    const world = new World();
    world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
    const crashed = await world.run({}, { stopAfter: (s) => s === 'prove_connection' });
    const orphan = crashed.results[0]!.newKeyId!;
    world.clock.advance(minutes(5));
    const next = await world.run();
    assert.deepEqual(next.plan.entries[0]?.orphansAfterSwitch, []);
    assert.deepEqual(next.results[0]?.removedKeyIds, []);
    assert.ok(world.ourKeyIds().includes(orphan));
  });
});

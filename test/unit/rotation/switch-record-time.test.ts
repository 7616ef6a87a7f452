import assert from 'node:assert/strict';
import { executePlan } from '../../../lib/rotation/executor';
import { plan } from '../../../lib/rotation/planner';
import type { ConnectionStore } from '../../../lib/rotation/ports';
import { days, hours, minutes, NOW, POLICY } from '../inventory/builders';
import { APP, CONN_A, World } from './world';

describe('the record of a switch', () => {
  it('is stamped at the switch: a password a concurrent run switched in meanwhile is retired after the grace, not removed as an orphan', async () => {
    const world = new World();
    world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
    const stale = plan(await world.discover(), POLICY, world.clock.now());
    // Run B builds its switch document, then is held at its TestConnection of it, before its PUT.
    let held!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((resolve) => {
      held = resolve;
    });
    const devops = world.devops;
    let holding = true;
    const heldB: ConnectionStore = {
      get: (projectId, id) => devops.get(projectId, id),
      update: (document) => devops.update(document),
      test: async (projectId, id, proposed) => {
        if (proposed && holding) {
          holding = false;
          held();
          await new Promise<void>((resolve) => {
            release = resolve;
          });
        }
        return devops.test(projectId, id, proposed);
      },
    };
    const pendingB = executePlan(stale, { ...world.executeOptions(), connections: heldB });
    await reached;
    // Meanwhile run A mints, switches and confirms: its password is the connection's secret.
    world.clock.advance(minutes(1));
    const [first] = await executePlan(stale, world.executeOptions());
    assert.equal(first?.action, 'rotated');
    assert.equal(world.keyInUse(CONN_A), first?.newKeyId);
    // Then B's PUT replaces it.
    world.clock.advance(minutes(1));
    release();
    const [second] = await pendingB;
    assert.equal(second?.action, 'rotated');
    assert.equal(world.keyInUse(CONN_A), second?.newKeyId);

    // An hour on, A's password was superseded an hour ago: kept.
    world.clock.advance(minutes(61));
    const soon = await world.run();
    assert.deepEqual(soon.results[0]?.removedKeyIds, []);
    assert.ok(world.graph.keyIds(APP.objectId).includes(first!.newKeyId!));

    // After the grace it is retired.
    world.clock.advance(hours(24));
    const later = await world.run();
    assert.deepEqual(later.results[0]?.removedKeyIds, [first?.newKeyId]);
    assert.deepEqual(world.ourKeyIds(), [second?.newKeyId]);
    assert.deepEqual(world.violations, []);
  });
});

// Issue #13: a cancelled run resolves within its grace period even when a connection never
// reaches a safe step (a request that hangs), so the task can still write its report before the
// agent kills it. Simulated time (VirtualClock): the grace is measured, not waited for.
import assert from 'node:assert/strict';
import { executePlan } from '../../../lib/rotation/executor';
import { plan } from '../../../lib/rotation/planner';
import { days, NOW, POLICY, uuid } from '../inventory/builders';
import { VirtualClock } from './virtual-clock';
import { CONN_A, CONN_B, World } from './world';

describe('executePlan, cancelled', () => {
  it('resolves after cancelGraceMs, reporting a connection stuck in a request as stopped and the ones not started as skipped', async () => {
    const clock = new VirtualClock(NOW);
    const world = new World(clock);
    world.addConnection({ id: CONN_A, name: 'a', endMs: NOW + days(3) });
    world.addConnection({ id: CONN_B, name: 'b', endMs: NOW + days(3) });
    world.addConnection({ id: uuid(102), name: 'c', endMs: NOW + days(3) });
    const controller = new AbortController();
    // The first proof hangs (a request that never answers) and the run is cancelled meanwhile.
    world.graph.proveSecret = () => {
      controller.abort();
      return new Promise<void>(() => {});
    };
    const inventory = await clock.drive(world.discover());
    const planned = plan(inventory, POLICY, clock.now());

    const started = clock.now();
    const results = await clock.drive(
      executePlan(planned, {
        ...world.executeOptions(),
        maxInProgress: 1,
        signal: controller.signal,
        cancelGraceMs: 5000,
      }),
    );

    assert.equal(clock.now() - started, 5000);
    assert.deepEqual(
      results.map((r) => [r.connectionName, r.action, r.error?.code]),
      [
        ['a', 'failed', 'rotation.aborted'],
        ['b', 'skipped', 'rotation.aborted'],
        ['c', 'skipped', 'rotation.aborted'],
      ],
    );
    assert.match(results[0]?.error?.message ?? '', /did not reach a safe step in time/);
    assert.match(results[1]?.error?.message ?? '', /before it started/);
    // Only the first connection minted; the others sent nothing.
    assert.equal(world.ourKeyIds().length, 1);
  });
});

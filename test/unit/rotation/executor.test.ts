import assert from 'node:assert/strict';
import { MS_PER_DAY } from '../../../lib/clock';
import { executePlan } from '../../../lib/rotation/executor';
import { parseMarker } from '../../../lib/rotation/marker';
import { plan } from '../../../lib/rotation/planner';
import { days, hours, iso, NOW, POLICY, uuid } from '../inventory/builders';
import { APP, CONN_A, CONN_B, FOREIGN_KEY, World } from './world';

/** Discovery's reads; everything else in the journal is the executor's. */
const DISCOVERY = new Set([
  'devops.listProjects',
  'devops.listConnections',
  'graph.lookup',
  'graph.servicePrincipals',
]);
const executorOps = (world: World) => world.journal.ops().filter((op) => !DISCOVERY.has(op));

describe('executePlan', () => {
  describe('a connection that is due', () => {
    it('rotates with one addPassword, proves before the PUT, and leaves every other password alone', async () => {
      const world = new World();
      const original = world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });

      const { results } = await world.run();

      const newKeyId = results[0]?.newKeyId ?? '';
      assert.deepEqual(results, [
        {
          connectionId: CONN_A,
          connectionName: 'deploy-prod',
          action: 'rotated',
          newKeyId,
          newExpiresAt: iso(NOW + days(180)),
          removedKeyIds: [],
          tookOver: false,
          error: null,
          skip: null,
        },
      ]);
      assert.deepEqual(executorOps(world), [
        'graph.addPassword',
        'mask.mask',
        'entra.prove',
        'devops.get',
        'devops.testProposed',
        'devops.get',
        'devops.update',
        'devops.get',
        'devops.testStored',
      ]);
      assert.deepEqual(world.stepsOf(CONN_A), [
        'mint:succeeded',
        'prove_credential:succeeded',
        'prove_connection:succeeded',
        'switch:succeeded',
        'confirm:succeeded',
      ]);
      assert.equal(world.signsIn(CONN_A), true);
      assert.equal(world.keyInUse(CONN_A), newKeyId);
      assert.equal(world.recordedKeyId(CONN_A), newKeyId);
      assert.deepEqual(world.graph.keyIds(APP.objectId), [FOREIGN_KEY, original, newKeyId]);
      assert.equal(world.devops.view(CONN_A)?.isReady, true);
    });

    it('mints with our marker and an explicit end date of now + secretLifetimeDays', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
      await world.run({ secretLifetimeDays: 90 });
      const minted = world.graph
        .passwordsOf(APP.objectId)
        .find((p) => p.displayName?.startsWith('sc-rotator'));
      assert.deepEqual(parseMarker(minted?.displayName), { connectionId: CONN_A, mintedAt: iso(NOW) });
      assert.equal(minted?.endDateTime, iso(NOW + 90 * MS_PER_DAY));
    });

    it('masks the new secret before anything else is given it', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
      await world.run();
      assert.equal(world.masked.length, 1);
      const secret = world.masked[0]!;
      const sawIt = world.journal.entries.filter((e) => e.secret === secret).map((e) => `${e.port}.${e.op}`);
      assert.deepEqual(sawIt, ['mask.mask', 'entra.prove', 'devops.testProposed', 'devops.update']);
      const ops = world.journal.ops();
      assert.equal(ops[ops.indexOf('graph.addPassword') + 1], 'mask.mask');
    });
  });

  describe('failures before the switch', () => {
    it('removes the new password and keeps the old secret when the proof fails', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
      const before = world.graph.keyIds(APP.objectId);
      const secretBefore = world.devops.secretOf(CONN_A);
      world.graph.proofFailures = 1;

      const { results } = await world.run();

      const result = results[0]!;
      assert.equal(result.action, 'failed');
      assert.equal(result.error?.code, 'rotation.proof_failed');
      assert.deepEqual(result.removedKeyIds, [result.newKeyId]);
      assert.match(result.error?.message ?? '', /keeps its previous secret/);
      assert.deepEqual(executorOps(world), [
        'graph.addPassword',
        'mask.mask',
        'entra.prove',
        'graph.removePassword',
      ]);
      assert.deepEqual(world.graph.keyIds(APP.objectId), before);
      assert.equal(world.devops.secretOf(CONN_A), secretBefore);
      assert.deepEqual(world.stepsOf(CONN_A), [
        'mint:succeeded',
        'prove_credential:failed',
        'compensate:succeeded',
      ]);
    });

    it('removes the new password when TestConnection rejects the proposed details', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
      const before = world.graph.keyIds(APP.objectId);
      world.devops.testFails.add(CONN_A);

      const { results } = await world.run();

      assert.equal(results[0]?.error?.code, 'devops.test_connection_failed');
      assert.deepEqual(world.graph.keyIds(APP.objectId), before);
      assert.ok(!world.journal.ops().includes('devops.update'));
    });

    it('keeps the old secret when the PUT fails', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
      const before = world.graph.keyIds(APP.objectId);
      const secretBefore = world.devops.secretOf(CONN_A);
      world.devops.forbidden.add(CONN_A);

      const { results } = await world.run();

      assert.equal(results[0]?.action, 'failed');
      assert.equal(results[0]?.error?.code, 'devops.not_admin');
      // A 403 is a clear refusal: no read-back, straight to compensation.
      assert.deepEqual(executorOps(world).slice(-2), ['devops.update', 'graph.removePassword']);
      assert.deepEqual(world.graph.keyIds(APP.objectId), before);
      assert.equal(world.devops.secretOf(CONN_A), secretBefore);
      assert.equal(world.recordedKeyId(CONN_A), null);
    });

    it('reads back twice after a PUT without answer, then removes the new password when it did not land', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
      const before = world.graph.keyIds(APP.objectId);
      world.devops.failUpdate.set(CONN_A, 'lost_request');

      const { results } = await world.run();

      assert.equal(results[0]?.error?.code, 'http.network');
      assert.deepEqual(executorOps(world).slice(-4), [
        'devops.update',
        'devops.get',
        'devops.get',
        'graph.removePassword',
      ]);
      assert.deepEqual(world.graph.keyIds(APP.objectId), before);
      assert.equal(world.signsIn(CONN_A), true);
      assert.deepEqual(world.violations, []);
    });

    it('carries on when a PUT without answer did land', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
      world.devops.failUpdate.set(CONN_A, 'lost_response');

      const { results } = await world.run();

      assert.equal(results[0]?.action, 'rotated');
      assert.equal(world.keyInUse(CONN_A), results[0]?.newKeyId);
      assert.equal(world.recordedKeyId(CONN_A), results[0]?.newKeyId);
      assert.ok(!world.journal.ops().includes('graph.removePassword'));
    });

    it('fails without writing anything else when addPassword is refused', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
      world.graph.failAddPassword = true;

      const { results } = await world.run();

      assert.equal(results[0]?.error?.code, 'graph.bad_request');
      assert.equal(results[0]?.newKeyId, null);
      assert.deepEqual(executorOps(world), ['graph.addPassword']);
    });

    it('removes the new password without using it when masking fails', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
      const before = world.graph.keyIds(APP.objectId);

      const { results } = await world.run(
        {},
        {
          mask: () => {
            throw new Error('setSecret failed');
          },
        },
      );

      assert.equal(results[0]?.error?.code, 'internal');
      assert.deepEqual(executorOps(world), ['graph.addPassword', 'graph.removePassword']);
      assert.deepEqual(world.graph.keyIds(APP.objectId), before);
    });
  });

  describe('failures after the switch', () => {
    it('keeps everything when the stored connection fails its test after the switch', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
      // The proposed details pass; the stored ones fail (e.g. a propagation hiccup in the service).
      const test = world.devops.test.bind(world.devops);
      world.devops.test = async (projectId, id, proposed) =>
        proposed ? test(projectId, id, proposed) : { ok: false, statusCode: 'forbidden', message: 'no role' };

      const { results } = await world.run();

      const result = results[0]!;
      assert.equal(result.action, 'failed');
      assert.equal(result.error?.code, 'devops.test_connection_failed');
      assert.match(result.error?.message ?? '', /uses the new password/);
      assert.deepEqual(result.removedKeyIds, []);
      assert.equal(world.keyInUse(CONN_A), result.newKeyId);
      assert.ok(!world.journal.ops().includes('graph.removePassword'));
    });
  });

  describe('retiring superseded passwords', () => {
    it('keeps a superseded password during the grace period and retires it after', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
      const first = (await world.run()).results[0]!.newKeyId!;
      world.clock.advance(days(151)); // 29 days left: due again
      const second = (await world.run()).results[0]!;
      assert.equal(second.action, 'rotated');
      assert.deepEqual(second.removedKeyIds, []);

      world.clock.advance(hours(23));
      const writesBefore = world.journal.writes().length;
      const within = await world.run();
      assert.equal(within.results[0]?.action, 'nothing');
      assert.equal(world.journal.writes().length, writesBefore);
      assert.ok(world.graph.keyIds(APP.objectId).includes(first));

      world.clock.advance(hours(1));
      const after = await world.run();
      assert.deepEqual(
        after.results.map((r) => [r.action, r.removedKeyIds]),
        [['retired', [first]]],
      );
      assert.deepEqual(world.stepsOf(CONN_A).slice(-2), ['inspect:succeeded', 'retire:succeeded']);
      assert.deepEqual(world.ourKeyIds(), [second.newKeyId]);
      assert.ok(world.graph.keyIds(APP.objectId).includes(FOREIGN_KEY));
      assert.equal(world.signsIn(CONN_A), true);
      assert.deepEqual(world.violations, []);
    });

    it('removes nothing when the record disappeared between planning and cleanup', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
      await world.run();
      world.clock.advance(days(151));
      await world.run();
      world.clock.advance(hours(25));
      const planned = plan(await world.discover(), POLICY, world.clock.now());
      assert.equal(planned.entries[0]?.action, 'cleanup');
      const edited = world.devops.view(CONN_A)!;
      edited.description = 'edited by a person';
      await world.devops.update(edited);
      const keys = world.graph.keyIds(APP.objectId);

      const [result] = await executePlan(planned, world.executeOptions());

      assert.equal(result?.action, 'failed');
      assert.equal(result?.error?.code, 'rotation.connection_changed');
      assert.deepEqual(world.graph.keyIds(APP.objectId), keys);
    });

    it('still reports the rotation when removing a superseded password fails', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(10) });
      const first = (await world.run()).results[0]!.newKeyId!;
      world.clock.advance(days(151));
      await world.run();
      world.clock.advance(days(151));
      world.graph.failRemove.add(first);

      const { plan, results } = await world.run();

      assert.deepEqual(plan.entries[0]?.retire, [first]);
      assert.equal(results[0]?.action, 'rotated');
      assert.equal(results[0]?.error?.code, 'http.unavailable');
      assert.match(results[0]?.error?.message ?? '', /the next run retries/);
      assert.equal(world.signsIn(CONN_A), true);
    });
  });

  describe('runs with nothing to do', () => {
    it('writes nothing and reads nothing beyond discovery when nothing is due', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'deploy-prod', endMs: NOW + days(100) });
      const { results } = await world.run();
      assert.deepEqual(
        results.map((r) => r.action),
        ['nothing'],
      );
      assert.deepEqual(executorOps(world), []);
      assert.deepEqual(world.journal.writes(), []);
    });

    it('leaves an Automatic connection untouched under the report policy', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'auto', endMs: NOW + days(3), creationMode: 'Automatic' });
      const before = world.devops.view(CONN_A);

      const { results } = await world.run({ automaticConnections: 'report' });

      assert.equal(results[0]?.action, 'skipped');
      assert.equal(results[0]?.skip?.code, 'automatic_report');
      assert.equal(results[0]?.skip?.actionRequired, true);
      assert.deepEqual(executorOps(world), []);
      assert.deepEqual(world.devops.view(CONN_A), before);
    });
  });

  describe('Automatic connections under takeOver', () => {
    it('makes the connection Manual in the switching PUT and it keeps working', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'auto', endMs: NOW + days(3), creationMode: 'Automatic' });

      const { results } = await world.run({ automaticConnections: 'takeOver' });

      assert.equal(results[0]?.action, 'rotated');
      assert.equal(results[0]?.tookOver, true);
      const stored = world.devops.view(CONN_A)!;
      assert.equal(stored.data['creationMode'], 'Manual');
      assert.equal(stored.data['spnObjectId'], undefined);
      assert.equal(stored.data['appObjectId'], undefined);
      assert.ok(stored.data['azureSpnRoleAssignmentId']);
      assert.ok(!('accesstoken' in stored.authorization.parameters));
      assert.equal(stored.isReady, true);
      assert.equal(world.signsIn(CONN_A), true);
      assert.equal(world.keyInUse(CONN_A), results[0]?.newKeyId);
    });
  });

  describe('several connections', () => {
    it('rotates two connections on the same app, each to its own recorded password', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'a', endMs: NOW + days(5) });
      world.addConnection({ id: CONN_B, name: 'b', endMs: NOW + days(6) });

      const { results } = await world.run();

      assert.deepEqual(
        results.map((r) => r.action),
        ['rotated', 'rotated'],
      );
      const [a, b] = results.map((r) => r.newKeyId!);
      assert.notEqual(a, b);
      assert.equal(world.keyInUse(CONN_A), a);
      assert.equal(world.keyInUse(CONN_B), b);
      const owner = (keyId: string) =>
        parseMarker(world.graph.passwordsOf(APP.objectId).find((p) => p.keyId === keyId)?.displayName)
          ?.connectionId;
      assert.equal(owner(a!), CONN_A);
      assert.equal(owner(b!), CONN_B);
    });

    it("does not let one connection's failure stop the others", async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'a', endMs: NOW + days(5) });
      world.addConnection({ id: CONN_B, name: 'b', endMs: NOW + days(6) });
      world.devops.forbidden.add(CONN_A);

      const { results } = await world.run();

      assert.deepEqual(
        results.map((r) => [r.connectionName, r.action, r.error?.code ?? null]),
        [
          ['a', 'failed', 'devops.not_admin'],
          ['b', 'rotated', null],
        ],
      );
      assert.match(results[0]?.error?.fix ?? '', /.+/);
    });

    it('works on one connection at a time with maxInProgress 1, reporting each as it finishes', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'a', endMs: NOW + days(5) });
      world.addConnection({ id: CONN_B, name: 'b', endMs: NOW + days(6) });
      world.addConnection({ id: uuid(102), name: 'c', endMs: NOW + days(5), creationMode: 'Automatic' });
      const finished: string[] = [];

      await world.run(
        {},
        { maxInProgress: 1, onResult: (r) => finished.push(`${r.connectionName}:${r.action}`) },
      );

      const order = world.events.map((e) => e.connectionId);
      assert.deepEqual(order, [...Array(5).fill(CONN_A), ...Array(5).fill(CONN_B)]);
      assert.deepEqual(finished, ['a:rotated', 'b:rotated']);
    });

    it('interleaves connections with maxInProgress 2', async () => {
      const world = new World();
      world.addConnection({ id: CONN_A, name: 'a', endMs: NOW + days(5) });
      world.addConnection({ id: CONN_B, name: 'b', endMs: NOW + days(6) });

      await world.run({}, { maxInProgress: 2 });

      assert.deepEqual(
        world.events.slice(0, 2).map((e) => e.connectionId),
        [CONN_A, CONN_B],
      );
    });
  });
});

/**
 * Issue #4, Automatic connections (spec §5.3) with the real adapters: `takeOver` makes the
 * connection Manual in the switching PUT (spnObjectId and appObjectId gone, everything else kept)
 * and rotates its secret; `report` leaves it exactly as it was, with no write at all for it.
 */
import assert from 'node:assert/strict';
import type { Emulator } from '../../emulator';
import {
  assertStoredSecretWorks,
  connectionState,
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
import { APPS, AUTO_DATA, CONNECTIONS, KEYS, TENANT } from './rotation-org';

describe('Automatic connections (real adapters)', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('takeOver makes the connection Manual, drops spnObjectId and appObjectId, keeps the rest and rotates', async () => {
    emulator = await startRotationEmulator();
    const e = emulator;
    const clock = new EmulatorDrivenClock(e);
    const witness = new RemovalWitness(e);
    const before = connectionState(e, CONNECTIONS.auto);
    assert.equal(before.data['creationMode'], 'Automatic');

    const run = await runRotation(e, {
      rotator: connectRotator(e, clock),
      clock,
      names: ['auto'],
      witness,
      policy: { automaticConnections: 'takeOver' },
    });

    assert.equal(run.plan.entries[0]?.takeOver, true);
    const result = resultOf(run, CONNECTIONS.auto);
    assert.equal(result.action, 'rotated');
    assert.equal(result.tookOver, true);
    assert.equal(result.error, null);
    const after = connectionState(e, CONNECTIONS.auto);
    assert.deepEqual(after.data, {
      subscriptionId: AUTO_DATA.subscriptionId,
      subscriptionName: AUTO_DATA.subscriptionName,
      environment: 'AzureCloud',
      scopeLevel: 'Subscription',
      creationMode: 'Manual',
      azureSpnRoleAssignmentId: AUTO_DATA.azureSpnRoleAssignmentId,
      azureSpnPermissions: AUTO_DATA.azureSpnPermissions,
    });
    // Everything but data, description, secret and modification time is as it was.
    const { data: _d1, description: _s1, secret: _k1, modificationDate: _m1, ...restBefore } = before;
    const { data: _d2, description: _s2, secret: _k2, modificationDate: _m2, ...restAfter } = after;
    assert.deepEqual(restAfter, restBefore);
    assert.deepEqual(after.authorizationParameters, {
      tenantid: TENANT,
      serviceprincipalid: APPS.auto.appId,
      authenticationType: 'spnKey',
    });
    assert.ok(
      after.description.startsWith(`Created by Azure DevOps.\n[sc-rotator: keyId=${result.newKeyId}; `),
    );
    assert.equal(recordOf(e, CONNECTIONS.auto)?.keyId, result.newKeyId);
    assert.equal(storedKeyId(e, CONNECTIONS.auto), result.newKeyId);
    // The password Azure DevOps made is untouched (it was not minted by us).
    assert.deepEqual(passwordKeyIds(e, APPS.auto.appId), [KEYS.auto, result.newKeyId].sort());
    await assertStoredSecretWorks(e, connectRotator(e, clock), CONNECTIONS.auto);

    // From now on discovery sees a Manual connection whose recorded secret is ours.
    e.clock.advance(60_000);
    const next = await runRotation(e, { rotator: connectRotator(e, clock), clock, names: ['auto'], witness });
    const report = next.inventory.connections[0];
    assert.equal(report?.creationMode, 'Manual');
    assert.equal(report?.credential?.attribution, 'recorded');
    assert.equal(report?.credential?.keyId, result.newKeyId);
    assert.equal(resultOf(next, CONNECTIONS.auto).action, 'nothing');
    assert.equal(witness.removals.length, 0);
  });

  it('report leaves an Automatic connection untouched while rotating the others in the same run', async () => {
    emulator = await startRotationEmulator();
    const e = emulator;
    const clock = new EmulatorDrivenClock(e);
    const witness = new RemovalWitness(e);
    const before = connectionState(e, CONNECTIONS.auto);
    const passwordsBefore = passwordKeyIds(e, APPS.auto.appId);

    const run = await runRotation(e, {
      rotator: connectRotator(e, clock),
      clock,
      names: ['auto', 'web'],
      witness,
    });

    const entry = run.plan.entries.find((x) => x.connectionId === CONNECTIONS.auto);
    assert.equal(entry?.action, 'skip');
    assert.equal(entry?.skip?.code, 'automatic_report');
    assert.equal(resultOf(run, CONNECTIONS.auto).action, 'skipped');
    assert.equal(resultOf(run, CONNECTIONS.web).action, 'rotated');
    // Writes happened (for web), none of them for the Automatic connection or its app.
    const writes = run.executionLog.filter((x) => x.write);
    assert.equal(writes.length, 2);
    assert.ok(
      writes.every((x) => !x.path.includes(CONNECTIONS.auto) && !x.path.includes(APPS.auto.objectId)),
      'no write for the Automatic connection',
    );
    // Not even read during execution.
    assert.ok(run.executionLog.every((x) => !x.path.includes(CONNECTIONS.auto)));
    assert.deepEqual(connectionState(e, CONNECTIONS.auto), before);
    assert.deepEqual(passwordKeyIds(e, APPS.auto.appId), passwordsBefore);
    assert.equal(storedKeyId(e, CONNECTIONS.auto), KEYS.auto);
  });
});

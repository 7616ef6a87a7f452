import assert from 'node:assert/strict';
import type { Emulator } from '../../emulator';
import { graphScope } from '../../lib/auth/clouds';
import { MsalCredentialProver } from '../../lib/auth/credential-prover';
import { MsalTokenProvider } from '../../lib/auth/msal-token-provider';
import { systemClock } from '../../lib/clock';
import { HttpError } from '../../lib/errors';
import { GraphClient } from '../../lib/graph/graph-client';
import { FakeClock } from '../unit/http/fake-clock';
import { EmulatorDrivenClock, ops, startAdaptersEmulator } from './adapters-harness';
import {
  DISABLED_SP_APP,
  ROTATOR_APP,
  ROTATOR_OBJECT,
  ROTATOR_SECRET,
  TARGET_COUNT,
  TENANT,
  targetAppId,
  targetKeyId,
  targetObjectId,
} from './adapters-org';

describe('GraphClient against the emulator', () => {
  let emulator: Emulator;
  let tokens: MsalTokenProvider;

  before(async () => {
    emulator = await startAdaptersEmulator();
    tokens = new MsalTokenProvider({
      tenantId: TENANT,
      clientId: ROTATOR_APP,
      credential: { kind: 'secret', clientSecret: ROTATOR_SECRET },
      authorityHost: emulator.urls.authorityHost,
      clock: new FakeClock(),
    });
  });
  after(async () => {
    await emulator?.close();
  });
  beforeEach(async () => {
    emulator.faults.clear();
    emulator.faults.propagationDelayMs = 0;
    // A token first, so request counts below are Graph's only.
    await tokens.getToken(graphScope(emulator.urls.graph));
    emulator.clearRequests();
  });

  function client(clock: FakeClock | EmulatorDrivenClock = new FakeClock(), timeoutMs?: number) {
    return new GraphClient({
      graphUrl: emulator.urls.graph,
      tenantId: TENANT,
      tokenProvider: tokens,
      clock,
      retry: { random: () => 0.5 },
      reconcileDelayMs: 500,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
  }

  const allTargets = () => Array.from({ length: TARGET_COUNT }, (_, i) => targetAppId(i + 1));

  it('looks applications up in batches of 20 (ceil(apps / 20) $batch requests)', async () => {
    const unknown = '20000000-0000-4000-8000-0000000009ff';
    const result = await client().lookupApplications([...allTargets(), unknown]);
    assert.equal(ops(emulator, 'graph.batch').length, Math.ceil((TARGET_COUNT + 1) / 20));
    assert.equal(ops(emulator, 'graph.applications.get').length, TARGET_COUNT + 1);
    assert.deepEqual(result.get(unknown), { kind: 'not_found' });
    const first = result.get(targetAppId(1));
    assert.ok(first?.kind === 'found');
    assert.equal(first.app.objectId, targetObjectId(1));
    assert.equal(first.app.tenantId, TENANT);
    assert.deepEqual(
      first.app.passwordCredentials.map((p) => p.keyId),
      [targetKeyId(1)],
    );
    assert.equal(first.app.keyCredentials, undefined);
    assert.equal([...result.values()].filter((r) => r.kind === 'found').length, TARGET_COUNT);
  });

  it('re-batches only throttled items after Retry-After and returns the same result', async () => {
    const baseline = await client().lookupApplications(allTargets());
    emulator.clearRequests();
    emulator.faults.add({
      operation: 'graph.applications.get',
      kind: 'throttle',
      times: 5,
      retryAfterSeconds: 3,
    });
    emulator.faults.add({
      operation: 'graph.applications.get',
      kind: 'unavailable',
      times: 2,
      retryAfterSeconds: 1,
    });
    const clock = new FakeClock();
    const again = await client(clock).lookupApplications(allTargets());
    assert.deepEqual(again, baseline);
    const inner = ops(emulator, 'graph.applications.get');
    assert.equal(inner.filter((e) => e.status === 429).length, 5);
    assert.equal(inner.filter((e) => e.status === 503).length, 2);
    assert.equal(inner.filter((e) => e.status === 200).length, TARGET_COUNT);
    // The 7 failed items all sat in the first batch: one re-batch of exactly those, after 3 s.
    assert.equal(ops(emulator, 'graph.batch').length, 4);
    assert.deepEqual(clock.sleeps, [3000]);
  });

  it('reads service principal state with one listing of the disabled ones', async () => {
    const result = await client().servicePrincipalsEnabled([
      targetAppId(1),
      DISABLED_SP_APP,
      '20000000-0000-4000-8000-0000000009ff',
    ]);
    assert.deepEqual([...result.values()], [null, false, null], 'enabled and absent are both unknown');
    assert.deepEqual(
      emulator.requests().map((e) => [e.operation, e.status, e.batchSeq, decodeURIComponent(e.path)]),
      [
        [
          'graph.servicePrincipals.list',
          200,
          undefined,
          '/v1.0/servicePrincipals?$filter=accountEnabled eq false&$select=id,appId,accountEnabled&$top=999',
        ],
      ],
    );
    assert.equal((await client().servicePrincipalsEnabled([])).size, 0);
    assert.equal(emulator.requests().length, 1, 'no appIds, no request');
  });

  it('retries a refused service principal listing, and leaves all unknown when it never answers', async () => {
    emulator.faults.add({ operation: 'graph.servicePrincipals.list', kind: 'unavailable', times: 1 });
    const clock = new FakeClock();
    const retried = await client(clock).servicePrincipalsEnabled([DISABLED_SP_APP]);
    assert.deepEqual([...retried.values()], [false]);
    assert.deepEqual(
      ops(emulator, 'graph.servicePrincipals.list').map((e) => e.status),
      [503, 200],
    );
    emulator.clearRequests();
    emulator.faults.add({ operation: 'graph.servicePrincipals.list', kind: 'status', status: 500 });
    const failed = await client(new FakeClock()).servicePrincipalsEnabled([targetAppId(1), DISABLED_SP_APP]);
    assert.deepEqual([...failed.values()], [null, null]);
    assert.deepEqual(
      ops(emulator, 'graph.servicePrincipals.list').map((e) => e.status),
      [500, 500, 500, 500, 500, 500],
      'the retry policy gave up after maxAttempts (6)',
    );
  });

  it('mints, lists and removes a password; removing it twice is fine', async () => {
    const graph = client();
    const minted = await graph.addPassword(targetObjectId(3), {
      displayName: 'sc-rotator c0000000-0000-4000-8000-000000000003 2026-11-23T03:00:00.000Z',
      endDateTime: new Date(emulator.clock.nowMs() + 180 * 86_400_000).toISOString(),
    });
    assert.ok(minted.secretText.length >= 16);
    const listed = await graph.listPasswords(targetObjectId(3));
    assert.deepEqual(listed.map((p) => p.keyId).sort(), [minted.keyId, targetKeyId(3)].sort());
    await graph.removePassword(targetObjectId(3), minted.keyId);
    await graph.removePassword(targetObjectId(3), minted.keyId);
    assert.deepEqual(
      (await graph.listPasswords(targetObjectId(3))).map((p) => p.keyId),
      [targetKeyId(3)],
    );
    assert.deepEqual(
      ops(emulator, 'graph.applications.removePassword').map((e) => e.status),
      [204, 404],
    );
  });

  for (const [name, fault, firstStatus] of [
    ['a reset after the effect', { kind: 'reset' as const, afterEffect: true, times: 1 }, 0],
    ['a 500 after the effect', { kind: 'status' as const, status: 500, afterEffect: true, times: 1 }, 500],
    [
      'a truncated answer after the effect',
      { kind: 'malformed' as const, malformed: 'truncated-json' as const, afterEffect: true, times: 1 },
      200,
    ],
  ] as const) {
    it(`reconciles addPassword after ${name}: one password with our name, and its secret works`, async () => {
      const displayName = `sc-rotator c0000000-0000-4000-8000-000000000004 ${new Date(emulator.clock.nowMs()).toISOString()}`;
      emulator.faults.add({ operation: 'graph.applications.addPassword', ...fault });
      const clock = new EmulatorDrivenClock(emulator);
      const minted = await client(clock).addPassword(targetObjectId(4), {
        displayName,
        endDateTime: new Date(emulator.clock.nowMs() + 180 * 86_400_000).toISOString(),
      });
      const app = emulator.state.application(targetAppId(4));
      const ours = app?.passwordCredentials.filter((p) => p.displayName === displayName) ?? [];
      assert.deepEqual(
        ours.map((p) => p.keyId.toLowerCase()),
        [minted.keyId],
      );
      assert.deepEqual(
        emulator
          .requests()
          .filter((e) => e.service === 'graph')
          .map((e) => `${e.operation} ${e.status}`),
        [
          `graph.applications.addPassword ${firstStatus}`,
          'graph.applications.get 200',
          'graph.applications.removePassword 204',
          'graph.applications.addPassword 200',
        ],
      );
      assert.deepEqual(clock.sleeps, [500]);
      await new MsalCredentialProver({
        authorityHost: emulator.urls.authorityHost,
        scope: graphScope(emulator.urls.graph),
        clock,
      }).proveSecret(TENANT, targetAppId(4), minted.secretText);
      await client().removePassword(targetObjectId(4), minted.keyId);
    });
  }

  it('reconciles addPassword after a real client timeout while Graph still performs the write', async () => {
    const displayName = 'sc-rotator c0000000-0000-4000-8000-000000000007 2026-11-23T03:00:00.000Z';
    // Graph is slow (800 ms) and the client gives up after 300 ms; the write lands anyway and is
    // visible by the time the client reads back (1.5 s later, real time).
    emulator.faults.add({
      operation: 'graph.applications.addPassword',
      kind: 'delay',
      delayMs: 800,
      times: 1,
    });
    const graph = new GraphClient({
      graphUrl: emulator.urls.graph,
      tenantId: TENANT,
      tokenProvider: tokens,
      clock: systemClock,
      timeoutMs: 300,
      reconcileDelayMs: 1500,
    });
    const minted = await graph.addPassword(targetObjectId(7), {
      displayName,
      endDateTime: new Date(emulator.clock.nowMs() + 180 * 86_400_000).toISOString(),
    });
    const ours = emulator.state
      .application(targetAppId(7))
      ?.passwordCredentials.filter((p) => p.displayName === displayName);
    assert.deepEqual(
      ours?.map((p) => p.keyId.toLowerCase()),
      [minted.keyId],
    );
    assert.deepEqual(
      ops(emulator, 'graph.applications.addPassword').map((e) => e.status),
      [200, 200],
    );
    assert.equal(ops(emulator, 'graph.applications.removePassword').length, 1);
  });

  it('reports a write on an app the rotator does not own as graph.forbidden with what to grant', async () => {
    const error = await client()
      .addPassword(ROTATOR_OBJECT, { displayName: 'x', endDateTime: '2030-01-01T00:00:00Z' })
      .catch((e) => e);
    assert.ok(error instanceof HttpError);
    assert.equal(error.code, 'graph.forbidden');
    assert.match(
      error.fix ?? '',
      /owner of the application with object id .* Application\.ReadWrite\.OwnedBy/,
    );
    assert.equal(ops(emulator, 'graph.applications.addPassword').length, 1);
  });

  it('lists federated credentials', async () => {
    const credentials = await client().listFederatedCredentials(targetObjectId(1));
    assert.deepEqual(credentials, []);
    assert.equal(ops(emulator, 'graph.fic.list').length, 1);
  });
});

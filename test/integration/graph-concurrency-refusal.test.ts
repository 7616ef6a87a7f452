import assert from 'node:assert/strict';
import type { Emulator } from '../../emulator';
import { CONCURRENCY_SHAPES } from '../../emulator/faults';
import { graphScope } from '../../lib/auth/clouds';
import { MsalTokenProvider } from '../../lib/auth/msal-token-provider';
import { GraphClient } from '../../lib/graph/graph-client';
import { FakeClock } from '../unit/http/fake-clock';
import { EmulatorDrivenClock, ops, startAdaptersEmulator } from './adapters-harness';
import {
  ROTATOR_APP,
  ROTATOR_SECRET,
  TENANT,
  targetAppId,
  targetKeyId,
  targetObjectId,
} from './adapters-org';

/**
 * Graph's "concurrent requests" refusal in each of its four shapes (409 / 503 / 400 with the
 * code, 400 `Request_BadRequest` with only the message), on every kind of credential write, with
 * the real client against the emulator: each write is repeated after the refusal, honouring
 * `Retry-After`, and succeeds with exactly two requests (a refused write was never applied, so
 * repeating even `addPassword` is safe: no reconciliation read, no second password).
 */
describe('Graph concurrency refusal, every shape, every credential write', () => {
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
    await tokens.getToken(graphScope(emulator.urls.graph));
    emulator.clearRequests();
  });

  function client(clock: EmulatorDrivenClock) {
    return new GraphClient({
      graphUrl: emulator.urls.graph,
      tenantId: TENANT,
      tokenProvider: tokens,
      clock,
      retry: { random: () => 0.5 },
      reconcileDelayMs: 500,
    });
  }

  const graphWrites = () => emulator.requests().filter((e) => e.service === 'graph');

  for (const shape of CONCURRENCY_SHAPES) {
    it(`addPassword: the ${shape} refusal is retried after Retry-After; one password, two requests`, async () => {
      const clock = new EmulatorDrivenClock(emulator);
      emulator.faults.add({
        operation: 'graph.applications.addPassword',
        kind: 'concurrency',
        shape,
        retryAfterSeconds: 3,
        times: 1,
      });
      const displayName = `sc-rotator c0000000-0000-4000-8000-000000000005 ${new Date(emulator.clock.nowMs()).toISOString()}`;
      const minted = await client(clock).addPassword(targetObjectId(5), {
        displayName,
        endDateTime: new Date(emulator.clock.nowMs() + 90 * 86_400_000).toISOString(),
      });
      const log = graphWrites();
      assert.deepEqual(
        log.map((e) => [e.operation, e.status, e.faultShape ?? null]),
        [
          ['graph.applications.addPassword', SHAPE_STATUS[shape], shape],
          ['graph.applications.addPassword', 200, null],
        ],
      );
      assert.deepEqual(clock.sleeps, [3000]);
      const app = emulator.state.application(targetObjectId(5));
      assert.deepEqual(
        app?.passwordCredentials.filter((p) => p.displayName === displayName).map((p) => p.keyId),
        [minted.keyId],
      );
      await client(clock).removePassword(targetObjectId(5), minted.keyId);
    });

    it(`removePassword: the ${shape} refusal is retried to success with two requests`, async () => {
      const clock = new EmulatorDrivenClock(emulator);
      const graph = client(clock);
      const minted = await graph.addPassword(targetObjectId(6), {
        displayName: `sc-rotator c0000000-0000-4000-8000-000000000006 ${new Date(emulator.clock.nowMs()).toISOString()}`,
        endDateTime: new Date(emulator.clock.nowMs() + 90 * 86_400_000).toISOString(),
      });
      emulator.clearRequests();
      emulator.faults.add({
        operation: 'graph.applications.removePassword',
        kind: 'concurrency',
        shape,
        times: 1,
      });
      await graph.removePassword(targetObjectId(6), minted.keyId);
      assert.deepEqual(
        graphWrites().map((e) => [e.operation, e.status, e.faultShape ?? null]),
        [
          ['graph.applications.removePassword', SHAPE_STATUS[shape], shape],
          ['graph.applications.removePassword', 204, null],
        ],
      );
      const app = emulator.state.application(targetObjectId(6));
      assert.deepEqual(
        app?.passwordCredentials.map((p) => p.keyId),
        [targetKeyId(6)],
      );
    });

    it(`federated credential create (writeCredential): the ${shape} refusal is retried; one credential, two requests`, async () => {
      const clock = new EmulatorDrivenClock(emulator);
      emulator.faults.add({ operation: 'graph.fic.create', kind: 'concurrency', shape, times: 1 });
      const name = `refusal-${shape.replace(/_/g, '-')}`;
      const response = await client(clock).writeCredential<{ name?: string }>(targetObjectId(7), {
        method: 'POST',
        path: `/applications/${targetObjectId(7)}/federatedIdentityCredentials`,
        body: {
          name,
          issuer: 'https://login.microsoftonline.com/00000000-0000-4000-8000-000000000001/v2.0',
          subject: `sc-subject-${shape}`,
          audiences: ['api://AzureADTokenExchange'],
        },
        operation: 'graph.fic.create',
        idempotent: false,
      });
      assert.equal(response.status, 201);
      assert.deepEqual(
        graphWrites().map((e) => [e.operation, e.status, e.faultShape ?? null]),
        [
          ['graph.fic.create', SHAPE_STATUS[shape], shape],
          ['graph.fic.create', 201, null],
        ],
      );
      const app = emulator.state.application(targetObjectId(7));
      assert.equal(app?.federatedIdentityCredentials.filter((f) => f.name === name).length, 1);
    });
  }

  it('a cycle rule gives the four shapes in turn', async () => {
    emulator.faults.add({
      operation: 'graph.applications.get',
      kind: 'concurrency',
      shape: 'cycle',
      times: 4,
    });
    const graph = client(new EmulatorDrivenClock(emulator));
    await graph.listPasswords(targetObjectId(5));
    assert.deepEqual(
      ops(emulator, 'graph.applications.get').map((e) => e.faultShape ?? e.status),
      [...CONCURRENCY_SHAPES, 200],
    );
  });

  it('a $batch read item refused in each shape in turn is re-batched until it is found', async () => {
    emulator.faults.add({
      operation: 'graph.applications.get',
      kind: 'concurrency',
      shape: 'cycle',
      times: 4,
    });
    const result = await client(new EmulatorDrivenClock(emulator)).lookupApplications([targetAppId(5)]);
    assert.equal(result.get(targetAppId(5))?.kind, 'found');
    assert.deepEqual(
      ops(emulator, 'graph.applications.get').map((e) => e.faultShape ?? e.status),
      [...CONCURRENCY_SHAPES, 200],
    );
    assert.equal(ops(emulator, 'graph.batch').length, 5);
  });

  it('keeps one credential write in flight per application, and none waits for another app', async () => {
    // Counts, per application, the addPassword requests the real client has on the wire at once.
    const now = new Map<string, number>();
    const peak = new Map<string, number>();
    let peakAll = 0;
    const counting: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      const app = /applications\/([^/]+)\/addPassword/.exec(url)?.[1];
      if (!app) return fetch(input, init);
      now.set(app, (now.get(app) ?? 0) + 1);
      peak.set(app, Math.max(peak.get(app) ?? 0, now.get(app)!));
      peakAll = Math.max(
        peakAll,
        [...now.values()].reduce((a, b) => a + b, 0),
      );
      try {
        return await fetch(input, init);
      } finally {
        now.set(app, now.get(app)! - 1);
      }
    };
    const graph = new GraphClient({
      graphUrl: emulator.urls.graph,
      tenantId: TENANT,
      tokenProvider: tokens,
      clock: new EmulatorDrivenClock(emulator),
      retry: { random: () => 0.5 },
      fetch: counting,
    });
    emulator.faults.add({ operation: 'graph.applications.addPassword', kind: 'delay', delayMs: 40 });
    const mint = (app: number, n: number) =>
      graph.addPassword(targetObjectId(app), {
        displayName: `sc-rotator c0000000-0000-4000-8000-00000000000${app} ${new Date(emulator.clock.nowMs() + n).toISOString()}`,
        endDateTime: new Date(emulator.clock.nowMs() + 90 * 86_400_000).toISOString(),
      });
    const minted = await Promise.all([mint(8, 1), mint(8, 2), mint(8, 3), mint(9, 1), mint(9, 2)]);
    emulator.faults.clear();
    assert.equal(peak.get(targetObjectId(8)), 1);
    assert.equal(peak.get(targetObjectId(9)), 1);
    assert.equal(peakAll, 2, 'writes on different applications overlap');
    assert.equal(ops(emulator, 'graph.applications.addPassword').length, 5);
    for (const [i, m] of minted.entries()) await graph.removePassword(targetObjectId(i < 3 ? 8 : 9), m.keyId);
  });
});

const SHAPE_STATUS: Record<(typeof CONCURRENCY_SHAPES)[number], number> = {
  conflict: 409,
  unavailable: 503,
  bad_request: 400,
  bad_request_message: 400,
};

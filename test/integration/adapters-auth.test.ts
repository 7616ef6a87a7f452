import assert from 'node:assert/strict';
import type { Emulator } from '../../emulator';
import { graphScope } from '../../lib/auth/clouds';
import { MsalCredentialProver } from '../../lib/auth/credential-prover';
import { MsalTokenProvider } from '../../lib/auth/msal-token-provider';
import { oidcAssertionSource } from '../../lib/auth/oidc-assertion';
import { staticTokenProvider } from '../../lib/auth/token-provider';
import { RotatorError } from '../../lib/errors';
import { GraphClient } from '../../lib/graph/graph-client';
import { FakeClock } from '../unit/http/fake-clock';
import { EmulatorDrivenClock, ops, startAdaptersEmulator } from './adapters-harness';
import {
  CONNECTIONS,
  EXPIRED_APP,
  EXPIRED_SECRET,
  JOB_TOKEN,
  projectId,
  ROTATOR_APP,
  ROTATOR_CERT_KEY,
  ROTATOR_SECRET,
  TENANT,
  targetAppId,
  targetObjectId,
} from './adapters-org';

/** The token's claims (the emulator issues JWTs). */
function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

describe('Token acquisition against the emulator (msal-node)', () => {
  let emulator: Emulator;
  let scope: string;

  before(async () => {
    emulator = await startAdaptersEmulator();
    scope = graphScope(emulator.urls.graph);
  });
  after(async () => {
    await emulator?.close();
  });
  beforeEach(() => {
    emulator.faults.clear();
    emulator.faults.propagationDelayMs = 0;
    emulator.clearRequests();
  });

  function provider(credential: ConstructorParameters<typeof MsalTokenProvider>[0]['credential']) {
    return new MsalTokenProvider({
      tenantId: TENANT,
      clientId: ROTATOR_APP,
      credential,
      authorityHost: emulator.urls.authorityHost,
      clock: new FakeClock(),
    });
  }

  it('gets a Graph token with a client secret, once for two calls', async () => {
    const tokens = provider({ kind: 'secret', clientSecret: ROTATOR_SECRET });
    const token = await tokens.getToken(scope);
    assert.equal(await tokens.getToken(scope), token);
    assert.equal(claims(token)['appid'] ?? claims(token)['azp'], ROTATOR_APP);
    assert.deepEqual(
      emulator.requests().map((e) => `${e.operation} ${e.status}`),
      ['entra.metadata 200', 'entra.token 200'],
    );
  });

  it('gets a token with a certificate (PEM of certificate and key)', async () => {
    const material = await emulator.state.keyCredentialCertificate(ROTATOR_APP, ROTATOR_CERT_KEY);
    const tokens = provider({
      kind: 'certificate',
      pem: `${material.certificatePem}\n${material.privateKeyPem}`,
    });
    const token = await tokens.getToken(scope);
    assert.ok(token.length > 0);
    assert.deepEqual(
      ops(emulator, 'entra.token').map((e) => e.status),
      [200],
    );
    // The token works against Graph.
    const graph = new GraphClient({
      graphUrl: emulator.urls.graph,
      tenantId: TENANT,
      tokenProvider: tokens,
      clock: new FakeClock(),
    });
    const lookup = await graph.lookupApplications([targetAppId(1)]);
    assert.equal(lookup.get(targetAppId(1))?.kind, 'found');
  });

  it('gets a token by workload identity federation with a fresh OIDC token per request', async () => {
    const clock = new FakeClock();
    const assertion = oidcAssertionSource({
      oidcRequestUri: emulator.oidcRequestUri(projectId(0)),
      serviceConnectionId: CONNECTIONS.rotatorWif,
      jobToken: staticTokenProvider(JOB_TOKEN),
      clock,
    });
    const tokens = new MsalTokenProvider({
      tenantId: TENANT,
      clientId: ROTATOR_APP,
      credential: { kind: 'assertion', getAssertion: assertion },
      authorityHost: emulator.urls.authorityHost,
      clock,
    });
    await tokens.getToken(scope);
    clock.advance(2 * 3_600_000);
    await tokens.getToken(scope);
    assert.deepEqual(
      emulator
        .requests()
        .filter((e) => e.operation !== 'entra.metadata')
        .map((e) => `${e.operation} ${e.status}`),
      ['devops.oidctoken.create 200', 'entra.token 200', 'devops.oidctoken.create 200', 'entra.token 200'],
    );
    const oidc = ops(emulator, 'devops.oidctoken.create')[0];
    assert.match(oidc?.path ?? '', new RegExp(`serviceConnectionId=${CONNECTIONS.rotatorWif}`));
    assert.match(oidc?.path ?? '', /api-version=7\.1/);
  });

  it('reports a wrong job token as a devops error, not as an Entra one', async () => {
    const tokens = provider({
      kind: 'assertion',
      getAssertion: oidcAssertionSource({
        oidcRequestUri: emulator.oidcRequestUri(projectId(0)),
        serviceConnectionId: CONNECTIONS.rotatorWif,
        jobToken: staticTokenProvider('not-a-job-token'),
        clock: new FakeClock(),
      }),
    });
    const error = await tokens.getToken(scope).catch((e) => e);
    assert.ok(error instanceof RotatorError);
    assert.equal(error.code, 'devops.unauthorized');
    assert.equal(ops(emulator, 'entra.token').length, 0);
  });

  it('proves a new secret once it has propagated', async () => {
    emulator.faults.propagationDelayMs = 10_000;
    const clock = new EmulatorDrivenClock(emulator);
    const graph = new GraphClient({
      graphUrl: emulator.urls.graph,
      tenantId: TENANT,
      tokenProvider: provider({ kind: 'secret', clientSecret: ROTATOR_SECRET }),
      clock,
    });
    const minted = await graph.addPassword(targetObjectId(5), {
      displayName: 'sc-rotator c0000000-0000-4000-8000-000000000005 2026-11-23T03:00:00.000Z',
      endDateTime: new Date(emulator.clock.nowMs() + 30 * 86_400_000).toISOString(),
    });
    emulator.clearRequests();
    const prover = new MsalCredentialProver({
      authorityHost: emulator.urls.authorityHost,
      scope,
      clock,
      retry: { random: () => 0.5 },
    });
    await prover.proveSecret(TENANT, targetAppId(5), minted.secretText);
    // Polls of 0.9 s (jitter at the middle). The emulator's clock also runs with real time, so how
    // many polls fit before 10 s depends on how long the requests took; what must hold is that
    // every answer before the propagation was refused, the first one after it was accepted, and it
    // came less than one poll late.
    const tokens = ops(emulator, 'entra.token');
    assert.ok(clock.sleeps.length >= 10, `polled ${clock.sleeps.length} times`);
    assert.deepEqual(clock.sleeps, Array(clock.sleeps.length).fill(900));
    assert.deepEqual(
      tokens.map((e) => e.status),
      [...Array(tokens.length - 1).fill(401), 200],
    );
    const first = Date.parse(tokens[0]!.time);
    const accepted = Date.parse(tokens.at(-1)!.time) - first;
    const lastRefused = Date.parse(tokens.at(-2)!.time) - first;
    assert.ok(lastRefused < 10_000, `refused at ${lastRefused} ms`);
    assert.ok(accepted >= 10_000 && accepted < 10_000 + 900 + 500, `accepted at ${accepted} ms`);
    await graph.removePassword(targetObjectId(5), minted.keyId);
  });

  it('fails fast on an expired secret with auth.secret_expired', async () => {
    const clock = new EmulatorDrivenClock(emulator);
    const prover = new MsalCredentialProver({ authorityHost: emulator.urls.authorityHost, scope, clock });
    const error = await prover.proveSecret(TENANT, EXPIRED_APP, EXPIRED_SECRET).catch((e) => e);
    assert.ok(error instanceof RotatorError);
    assert.equal(error.code, 'auth.secret_expired');
    assert.ok(!error.message.includes(EXPIRED_SECRET));
    assert.deepEqual(clock.sleeps, []);
    assert.deepEqual(
      ops(emulator, 'entra.token').map((e) => e.status),
      [401],
    );
  });

  it('gives up with rotation.proof_failed when the secret never works within the budget', async () => {
    const clock = new EmulatorDrivenClock(emulator);
    const prover = new MsalCredentialProver({
      authorityHost: emulator.urls.authorityHost,
      scope,
      clock,
      budgetMs: 10_000,
      retry: { random: () => 0.5 },
    });
    const error = await prover
      .proveSecret(TENANT, targetAppId(6), 'never-the-right-secret-0123456789')
      .catch((e) => e);
    assert.equal(error.code, 'rotation.proof_failed');
    // Polls of 0.9 s until what is left of the budget is less than a poll, then one shorter wait
    // and a last try at the budget. The requests take real (emulator) time too, so the number of
    // polls that fit depends on the machine; the rules do not.
    const last = clock.sleeps.at(-1)!;
    assert.ok(clock.sleeps.length >= 10, `polled ${clock.sleeps.length} times`);
    assert.deepEqual(clock.sleeps.slice(0, -1), Array(clock.sleeps.length - 1).fill(900));
    assert.ok(last > 0 && last <= 900, `last wait ${last} ms`);
    const tokens = ops(emulator, 'entra.token');
    assert.equal(tokens.length, clock.sleeps.length + 1);
    const spent = Date.parse(tokens.at(-1)!.time) - Date.parse(tokens[0]!.time);
    assert.ok(spent >= 10_000 - 500 && spent <= 10_000 + 500, `last try ${spent} ms after the first`);
  });
});

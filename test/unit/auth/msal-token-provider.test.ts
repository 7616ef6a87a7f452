import assert from 'node:assert/strict';
import { MsalCredentialProver } from '../../../lib/auth/credential-prover';
import { MsalTokenProvider } from '../../../lib/auth/msal-token-provider';
import { HttpError, RotatorError } from '../../../lib/errors';
import { FakeClock } from '../http/fake-clock';
import { AUTHORITY_HOST, aadstsError, FakeAuthority, jwtHeader, tokenOk } from './fake-authority';
import { makeTestCertificate } from './test-certificate';

const TENANT = '11111111-1111-1111-1111-111111111111';
const APP = '22222222-2222-2222-2222-222222222222';
const SCOPE = 'https://graph.test/.default';
const SECRET = 'new-secret-value-0123456789';

function provider(
  authority: FakeAuthority,
  clock: FakeClock,
  credential: ConstructorParameters<typeof MsalTokenProvider>[0]['credential'],
) {
  return new MsalTokenProvider({
    tenantId: TENANT,
    clientId: APP,
    credential,
    authorityHost: AUTHORITY_HOST,
    clock,
    fetch: authority.fetch,
    retry: { random: () => 0.5 },
  });
}

describe('MsalTokenProvider', () => {
  it('gets a token with a secret at {authorityHost}/{tenant} and caches it until the margin', async () => {
    const authority = new FakeAuthority([tokenOk('t1', 3600), tokenOk('t2', 3600)]);
    const clock = new FakeClock();
    const tokens = provider(authority, clock, { kind: 'secret', clientSecret: SECRET });
    assert.equal(await tokens.getToken(SCOPE), 't1');
    assert.equal(await tokens.getToken(SCOPE), 't1');
    assert.equal(authority.tokenCalls.length, 1);
    const form = authority.tokenCalls[0]!.form;
    assert.equal(authority.tokenCalls[0]!.tenant, TENANT);
    assert.equal(form.get('grant_type'), 'client_credentials');
    assert.equal(form.get('client_id'), APP);
    assert.equal(form.get('client_secret'), SECRET);
    assert.equal(form.get('scope'), SCOPE);
    // 3600 s validity, 5 min margin: still cached at +54 min, renewed at +56 min.
    clock.advance(54 * 60_000);
    assert.equal(await tokens.getToken(SCOPE), 't1');
    clock.advance(2 * 60_000);
    assert.equal(await tokens.getToken(SCOPE), 't2');
    assert.equal(authority.tokenCalls.length, 2);
  });

  it('shares one request between concurrent callers', async () => {
    const authority = new FakeAuthority([tokenOk('t1')]);
    const tokens = provider(authority, new FakeClock(), { kind: 'secret', clientSecret: SECRET });
    const all = await Promise.all([tokens.getToken(SCOPE), tokens.getToken(SCOPE), tokens.getToken(SCOPE)]);
    assert.deepEqual(all, ['t1', 't1', 't1']);
    assert.equal(authority.tokenCalls.length, 1);
  });

  it('signs a PS256 assertion with the SHA-256 thumbprint for a certificate', async () => {
    const cert = makeTestCertificate();
    const authority = new FakeAuthority([tokenOk('t-cert')]);
    const tokens = provider(authority, new FakeClock(), {
      kind: 'certificate',
      pem: cert.certPem + cert.pkcs1KeyPem,
    });
    assert.equal(await tokens.getToken(SCOPE), 't-cert');
    const form = authority.tokenCalls[0]!.form;
    assert.equal(form.get('client_secret'), null);
    assert.equal(form.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const header = jwtHeader(form.get('client_assertion') ?? '');
    assert.equal(header['alg'], 'PS256');
    assert.equal(header['x5t#S256'], Buffer.from(cert.expectedThumbprint, 'hex').toString('base64url'));
    assert.equal(header['x5c'], undefined);
  });

  it('asks the assertion source for a fresh assertion on every token request', async () => {
    const authority = new FakeAuthority([tokenOk('a1', 600), tokenOk('a2', 600)]);
    const clock = new FakeClock();
    let n = 0;
    const tokens = provider(authority, clock, { kind: 'assertion', getAssertion: async () => `oidc-${++n}` });
    await tokens.getToken(SCOPE);
    clock.advance(10 * 60_000);
    await tokens.getToken(SCOPE);
    assert.deepEqual(
      authority.tokenCalls.map((call) => call.form.get('client_assertion')),
      ['oidc-1', 'oidc-2'],
    );
  });

  it('passes on the assertion source failure as it is', async () => {
    const authority = new FakeAuthority([]);
    const failure = new RotatorError('auth.assertion_failed', 'no oidc token');
    const tokens = provider(authority, new FakeClock(), {
      kind: 'assertion',
      getAssertion: async () => {
        throw failure;
      },
    });
    await assert.rejects(tokens.getToken(SCOPE), (error) => error === failure);
  });

  it('retries 429 with Retry-After on a fresh client (msal would lock the old one out)', async () => {
    const authority = new FakeAuthority([
      { status: 429, body: { error: 'temporarily_unavailable' }, headers: { 'Retry-After': '7' } },
      'reset',
      tokenOk('t-after'),
    ]);
    const clock = new FakeClock();
    const tokens = provider(authority, clock, { kind: 'secret', clientSecret: SECRET });
    assert.equal(await tokens.getToken(SCOPE), 't-after');
    assert.equal(authority.tokenCalls.length, 3);
    assert.deepEqual(clock.sleeps, [7000, 750]);
  });

  it('fails at once with the auth code on a wrong secret, without the secret in the message', async () => {
    const authority = new FakeAuthority([aadstsError(7000215)]);
    const tokens = provider(authority, new FakeClock(), { kind: 'secret', clientSecret: SECRET });
    const error = await tokens.getToken(SCOPE).catch((e) => e);
    assert.ok(error instanceof HttpError);
    assert.equal(error.code, 'auth.invalid_secret');
    assert.equal(error.status, 401);
    assert.equal(authority.tokenCalls.length, 1);
    assert.ok(!error.message.includes(SECRET));
  });
});

describe('MsalCredentialProver', () => {
  function prover(authority: FakeAuthority, clock: FakeClock, budgetMs = 120_000) {
    return new MsalCredentialProver({
      authorityHost: AUTHORITY_HOST,
      scope: SCOPE,
      clock,
      budgetMs,
      fetch: authority.fetch,
      retry: { random: () => 0.5 },
    });
  }

  it('retries AADSTS7000215 while the secret propagates, then succeeds', async () => {
    const authority = new FakeAuthority([
      aadstsError(7000215),
      aadstsError(7000215),
      aadstsError(7000215),
      tokenOk(),
    ]);
    const clock = new FakeClock();
    await prover(authority, clock).proveSecret(TENANT, APP, SECRET);
    assert.equal(authority.tokenCalls.length, 4);
    // Polls about once a second (jitter 80–100 %, here the middle: 0.9 s), never backing off.
    assert.deepEqual(clock.sleeps, [900, 900, 900]);
    // A fresh client per attempt, but the OpenID metadata is fetched once and handed to the next
    // clients: one request per attempt after the first.
    assert.equal(authority.metadataCalls, 1);
    assert.ok(authority.tokenCalls.every((call) => call.form.get('client_secret') === SECRET));
  });

  for (const [code, expected] of [
    [7000222, 'auth.secret_expired'],
    [700016, 'auth.app_not_found'],
    [7000112, 'auth.app_disabled'],
  ] as const) {
    it(`fails fast on AADSTS${code} with ${expected}`, async () => {
      const authority = new FakeAuthority([aadstsError(code), tokenOk()]);
      const clock = new FakeClock();
      const error = await prover(authority, clock)
        .proveSecret(TENANT, APP, SECRET)
        .catch((e) => e);
      assert.equal(error.code, expected);
      assert.equal(authority.tokenCalls.length, 1);
      assert.deepEqual(clock.sleeps, []);
    });
  }

  it('gives up with rotation.proof_failed when the budget runs out, trying once more at its end', async () => {
    const authority = new FakeAuthority(Array.from({ length: 20 }, () => aadstsError(7000215)));
    const clock = new FakeClock();
    const error = await prover(authority, clock, 5000)
      .proveSecret(TENANT, APP, SECRET)
      .catch((e) => e);
    assert.ok(error instanceof RotatorError);
    assert.equal(error.code, 'rotation.proof_failed');
    assert.ok(error.cause instanceof HttpError && error.cause.code === 'auth.invalid_secret');
    // Five polls of 0.9 s, then the 0.5 s left of the budget, then one last try at 5 s.
    assert.deepEqual(clock.sleeps, [900, 900, 900, 900, 900, 500]);
    assert.equal(authority.tokenCalls.length, 7);
    assert.ok(!error.message.includes(SECRET));
  });

  it('skips the polls a secret of the same tenant did not need, and is at most a poll late', async () => {
    // Each secret works 10 s after its first proof (`startedAt`).
    const clock = new FakeClock();
    let startedAt = clock.nowMs;
    const worksAfter = () =>
      (clock.nowMs - startedAt >= 10_000 ? tokenOk() : aadstsError(7000215)) as {
        status: number;
        body: unknown;
      };
    const authority = new FakeAuthority(Array.from({ length: 40 }, () => worksAfter));
    const shared = prover(authority, clock);

    await shared.proveSecret(TENANT, APP, SECRET);
    const first = clock.sleeps.length;
    // Accepted at the first poll at or after 10 s: 12 polls of 0.9 s = 10.8 s, under a poll late.
    assert.equal(first, 12);
    assert.equal(clock.nowMs - startedAt, 10_800);
    assert.equal(authority.tokenCalls.length, 13);

    startedAt = clock.nowMs;
    clock.sleeps.length = 0;
    await shared.proveSecret(TENANT, APP, SECRET);
    // The second waits until one interval before the fastest acceptance seen (10.8 − 1 = 9.8 s),
    // then polls: 3 token requests instead of 13, and still accepted 0.7 s after it works.
    assert.deepEqual(clock.sleeps, [9800, 900]);
    assert.equal(clock.nowMs - startedAt, 10_700);
    assert.equal(authority.tokenCalls.length, 16);
  });

  it('waits out throttling within the budget', async () => {
    const authority = new FakeAuthority([
      { status: 429, body: { error: 'throttled' }, headers: { 'Retry-After': '4' } },
      tokenOk(),
    ]);
    const clock = new FakeClock();
    await prover(authority, clock).proveSecret(TENANT, APP, SECRET);
    assert.deepEqual(clock.sleeps, [4000]);
  });
});

import assert from 'node:assert/strict';
import { createSign } from 'node:crypto';
import { ConfidentialClientApplication } from '@azure/msal-node';
import type { Emulator, OrgDescription } from '../../emulator/index';
import { generateCertificate } from '../../lib/certificates/generate-certificate';
import {
  APPS,
  CERTS,
  certificateOrg,
  ROTATOR_APP,
  ROTATOR_SECRET,
  TENANT,
} from '../integration/certificate-org';
import { call, requestToken, start } from './helpers';

type Json = Record<string, unknown>;
type Key = { keyId: string; key: string | null; displayName: string | null };

describe('emulator: application keyCredentials (PATCH, key, certificate sign-in)', () => {
  let emulator: Emulator;
  let token = '';

  const begin = async (org: OrgDescription = certificateOrg(), propagationDelayMs = 0) => {
    emulator = await start(org, { propagationDelayMs });
    const response = await requestToken(emulator, TENANT, {
      client_id: ROTATOR_APP,
      client_secret: ROTATOR_SECRET,
      scope: `${emulator.urls.graph}/.default`,
    });
    token = String(response.body['access_token']);
  };
  afterEach(() => emulator?.close());

  const graph = <T = Json>(path: string, init: { method?: string; body?: unknown } = {}) =>
    call<T>(`${emulator.urls.graph}/v1.0${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  const keysOf = async (objectId = APPS.shared.objectId) =>
    (await graph<{ keyCredentials: Key[] }>(`/applications/${objectId}?$select=keyCredentials`)).body
      .keyCredentials;
  const signIn = (thumbprintSha256: string, privateKey: string, appId = APPS.shared.appId) =>
    new ConfidentialClientApplication({
      auth: {
        clientId: appId,
        authority: `${emulator.urls.authorityHost}/${TENANT}`,
        knownAuthorities: [new URL(emulator.urls.authorityHost).host],
        clientCertificate: { thumbprintSha256, privateKey },
      },
    }).acquireTokenByClientCredential({ scopes: [`${emulator.urls.graph}/.default`] });

  it('returns key only on a single-object GET with $select=keyCredentials', async () => {
    await begin();
    const keys = await keysOf();
    assert.equal(keys.length, 4);
    const material = await emulator.state.keyCredentialCertificate(APPS.shared.appId, CERTS.c0);
    assert.equal(keys.find((k) => k.keyId === CERTS.c0)?.key, material.derBase64);
    const plain = await graph<{ keyCredentials: Key[] }>(`/applications/${APPS.shared.objectId}`);
    assert.ok(plain.body.keyCredentials.every((k) => k.key === null));
    const listed = await graph<{ value: Array<{ keyCredentials: Key[] }> }>(
      `/applications?$filter=${encodeURIComponent(`appId in ('${APPS.shared.appId}')`)}&$select=appId,keyCredentials`,
    );
    assert.ok(listed.body.value[0]!.keyCredentials.every((k) => k.key === null));
  });

  it('replaces the whole list on PATCH: a certificate left out is removed', async () => {
    await begin();
    const keys = await keysOf();
    const kept = keys.filter((k) => k.keyId !== CERTS.backup);
    const patched = await graph(`/applications/${APPS.shared.objectId}`, {
      method: 'PATCH',
      body: { keyCredentials: kept },
    });
    assert.equal(patched.status, 204);
    assert.deepEqual((await keysOf()).map((k) => k.keyId).sort(), kept.map((k) => k.keyId).sort());
    // The kept seeded certificate still signs in with its generated key.
    const c0 = await emulator.state.keyCredentialCertificate(APPS.shared.appId, CERTS.c0);
    await signIn(c0.thumbprintSha256, c0.privateKeyPem);
  });

  it('refuses an entry without key and changes nothing', async () => {
    await begin();
    const keys = await keysOf();
    const refused = await graph<{ error: { code: string } }>(`/applications/${APPS.shared.objectId}`, {
      method: 'PATCH',
      body: { keyCredentials: keys.map((k) => ({ keyId: k.keyId })) },
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'Request_BadRequest');
    assert.equal((await keysOf()).length, 4);
  });

  it('lets an uploaded certificate sign in (x5t#S256) after the propagation delay, AADSTS700027 before', async () => {
    await begin(certificateOrg(), 10_000);
    const generated = await generateCertificate({
      commonName: 'new',
      nowMs: emulator.clock.nowMs(),
      lifetimeDays: 30,
    });
    const keys = await keysOf();
    const added = {
      keyId: '45000000-0000-4000-8000-0000000000aa',
      type: 'AsymmetricX509Cert',
      usage: 'Verify',
      key: generated.derBase64,
      displayName: 'new one',
      startDateTime: generated.notBefore,
      endDateTime: generated.notAfter,
    };
    const patched = await graph(`/applications/${APPS.shared.objectId}`, {
      method: 'PATCH',
      body: { keyCredentials: [...keys, added] },
    });
    assert.equal(patched.status, 204);
    await assert.rejects(signIn(generated.thumbprintSha256, generated.privateKeyPem), /AADSTS700027/);
    emulator.clock.advance(10_000);
    const result = await signIn(generated.thumbprintSha256, generated.privateKeyPem);
    assert.ok(result?.accessToken);
  });

  it('refuses sign-in with an RSA key under 2048 bits with AADSTS700027', async () => {
    const org = certificateOrg();
    const hand = org.applications!.find((a) => a.appId === APPS.hand.appId)!;
    (hand as unknown as { keyCredentials: unknown[] }).keyCredentials = [
      { keyId: CERTS.hand, displayName: 'weak', keyBits: 1024, expiresInDays: 30 },
    ];
    await begin(org);
    const weak = await emulator.state.keyCredentialCertificate(APPS.hand.appId, CERTS.hand);
    assert.equal(weak.keyBits, 1024);
    // msal-node refuses to sign with such a key itself; the AzureRM tasks' ADAL path signs RS256.
    const tokenEndpoint = `${emulator.urls.authorityHost}/${TENANT}/oauth2/v2.0/token`;
    const part = (o: Json) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const input = `${part({ alg: 'RS256', typ: 'JWT', 'x5t#S256': Buffer.from(weak.thumbprintSha256, 'hex').toString('base64url') })}.${part({ aud: tokenEndpoint, iss: APPS.hand.appId, sub: APPS.hand.appId, jti: 'x', nbf: now, exp: now + 600 })}`;
    const signature = createSign('RSA-SHA256').update(input).sign(weak.privateKeyPem).toString('base64url');
    const refused = await requestToken(emulator, TENANT, {
      client_id: APPS.hand.appId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: `${input}.${signature}`,
      scope: `${emulator.urls.graph}/.default`,
    });
    assert.equal(refused.status, 401);
    assert.deepEqual(refused.body['error_codes'], [700027]);
    assert.match(
      String(refused.body['error_description']),
      /RSA key size 1024 is less than the minimum required 2048 bits/,
    );
  });

  it('drop_key: the PATCH answers 204 but loses the first certificate it was told to keep', async () => {
    await begin();
    emulator.faults.add({ operation: 'graph.applications.update', kind: 'drop_key', times: 1 });
    const keys = await keysOf();
    const patched = await graph(`/applications/${APPS.shared.objectId}`, {
      method: 'PATCH',
      body: { keyCredentials: keys },
    });
    assert.equal(patched.status, 204);
    assert.deepEqual(
      (await keysOf()).map((k) => k.keyId),
      keys.slice(1).map((k) => k.keyId),
    );
  });
});

import assert from 'node:assert/strict';
import type { Emulator, LoggedRequest, RedactedState } from '../../emulator/index';
import { call, demoOrg, named, requestToken, secretOf, start } from './helpers';

describe('emulator: admin API and request log', () => {
  const org = demoOrg();
  const demo = named(org);
  const jobToken = demo.identity('contoso-build').accessToken!;
  const headers = { authorization: `Bearer ${jobToken}`, 'content-type': 'application/json' };
  let emulator: Emulator;

  beforeEach(async () => {
    emulator = await start(org);
  });
  afterEach(() => emulator.close());

  /** Mints a secret through Graph and stores it in prod-deploy: the secret-bearing traffic a rotation makes. */
  async function rotateProd(): Promise<{ secret: string; keyId: string }> {
    const rotator = demo.app('sc-rotator');
    const oidc = await call(
      `${emulator.oidcRequestUri(demo.project('Platform').id)}?api-version=7.1&serviceConnectionId=${demo.connection('rotator-wif').id}`,
      {
        method: 'POST',
        headers,
        body: '{}',
      },
    );
    const graphToken = await requestToken(emulator, rotator.tenantId, {
      client_id: rotator.appId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: String(oidc.body['oidcToken']),
      scope: `${emulator.urls.graph}/.default`,
    });
    const prodApp = demo.app('deploy-prod');
    const added = await call(
      `${emulator.urls.graph}/v1.0/applications(appId='${prodApp.appId}')/addPassword?secret=should-not-be-logged`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${graphToken.body['access_token']}`,
          'content-type': 'application/json',
        },
        body: '{"passwordCredential":{"displayName":"rotated"}}',
      },
    );
    const secret = String(added.body['secretText']);
    await requestToken(emulator, prodApp.tenantId, {
      client_id: prodApp.appId,
      client_secret: secret,
      scope: `${emulator.urls.graph}/.default`,
    });
    const id = demo.connection('prod-deploy').id;
    const endpoint = (
      await call<Record<string, unknown> & { authorization: { parameters: Record<string, unknown> } }>(
        `${emulator.urls.organization}Platform/_apis/serviceendpoint/endpoints/${id}?api-version=7.1`,
        { headers },
      )
    ).body;
    endpoint.authorization.parameters['serviceprincipalkey'] = secret;
    const put = await call(
      `${emulator.urls.organization}_apis/serviceendpoint/endpoints/${id}?api-version=7.1`,
      { method: 'PUT', headers, body: JSON.stringify(endpoint) },
    );
    assert.equal(put.status, 200);
    return { secret, keyId: String(added.body['keyId']) };
  }

  it('never shows a secret in /_admin/state or /_admin/requests, while /_admin/secrets lists them all', async () => {
    const { secret, keyId } = await rotateProd();
    const state = await call<RedactedState>(`${emulator.urls.admin}state`);
    const requests = await call<{ requests: LoggedRequest[] }>(`${emulator.urls.admin}requests`);
    const secrets = (await call<{ secrets: string[] }>(`${emulator.urls.admin}secrets`)).body.secrets;
    assert.ok(secrets.includes(secret));
    assert.ok(secrets.includes(secretOf(emulator, demo.app('deploy-legacy').appId)));
    assert.ok(secrets.includes('sandbox-secret-of-a-deleted-app'));
    const tokens = (org.identities ?? [])
      .flatMap((i) => [i.accessToken, i.pat])
      .filter((t): t is string => Boolean(t));
    for (const text of [...secrets, ...tokens]) {
      assert.equal(state.text.includes(text), false, 'state leaks a secret');
      assert.equal(requests.text.includes(text), false, 'request log leaks a secret');
    }
    assert.doesNotMatch(requests.text, /should-not-be-logged/);
    const prod = state.body.serviceConnections.find((c) => c.name === 'prod-deploy');
    assert.deepEqual(prod?.secret, { kind: 'password', keyId });
    const password = state.body.applications
      .find((a) => a.displayName === 'deploy-prod')
      ?.passwordCredentials.find((p) => p.keyId === keyId);
    assert.deepEqual(Object.keys(password ?? {}).sort(), [
      'displayName',
      'endDateTime',
      'hint',
      'keyId',
      'startDateTime',
      'usableFrom',
    ]);
  });

  it('logs every request with its operation, caller and write flag, and clears on demand', async () => {
    await rotateProd();
    const log = emulator.requests();
    assert.deepEqual(
      log.filter((r) => r.write).map((r) => r.operation),
      ['graph.applications.addPassword', 'devops.endpoints.update'],
    );
    const added = log.find((r) => r.operation === 'graph.applications.addPassword')!;
    assert.equal(added.caller, demo.app('sc-rotator').appId);
    assert.equal(added.service, 'graph');
    assert.match(added.path, /\?secret=\*\*\*$/);
    assert.equal(log.find((r) => r.operation === 'devops.endpoints.update')?.caller, 'contoso-build');
    assert.deepEqual(
      log.map((r) => r.seq),
      [...log.keys()].map((i) => i + 1),
    );
    assert.ok(log.every((r) => !Number.isNaN(Date.parse(r.time))));
    assert.equal((await call(`${emulator.urls.admin}requests`, { method: 'DELETE' })).status, 204);
    assert.deepEqual(emulator.requests(), []);
  });

  it('moves the clock by advanceMs or to an instant', async () => {
    const before = emulator.clock.nowMs();
    const advanced = await call(`${emulator.urls.admin}clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceMs: 86_400_000 }),
    });
    assert.ok(Date.parse(String(advanced.body['now'])) - before >= 86_400_000);
    const set = await call(`${emulator.urls.admin}clock`, {
      method: 'POST',
      body: JSON.stringify({ now: '2030-01-01T00:00:00Z' }),
    });
    assert.match(String(set.body['now']), /^2030-01-01T00:00:0/);
    assert.equal((await call(`${emulator.urls.admin}clock`, { method: 'POST', body: '{}' })).status, 400);
  });

  it('hands out the generated certificate and key of a key credential', async () => {
    const certApp = demo.app('deploy-cert');
    const response = await call<{ keyCredentials: Record<string, string>[] }>(
      `${emulator.urls.admin}certificates/${certApp.appId}`,
    );
    const [credential] = response.body.keyCredentials;
    assert.equal(credential?.['keyId'], certApp.keyCredentials![0]!.keyId);
    assert.match(credential?.['privateKeyPem'] ?? '', /BEGIN PRIVATE KEY/);
    assert.match(credential?.['thumbprintSha256'] ?? '', /^[0-9A-F]{64}$/);
    assert.equal((await call(`${emulator.urls.admin}certificates/${crypto.randomUUID()}`)).status, 404);
    const state = emulator.state.snapshot();
    assert.deepEqual(state.serviceConnections.find((c) => c.name === 'cert-deploy')?.secret, {
      kind: 'certificate',
      keyId: credential?.['keyId'],
    });
  });

  it('does not log admin calls unless asked to', async () => {
    await call(`${emulator.urls.admin}state`);
    assert.deepEqual(emulator.requests(), []);
    const logging = await start(org, { logAdminRequests: true });
    try {
      await call(`${logging.urls.admin}state`);
      assert.deepEqual(
        logging.requests().map((r) => `${r.service} ${r.operation}`),
        ['admin admin.state'],
      );
    } finally {
      await logging.close();
    }
  });
});

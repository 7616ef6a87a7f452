import assert from 'node:assert/strict';
import type { Emulator } from '../../emulator/index';
import { call, demoOrg, named, start } from './helpers';

type ProxyResult = { statusCode: string; errorMessage: string; result: unknown; activityId: string };
type Endpoint = {
  id: string;
  name: string;
  authorization: { scheme: string; parameters: Record<string, string | null> };
} & Record<string, unknown>;

describe('emulator: endpointproxy TestConnection', () => {
  const org = demoOrg();
  const demo = named(org);
  const headers = {
    authorization: `Bearer ${demo.identity('contoso-build').accessToken}`,
    'content-type': 'application/json',
  };
  let emulator: Emulator;

  beforeEach(async () => {
    emulator = await start(org);
  });
  afterEach(() => emulator.close());

  const projectOf = (name: string) => {
    const ref = demo.connection(name).projects[0]!;
    return typeof ref === 'string' ? ref : ref.name;
  };
  const test = (name: string, details?: unknown, extra: Record<string, string> = headers) =>
    call<ProxyResult>(
      `${emulator.urls.organization}${projectOf(name)}/_apis/serviceendpoint/endpointproxy?endpointId=${demo.connection(name).id}&api-version=7.1`,
      {
        method: 'POST',
        headers: extra,
        body: JSON.stringify({
          dataSourceDetails: { dataSourceName: 'TestConnection' },
          ...(details ? { serviceEndpointDetails: details } : {}),
        }),
      },
    );
  const details = async (name: string) =>
    (
      await call<Endpoint>(
        `${emulator.urls.organization}${projectOf(name)}/_apis/serviceendpoint/endpoints/${demo.connection(name).id}?api-version=7.1`,
        { headers },
      )
    ).body;
  const withKey = (endpoint: Endpoint, key: string | null) => ({
    ...endpoint,
    authorization: {
      ...endpoint.authorization,
      parameters: { ...endpoint.authorization.parameters, serviceprincipalkey: key },
    },
  });

  it('verifies the stored credentials of working connections (secret, certificate, workload identity)', async () => {
    for (const name of ['prod-deploy', 'cert-deploy', 'web-wif', 'rotator-wif']) {
      const response = await test(name);
      assert.equal(response.status, 200, name);
      assert.equal(response.body.statusCode, 'ok', `${name}: ${response.body.errorMessage}`);
    }
  });

  it('reports each broken credential as HTTP 200 with the AADSTS code in errorMessage', async () => {
    const expectations: [string, string, RegExp][] = [
      ['legacy-deploy', 'unauthorized', /AADSTS7000222/],
      ['old-sandbox', 'badRequest', /AADSTS700016/],
      ['disabled-sp', 'badRequest', /AADSTS7000112/],
      ['fabrikam-deploy', 'ok', /^$/],
    ];
    for (const [name, statusCode, message] of expectations) {
      const response = await test(name);
      assert.equal(response.status, 200);
      assert.equal(response.body.statusCode, statusCode, name);
      assert.match(response.body.errorMessage, message, name);
    }
  });

  it('verifies proposed details: a new secret, a wrong one, and null meaning the stored one', async () => {
    const prod = await details('prod-deploy');
    const [minted] = emulator.state.application(demo.app('deploy-shared').appId)!.passwordCredentials;
    assert.equal(
      (await test('prod-deploy', withKey(prod, 'not-the-secret'))).body.statusCode,
      'unauthorized',
    );
    assert.match(
      (await test('prod-deploy', withKey(prod, 'not-the-secret'))).body.errorMessage,
      /AADSTS7000215/,
    );
    assert.equal((await test('prod-deploy', withKey(prod, null))).body.statusCode, 'ok');
    assert.equal(
      (await test('prod-deploy', withKey(prod, minted!.secretText))).body.statusCode,
      'unauthorized',
      "another app's secret",
    );
    const { serviceprincipalkey: _omitted, ...parameters } = prod.authorization.parameters;
    const none = await test('prod-deploy', { ...prod, authorization: { ...prod.authorization, parameters } });
    assert.match(none.body.errorMessage, /AADSTS7000218/);
  });

  it('fails a newly minted secret during the propagation delay, like the token endpoint', async () => {
    emulator.faults.propagationDelayMs = 5_000;
    const app = emulator.state.application(demo.app('deploy-prod').appId)!;
    const now = emulator.clock.now();
    emulator.state.store.addPassword(app, {
      keyId: '0f0f0f0f-0000-4000-8000-000000000001',
      displayName: 'fresh',
      startDateTime: now,
      endDateTime: new Date(now.getTime() + 86_400_000),
      secretText: 'fresh-secret-0000000000000000000000000000',
      hint: 'fre',
      usableFrom: new Date(now.getTime() + 5_000),
    });
    const prod = await details('prod-deploy');
    assert.equal(
      (await test('prod-deploy', withKey(prod, 'fresh-secret-0000000000000000000000000000'))).body.statusCode,
      'unauthorized',
    );
    emulator.clock.advance(5_000);
    assert.equal(
      (await test('prod-deploy', withKey(prod, 'fresh-secret-0000000000000000000000000000'))).body.statusCode,
      'ok',
    );
  });

  it('breaks workload identity federation when the connection is renamed (the subject changes)', async () => {
    const wif = await details('web-wif');
    const renamed = await call(
      `${emulator.urls.organization}_apis/serviceendpoint/endpoints/${wif.id}?api-version=7.1`,
      {
        method: 'PUT',
        headers,
        body: JSON.stringify({
          ...wif,
          name: 'web-wif-renamed',
          serviceEndpointProjectReferences: (
            wif['serviceEndpointProjectReferences'] as { name: string }[]
          ).map((r) => ({ ...r, name: 'web-wif-renamed' })),
          authorization: {
            ...wif.authorization,
            parameters: {
              tenantid: wif.authorization.parameters['tenantid'],
              serviceprincipalid: wif.authorization.parameters['serviceprincipalid'],
            },
          },
        }),
      },
    );
    assert.equal(renamed.status, 200, renamed.text);
    const result = await test('web-wif');
    assert.equal(result.body.statusCode, 'unauthorized');
    // The rename changed the sc:// subject; the app still trusts the old one (700213).
    assert.match(result.body.errorMessage, /AADSTS700213\b/);
  });

  it('needs the User role, and only knows the TestConnection data source', async () => {
    const reader = {
      authorization: `Basic ${Buffer.from(`:${demo.identity('rita-reader').pat}`).toString('base64')}`,
      'content-type': 'application/json',
    };
    const denied = await test('prod-deploy', undefined, reader);
    assert.equal(denied.status, 403);
    const other = await call(
      `${emulator.urls.organization}Platform/_apis/serviceendpoint/endpointproxy?endpointId=${demo.connection('prod-deploy').id}&api-version=7.1`,
      {
        method: 'POST',
        headers,
        body: JSON.stringify({ dataSourceDetails: { dataSourceName: 'AzureVirtualMachines' } }),
      },
    );
    assert.equal(other.status, 400);
  });
});

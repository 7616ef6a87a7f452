import assert from 'node:assert/strict';
import * as azdev from 'azure-devops-node-api';
import type { Emulator } from '../../emulator/index';
import { generateOrg } from '../../emulator/orgs/generate';
import { basicPat, bearer, call, demoOrg, named, requestToken, secretOf, start } from './helpers';

describe('emulator: Azure DevOps with the real azure-devops-node-api client', () => {
  const org = demoOrg();
  const demo = named(org);
  const jobToken = demo.identity('contoso-build').accessToken!;
  let emulator: Emulator;
  before(async () => {
    emulator = await start(org);
  });
  after(() => emulator.close());
  beforeEach(() => emulator.clearRequests());

  const webApi = (token = jobToken) =>
    new azdev.WebApi(emulator.urls.organization, azdev.getBearerHandler(token));

  it('answers the location discovery the client performs before its first call', async () => {
    const core = await webApi().getCoreApi();
    await core.getProjects();
    assert.deepEqual(
      emulator.requests().map((r) => `${r.method} ${r.path.split('?')[0]} ${r.operation} ${r.status}`),
      [
        'OPTIONS /contoso/_apis/Location devops.location 200',
        'GET /contoso/_apis/ResourceAreas devops.location 200',
        'OPTIONS /contoso/_apis/core devops.location 200',
        'GET /contoso/_apis/projects devops.projects.list 200',
      ],
    );
  });

  it('pages projects with $top/$skip and announces the next page in x-ms-continuationtoken', async () => {
    const big = await start(generateOrg({ projects: 130, connections: 5, seed: 7 }));
    try {
      const token = big.state.store.identities.get('build')!.accessToken!;
      const core = await new azdev.WebApi(big.urls.organization, azdev.getBearerHandler(token)).getCoreApi();
      const first = await core.getProjects(undefined, 100, 0);
      const second = await core.getProjects(undefined, 100, 100);
      assert.equal(first.length, 100);
      assert.equal(second.length, 30);
      const names = [...first, ...second].map((p) => p.name);
      assert.equal(new Set(names).size, 130);
      assert.deepEqual(names, [...names].sort());
      const raw = await call(`${big.urls.organization}_apis/projects?api-version=7.1&$top=100`, {
        headers: bearer(token),
      });
      assert.equal(raw.headers.get('x-ms-continuationtoken'), '100');
      const last = await call(
        `${big.urls.organization}_apis/projects?api-version=7.1&continuationToken=100`,
        { headers: bearer(token) },
      );
      assert.equal(last.body['count'], 30);
      assert.equal(last.headers.get('x-ms-continuationtoken'), null);
    } finally {
      await big.close();
    }
  });

  it('lists, gets, updates and verifies a connection through ServiceEndpointApi', async () => {
    const api = await webApi().getServiceEndpointApi();
    const list = await api.getServiceEndpoints('Platform', 'azurerm', undefined, undefined, undefined, true);
    assert.deepEqual(list.map((e) => e.name).sort(), [
      'cert-deploy',
      'disabled-sp',
      'prod-deploy',
      'rotator-wif',
      'staging-deploy',
    ]);
    const id = demo.connection('prod-deploy').id;
    const details = await api.getServiceEndpointDetails('Platform', id);
    assert.ok(details);
    assert.equal(details.authorization?.parameters?.['serviceprincipalkey'], null);
    details.description = 'rotated by the test';
    const updated = await api.updateServiceEndpoint(details, id);
    assert.equal(updated.description, 'rotated by the test');
    const verified = await api.executeServiceEndpointRequest(
      { dataSourceDetails: { dataSourceName: 'TestConnection' } },
      'Platform',
      id,
    );
    assert.equal(verified.statusCode, 'ok');
    assert.equal(
      emulator.requests().find((r) => r.operation === 'devops.endpoints.update')?.path,
      `/contoso/_apis/serviceendpoint/endpoints/${id}`,
    );
  });

  it('sends actionFilter as a number and the api-version only in the Accept header', async () => {
    const api = await webApi().getServiceEndpointApi();
    const manageable = await api.getServiceEndpoints(
      'Payments',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      2,
    );
    assert.ok(manageable.length > 0);
    const listed = emulator.requests().find((r) => r.operation === 'devops.endpoints.list');
    assert.match(listed?.path ?? '', /actionFilter=2/);
    assert.doesNotMatch(listed?.path ?? '', /api-version/);
  });

  it('resolves an unknown connection to null (404) and a wrong token to a 401 error', async () => {
    const api = await webApi().getServiceEndpointApi();
    assert.equal(
      await api.getServiceEndpointDetails('Platform', '00000000-0000-0000-0000-000000000000'),
      null,
    );
    const denied = await webApi('not-a-token')
      .getCoreApi()
      .then((core) => core.getProjects())
      .then(
        () => null,
        (error: { statusCode?: number }) => error,
      );
    assert.equal(denied?.statusCode, 401);
  });

  it('accepts a personal access token through getPersonalAccessTokenHandler', async () => {
    const pat = demo.identity('dana-admin').pat!;
    const core = await new azdev.WebApi(
      emulator.urls.organization,
      azdev.getPersonalAccessTokenHandler(pat),
    ).getCoreApi();
    assert.equal((await core.getProjects()).length, 3);
    assert.equal(emulator.requests().at(-1)?.caller, 'dana-admin');
    const raw = await call(`${emulator.urls.organization}_apis/connectionData`, { headers: basicPat(pat) });
    assert.equal(raw.body['instanceId'], org.organization.id);
  });

  it('maps an Entra token for Azure DevOps to the service principal identity, and only that', async () => {
    const rotator = demo.app('sc-rotator');
    const task = await webApi().getTaskApi();
    const project = demo.project('Platform').id;
    const { oidcToken } = await task.createOidcToken(
      {},
      project,
      'build',
      crypto.randomUUID(),
      crypto.randomUUID(),
      demo.connection('rotator-wif').id,
    );
    const token = await requestToken(emulator, rotator.tenantId, {
      client_id: rotator.appId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: String(oidcToken),
      scope: '499b84ac-1321-427f-aa17-267ca6975798/.default',
    });
    assert.equal(token.status, 200, token.text);
    const core = await webApi(String(token.body['access_token'])).getCoreApi();
    assert.equal((await core.getProjects()).length, 3);
    assert.equal(emulator.requests().at(-1)?.caller, 'rotator-spn');

    const other = demo.app('deploy-prod');
    const otherToken = await requestToken(emulator, other.tenantId, {
      client_id: other.appId,
      client_secret: secretOf(emulator, other.appId),
      scope: '499b84ac-1321-427f-aa17-267ca6975798/.default',
    });
    // A valid token of an app that was never added to the organization is still refused.
    const refused = await call(`${emulator.urls.organization}_apis/projects?api-version=7.1`, {
      headers: bearer(String(otherToken.body['access_token'])),
    });
    assert.equal(refused.status, 401);
    assert.equal(refused.body['typeKey'], 'UnauthorizedRequestException');
  });
});

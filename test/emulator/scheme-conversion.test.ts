import assert from 'node:assert/strict';
import { entraSubject } from '../../emulator/devops/workload-identity';
import type { Emulator } from '../../emulator/index';
import { EmulatorStore } from '../../emulator/state/store';
import { bearer, call, demoOrg, graphToken, jwtPayload, named, requestToken, start } from './helpers';

type Endpoint = Record<string, unknown> & {
  id: string;
  name: string;
  authorization: { scheme: string; parameters: Record<string, string | null> };
  data: Record<string, string>;
  isReady: boolean;
  operationStatus: { state: string; statusMessage: string };
};

const AUDIENCE = 'api://AzureADTokenExchange';

describe('emulator: workload identity federation conversions and the issuer move', () => {
  const base = demoOrg();
  // The demo rotator signs in by federation; a secret here keeps these tests to raw Graph calls.
  const org = {
    ...base,
    applications: (base.applications ?? []).map((a) =>
      a.displayName === 'sc-rotator'
        ? {
            ...a,
            passwordCredentials: [{ keyId: '0f4e9f55-8c1e-4a86-9d0a-5b2c1c9a7e01', expiresInDays: 90 }],
          }
        : a,
    ),
  };
  const demo = named(org);
  const headers = {
    ...bearer(demo.identity('contoso-build').accessToken!),
    'content-type': 'application/json',
  };
  const prod = demo.connection('prod-deploy');
  const wif = demo.connection('web-wif');
  const tenant = prod.tenantId!;
  const entraIssuer = `https://login.microsoftonline.com/${tenant}/v2.0`;
  let emulator: Emulator;
  let graph: string;

  beforeEach(async () => {
    emulator = await start(org);
    graph = await graphToken(emulator, demo.app('sc-rotator'));
  });
  afterEach(() => emulator.close());

  const url = (project: string, id: string, query = '') =>
    `${emulator.urls.organization}${project}/_apis/serviceendpoint/endpoints/${id}?api-version=7.1${query}`;
  const get = async (project: string, id: string) =>
    (await call<Endpoint>(url(project, id), { headers })).body;
  const convert = (project: string, body: Endpoint) =>
    call<Endpoint>(url(project, body.id, '&operation=ConvertAuthenticationScheme'), {
      method: 'PUT',
      headers,
      body: JSON.stringify(body),
    });
  const withScheme = (body: Endpoint, scheme: string): Endpoint => ({
    ...body,
    authorization: { ...body.authorization, scheme },
  });
  const subjectOf = (connectionId: string) =>
    `/eid1/c/pub/t/${Buffer.from(tenantBytes(tenant)).toString('base64url')}/a/rISbSSETf0KqFyZ8ppdXmA/sc/${org.organization.id}/${connectionId}`;
  const addFic = (appObjectId: string, name: string, issuer: string, subject: string) =>
    call(`${emulator.urls.graph}/v1.0/applications/${appObjectId}/federatedIdentityCredentials`, {
      method: 'POST',
      headers: { ...bearer(graph), 'content-type': 'application/json' },
      body: JSON.stringify({ name, issuer, subject, audiences: [AUDIENCE] }),
    });
  const testConnection = async (project: string, id: string) =>
    (
      await call<{ statusCode: string; errorMessage: string }>(
        `${emulator.urls.organization}${project}/_apis/serviceendpoint/endpointproxy?endpointId=${id}&api-version=7.1`,
        {
          method: 'POST',
          headers,
          body: JSON.stringify({ dataSourceDetails: { dataSourceName: 'TestConnection' } }),
        },
      )
    ).body;

  it('computes the Entra subject of the public test vector', () => {
    const store = new EmulatorStore({ name: 'o', id: '0ca3ddd9-f0b0-4635-a98c-5866526961b6' }, new Date());
    assert.equal(
      entraSubject(store, 'ff882432-09b0-437b-bd22-ca13c0037ded', '64171687-7a59-4fce-b2c8-823278dcf176'),
      '/eid1/c/pub/t/MiSI_7AJe0O9IsoTwAN97Q/a/rISbSSETf0KqFyZ8ppdXmA/sc/0ca3ddd9-f0b0-4635-a98c-5866526961b6/64171687-7a59-4fce-b2c8-823278dcf176',
    );
  });

  it('refuses to convert a Manual connection whose app does not trust the Entra issuer yet', async () => {
    const body = await get('Platform', prod.id);
    const response = await convert('Platform', withScheme(body, 'WorkloadIdentityFederation'));
    assert.equal(response.status, 400);
    assert.match(String(response.body['message']), /could not be upgraded to WorkloadIdentityFederation/);
    assert.equal(emulator.state.connection(prod.id)!.scheme, 'ServicePrincipal');
  });

  it('converts once the federated credential exists: Entra issuer and subject, secret kept for the 7-day revert', async () => {
    const app = demo.app('deploy-prod');
    assert.equal((await addFic(app.objectId, prod.id, entraIssuer, subjectOf(prod.id))).status, 201);
    const response = await convert(
      'Platform',
      withScheme(await get('Platform', prod.id), 'WorkloadIdentityFederation'),
    );
    assert.equal(response.status, 200);
    const after = await get('Platform', prod.id);
    assert.equal(after.authorization.scheme, 'WorkloadIdentityFederation');
    assert.equal(after.authorization.parameters['workloadIdentityFederationIssuer'], entraIssuer);
    assert.equal(after.authorization.parameters['workloadIdentityFederationSubject'], subjectOf(prod.id));
    assert.equal(after.authorization.parameters['workloadIdentityFederationIssuerType'], 'EntraID');
    assert.equal(after.authorization.parameters['serviceprincipalkey'], undefined);
    assert.equal(
      after.data['revertSchemeDeadline'],
      new Date(Date.parse(String(after['modificationDate'])) + 7 * 86_400_000).toISOString(),
    );
    assert.equal((await testConnection('Platform', prod.id)).statusCode, 'ok');
    assert.equal(
      emulator.state.application(app.appId)!.passwordCredentials.length,
      1,
      'the old secret stays',
    );
  });

  it('keeps a conversion InProgress for conversionDelayMs and answers 202', async () => {
    const app = demo.app('deploy-prod');
    await addFic(app.objectId, prod.id, entraIssuer, subjectOf(prod.id));
    emulator.state.store.conversionDelayMs = 30_000;
    const response = await convert(
      'Platform',
      withScheme(await get('Platform', prod.id), 'WorkloadIdentityFederation'),
    );
    assert.equal(response.status, 202);
    assert.deepEqual(response.body.operationStatus, {
      state: 'InProgress',
      statusMessage: 'converting_scheme',
    });
    const during = await get('Platform', prod.id);
    assert.equal(during.isReady, false);
    assert.equal(during.authorization.scheme, 'ServicePrincipal');
    const again = await convert('Platform', withScheme(during, 'WorkloadIdentityFederation'));
    assert.equal(again.status, 400, 'another operation is in progress');
    emulator.clock.advance(30_000);
    const done = await get('Platform', prod.id);
    assert.deepEqual(done.operationStatus, { state: 'Ready', statusMessage: '' });
    assert.equal(done.authorization.scheme, 'WorkloadIdentityFederation');
  });

  it('lets Azure DevOps add the credential itself for an Automatic connection, asynchronously', async () => {
    const auto = demo.connection('auto-deploy');
    const response = await convert(
      'Payments',
      withScheme(await get('Payments', auto.id), 'WorkloadIdentityFederation'),
    );
    assert.equal(response.status, 202);
    emulator.clock.advance(1000);
    const done = await get('Payments', auto.id);
    assert.equal(done.operationStatus.state, 'Ready');
    const fics = emulator.state.application(auto.appId!)!.federatedIdentityCredentials;
    assert.deepEqual(
      fics.map((f) => [f.issuer, f.subject]),
      [[entraIssuer, subjectOf(auto.id)]],
    );
  });

  it('rejects WIF to WIF with the service message, and any other changed property', async () => {
    const body = await get('Web', wif.id);
    const same = await convert('Web', body);
    assert.equal(same.status, 400);
    assert.equal(
      same.body['message'],
      'Converting endpoint type azurerm scheme from WorkloadIdentityFederation to WorkloadIdentityFederation is neither an upgrade or a downgrade and is not supported.',
    );
    await addFic(demo.app('deploy-prod').objectId, prod.id, entraIssuer, subjectOf(prod.id));
    const changed = withScheme(await get('Platform', prod.id), 'WorkloadIdentityFederation');
    changed['description'] = 'edited';
    const refused = await convert('Platform', changed);
    assert.equal(refused.status, 400);
    assert.match(String(refused.body['message']), /Property description does not match/);
  });

  it('reverts within the window with the old secret, and refuses after it or without recovery data', async () => {
    await addFic(demo.app('deploy-prod').objectId, prod.id, entraIssuer, subjectOf(prod.id));
    await convert('Platform', withScheme(await get('Platform', prod.id), 'WorkloadIdentityFederation'));
    const back = await convert('Platform', withScheme(await get('Platform', prod.id), 'ServicePrincipal'));
    assert.equal(back.status, 200);
    const reverted = await get('Platform', prod.id);
    assert.equal(reverted.authorization.scheme, 'ServicePrincipal');
    assert.equal(reverted.data['revertSchemeDeadline'], undefined);
    assert.equal((await testConnection('Platform', prod.id)).statusCode, 'ok', 'the stored secret is back');

    await convert('Platform', withScheme(reverted, 'WorkloadIdentityFederation'));
    emulator.clock.advance(7 * 86_400_000);
    const late = await convert('Platform', withScheme(await get('Platform', prod.id), 'ServicePrincipal'));
    assert.equal(late.status, 400);
    assert.equal(late.body['typeKey'], 'CouldNotDowngradeMissingRecoveryDataException');
    const created = await convert('Web', withScheme(await get('Web', wif.id), 'ServicePrincipal'));
    assert.equal(created.status, 400, 'a connection created as WIF has no recovery data');
  });

  it('moves a legacy connection to the Entra issuer on Update only once the Entra credential exists', async () => {
    const update = () =>
      call<Endpoint>(`${emulator.urls.admin}connections/${wif.id}/updateIssuer`, { method: 'POST' });
    const refused = await update();
    assert.equal(refused.status, 409);
    assert.match(refused.text, new RegExp(`Subject identifier '${subjectOf(wif.id)}'`));
    const app = demo.app('deploy-web-wif');
    await addFic(app.objectId, 'entra', entraIssuer, subjectOf(wif.id));
    assert.equal((await update()).status, 200);
    const moved = await get('Web', wif.id);
    assert.equal(moved.authorization.parameters['workloadIdentityFederationIssuer'], entraIssuer);
    assert.equal((await testConnection('Web', wif.id)).statusCode, 'ok');

    const web = org.projects.find((p) => p.name === 'Web')!;
    const oidc = await call<{ oidcToken: string }>(
      `${emulator.oidcRequestUri(web.id)}?api-version=7.1&serviceConnectionId=${wif.id}`,
      { method: 'POST', headers, body: '{}' },
    );
    assert.equal(jwtPayload(oidc.body.oidcToken)['iss'], entraIssuer);
    const token = await requestToken(emulator, tenant, {
      client_id: app.appId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: oidc.body.oidcToken,
      scope: 'https://management.azure.com/.default',
    });
    assert.equal(token.status, 200, token.text);
  });

  it('fails sign-ins with 70021 while a new federated credential propagates, and deletes by name', async () => {
    emulator.faults.propagationDelayMs = 20_000;
    const app = demo.app('deploy-web-wif');
    await addFic(app.objectId, 'entra', entraIssuer, subjectOf(wif.id));
    await call(`${emulator.urls.admin}connections/${wif.id}/updateIssuer`, { method: 'POST' });
    assert.match((await testConnection('Web', wif.id)).errorMessage, /AADSTS70021/);
    emulator.clock.advance(20_000);
    assert.equal((await testConnection('Web', wif.id)).statusCode, 'ok');
    const remove = (name: string) =>
      call(`${emulator.urls.graph}/v1.0/applications/${app.objectId}/federatedIdentityCredentials/${name}`, {
        method: 'DELETE',
        headers: bearer(graph),
      });
    assert.equal((await remove('entra')).status, 204);
    assert.equal((await remove('entra')).status, 404);
  });
});

/** .NET `Guid.ToByteArray` order, written out independently of the emulator for the check above. */
function tenantBytes(guid: string): number[] {
  const h = guid.replace(/-/g, '');
  const byte = (i: number) => Number.parseInt(h.slice(i * 2, i * 2 + 2), 16);
  return [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15].map(byte);
}

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ConfidentialClientApplication } from '@azure/msal-node';
import * as azdev from 'azure-devops-node-api';
import type { Emulator } from '../../emulator/index';
import { call, demoOrg, jwtPayload, named, requestToken, secretOf, start } from './helpers';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe('emulator: Entra ID token endpoint', () => {
  const org = demoOrg();
  const demo = named(org);
  const prod = demo.app('deploy-prod');
  let emulator: Emulator;
  let graphScope: string;

  beforeEach(async () => {
    emulator = await start(org);
    graphScope = `${emulator.urls.graph}/.default`;
  });
  afterEach(() => emulator.close());

  const msalClient = (app: { appId: string; tenantId: string }, credentials: Record<string, unknown>) =>
    new ConfidentialClientApplication({
      auth: {
        clientId: app.appId,
        authority: `${emulator.urls.authorityHost}/${app.tenantId}`,
        knownAuthorities: [new URL(emulator.urls.authorityHost).host],
        ...credentials,
      },
    });
  const secretToken = (app: { appId: string; tenantId: string }, secret: string, scope = graphScope) =>
    requestToken(emulator, app.tenantId, { client_id: app.appId, client_secret: secret, scope });
  const aadCode = (response: { body: Record<string, unknown> }) =>
    (response.body['error_codes'] as number[] | undefined)?.[0];
  const oidcToken = async (connection = 'rotator-wif', project = 'Platform') => {
    const api = new azdev.WebApi(
      emulator.urls.organization,
      azdev.getBearerHandler(demo.identity('contoso-build').accessToken!),
    );
    const task = await api.getTaskApi();
    const created = await task.createOidcToken(
      {},
      demo.project(project).id,
      'build',
      randomUUID(),
      randomUUID(),
      demo.connection(connection).id,
    );
    return String(created.oidcToken);
  };

  it('issues a Graph token to msal-node with a client secret; the token carries the app and its roles', async () => {
    const result = await msalClient(prod, {
      clientSecret: secretOf(emulator, prod.appId),
    }).acquireTokenByClientCredential({ scopes: [graphScope] });
    const claims = jwtPayload(result!.accessToken);
    assert.equal(claims['appid'], prod.appId);
    assert.equal(claims['tid'], prod.tenantId);
    assert.equal(claims['aud'], emulator.urls.graph);
    assert.equal(claims['oid'], prod.servicePrincipal!.objectId);
    assert.equal(claims['roles'], undefined, 'deploy-prod holds no Graph permission');
    assert.ok(Number(claims['exp']) - Number(claims['iat']) >= 3599);
    assert.deepEqual(
      emulator.requests().map((r) => r.operation),
      ['entra.metadata', 'entra.token'],
    );
  });

  it('issues a token for a certificate assertion (PS256, x5t#S256) signed with the generated key', async () => {
    const certApp = demo.app('deploy-cert');
    const admin = await call<{
      keyCredentials: { thumbprintSha256: string; privateKeyPem: string; certificatePem: string }[];
    }>(`${emulator.urls.admin}certificates/${certApp.appId}`);
    const material = admin.body.keyCredentials[0]!;
    assert.match(material.certificatePem, /BEGIN CERTIFICATE/);
    const client = msalClient(certApp, {
      clientCertificate: { thumbprintSha256: material.thumbprintSha256, privateKey: material.privateKeyPem },
    });
    const result = await client.acquireTokenByClientCredential({ scopes: [graphScope] });
    assert.equal(jwtPayload(result!.accessToken)['appid'], certApp.appId);
    const otherKey = (
      await emulator.state.keyCredentialCertificate(certApp.appId, certApp.keyCredentials![0]!.keyId)
    ).privateKeyPem;
    assert.equal(otherKey, material.privateKeyPem, 'the admin API and the state hand out the same key');
  });

  it('exchanges the Azure DevOps OIDC token through a federated credential (clientAssertion callback)', async () => {
    const rotator = demo.app('sc-rotator');
    let calls = 0;
    const client = msalClient(rotator, {
      clientAssertion: async () => {
        calls += 1;
        return oidcToken();
      },
    });
    const result = await client.acquireTokenByClientCredential({ scopes: [graphScope] });
    assert.equal(calls, 1);
    const claims = jwtPayload(result!.accessToken);
    assert.deepEqual(claims['roles'], ['Application.ReadWrite.OwnedBy']);
    const graph = await call<{ value: unknown[] }>(
      `${emulator.urls.graph}/v1.0/applications?$select=id,appId`,
      {
        headers: { authorization: `Bearer ${result!.accessToken}` },
      },
    );
    assert.equal(graph.status, 200);
    assert.equal(graph.body.value.length, 8, 'the eight apps sc-rotator owns');
  });

  it('issues OIDC tokens with the legacy Azure DevOps issuer, the sc:// subject and a short lifetime', async () => {
    const claims = jwtPayload(await oidcToken('web-wif', 'Web'));
    assert.equal(claims['iss'], `https://vstoken.dev.azure.com/${org.organization.id}`);
    assert.equal(claims['sub'], 'sc://contoso/Web/web-wif');
    assert.equal(claims['aud'], 'api://AzureADTokenExchange');
    assert.equal(Number(claims['exp']) - Number(claims['iat']), 300);
    const viaUri = await call(
      `${emulator.oidcRequestUri(demo.project('Platform').id)}?api-version=7.1&serviceConnectionId=${demo.connection('prod-deploy').id}`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${demo.identity('contoso-build').accessToken}`,
          'content-type': 'application/json',
        },
        body: '{}',
      },
    );
    assert.equal(viaUri.status, 400, 'only workload identity connections get one');
    const byPat = await call(
      `${emulator.oidcRequestUri(demo.project('Platform').id)}?api-version=7.1&serviceConnectionId=${demo.connection('rotator-wif').id}`,
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`:${demo.identity('dana-admin').pat}`).toString('base64')}`,
        },
        body: '{}',
      },
    );
    assert.equal(byPat.status, 403, 'only a job token may ask');
  });

  it('refuses a wrong secret with AADSTS7000215, and msal surfaces the number', async () => {
    const response = await secretToken(prod, 'definitely-not-the-secret');
    assert.equal(response.status, 401);
    assert.equal(response.body['error'], 'invalid_client');
    assert.equal(aadCode(response), 7000215);
    assert.match(String(response.body['error_description']), /^AADSTS7000215: /);
    for (const field of ['timestamp', 'trace_id', 'correlation_id', 'error_uri'])
      assert.ok(response.body[field], field);
    const error = await msalClient(prod, { clientSecret: 'definitely-not-the-secret' })
      .acquireTokenByClientCredential({ scopes: [graphScope] })
      .then(
        () => null,
        (e: { errorCode?: string; errorNo?: unknown }) => e,
      );
    assert.equal(error?.errorCode, 'invalid_client');
    // msal copies error_codes[0]; Entra sends numbers there, so errorNo is 7000215 (compare as text).
    assert.equal(String(error?.errorNo), '7000215');
  });

  it('refuses an expired secret with AADSTS7000222, and a secret once the clock passes its end', async () => {
    const legacy = demo.app('deploy-legacy');
    assert.equal(aadCode(await secretToken(legacy, secretOf(emulator, legacy.appId))), 7000222);
    const staging = demo.app('deploy-staging');
    assert.equal((await secretToken(staging, secretOf(emulator, staging.appId))).status, 200);
    emulator.clock.advance(13 * 86_400_000);
    assert.equal(aadCode(await secretToken(staging, secretOf(emulator, staging.appId))), 7000222);
  });

  it('refuses an unknown app or the wrong tenant with AADSTS700016', async () => {
    const unknown = await secretToken({ appId: randomUUID(), tenantId: prod.tenantId }, 'x');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body['error'], 'unauthorized_client');
    assert.equal(aadCode(unknown), 700016);
    const fabrikam = org.tenants[1]!.id;
    assert.equal(
      aadCode(await secretToken({ appId: prod.appId, tenantId: fabrikam }, secretOf(emulator, prod.appId))),
      700016,
    );
    assert.equal(aadCode(await secretToken({ appId: prod.appId, tenantId: randomUUID() }, 'x')), 90002);
  });

  it('refuses a disabled service principal with AADSTS7000112', async () => {
    const disabled = demo.app('deploy-disabled');
    const response = await secretToken(disabled, secretOf(emulator, disabled.appId));
    assert.equal(response.body['error'], 'unauthorized_client');
    assert.equal(aadCode(response), 7000112);
  });

  it('refuses a federated token no credential trusts (AADSTS700213: the app trusts the issuer with another subject), and an expired one with AADSTS700024', async () => {
    const token = await oidcToken('web-wif', 'Web');
    const rotator = demo.app('sc-rotator');
    const untrusted = await requestToken(emulator, rotator.tenantId, {
      client_id: rotator.appId,
      client_assertion_type: JWT_BEARER,
      client_assertion: token,
      scope: graphScope,
    });
    assert.equal(aadCode(untrusted), 700213);
    const web = demo.app('deploy-web-wif');
    const fine = await requestToken(emulator, web.tenantId, {
      client_id: web.appId,
      client_assertion_type: JWT_BEARER,
      client_assertion: token,
      scope: graphScope,
    });
    assert.equal(fine.status, 200);
    emulator.clock.advance(301_000);
    const expired = await requestToken(emulator, web.tenantId, {
      client_id: web.appId,
      client_assertion_type: JWT_BEARER,
      client_assertion: token,
      scope: graphScope,
    });
    assert.equal(aadCode(expired), 700024);
  });

  it('refuses a request without a credential (AADSTS7000218) and a scope that is not one resource/.default', async () => {
    assert.equal(
      aadCode(await requestToken(emulator, prod.tenantId, { client_id: prod.appId, scope: graphScope })),
      7000218,
    );
    const secret = secretOf(emulator, prod.appId);
    const notDefault = await secretToken(prod, secret, `${emulator.urls.graph}/Application.Read.All`);
    assert.equal(notDefault.body['error'], 'invalid_scope');
    assert.equal(
      aadCode(await secretToken(prod, secret, `${graphScope} https://management.azure.com/.default`)),
      70011,
    );
  });

  it('fails a new secret with AADSTS7000215 until the propagation delay has passed', async () => {
    emulator.faults.propagationDelayMs = 10_000;
    const rotatorToken = await msalClient(demo.app('sc-rotator'), {
      clientAssertion: () => oidcToken(),
    }).acquireTokenByClientCredential({ scopes: [graphScope] });
    const minted = await call(`${emulator.urls.graph}/v1.0/applications(appId='${prod.appId}')/addPassword`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rotatorToken!.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ passwordCredential: { displayName: 'new' } }),
    });
    const secretText = String(minted.body['secretText']);
    assert.equal(aadCode(await secretToken(prod, secretText)), 7000215);
    emulator.clock.advance(9_000);
    assert.equal(aadCode(await secretToken(prod, secretText)), 7000215);
    emulator.clock.advance(1_000);
    assert.equal((await secretToken(prod, secretText)).status, 200);
  });

  it('serves OpenID metadata whose issuer is on the authority host, and 400 for an unknown tenant', async () => {
    const metadata = await call(
      `${emulator.urls.authorityHost}/${prod.tenantId}/v2.0/.well-known/openid-configuration`,
    );
    assert.equal(metadata.body['issuer'], `${emulator.urls.authorityHost}/${prod.tenantId}/v2.0`);
    assert.equal(
      metadata.body['token_endpoint'],
      `${emulator.urls.authorityHost}/${prod.tenantId}/oauth2/v2.0/token`,
    );
    const keys = await call<{ keys: { kid: string }[] }>(String(metadata.body['jwks_uri']));
    assert.equal(keys.body.keys.length, 1);
    assert.equal(
      (await call(`${emulator.urls.authorityHost}/${randomUUID()}/v2.0/.well-known/openid-configuration`))
        .status,
      400,
    );
  });
});

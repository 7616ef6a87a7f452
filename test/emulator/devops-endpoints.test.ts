import assert from 'node:assert/strict';
import type { Emulator, OrgDescription } from '../../emulator/index';
import { bearer, call, demoOrg, named, start } from './helpers';

type Endpoint = Record<string, unknown> & {
  id: string;
  name: string;
  description: string;
  authorization: { scheme: string; parameters: Record<string, string | null> };
  data: Record<string, string>;
  serviceEndpointProjectReferences: {
    projectReference: { id: string; name: string };
    name: string;
    description: string;
  }[];
};

/** The demo organization plus a reader and a stranger, for role tests. */
function orgWithRoles(): OrgDescription {
  const org = demoOrg();
  const prod = named(org).connection('prod-deploy');
  return {
    ...org,
    identities: [
      ...(org.identities ?? []),
      {
        id: 'user-on-prod',
        displayName: 'Uma User',
        kind: 'user',
        pat: 'uma-user-personal-access-token',
        defaultRole: 'None',
      },
    ],
    serviceConnections: (org.serviceConnections ?? []).map((c) =>
      c.id === prod.id
        ? { ...c, roles: { 'user-on-prod': 'User' as const, 'rita-reader': 'None' as const } }
        : c,
    ),
  };
}

describe('emulator: service connection quirks', () => {
  const org = orgWithRoles();
  const demo = named(org);
  const headers = {
    ...bearer(demo.identity('contoso-build').accessToken!),
    'content-type': 'application/json',
  };
  const prodId = demo.connection('prod-deploy').id;
  let emulator: Emulator;
  let base: string;

  beforeEach(async () => {
    emulator = await start(org);
    base = emulator.urls.organization;
  });
  afterEach(() => emulator.close());

  const get = (project: string, id: string, extra: Record<string, string> = headers) =>
    call<Endpoint>(`${base}${project}/_apis/serviceendpoint/endpoints/${id}?api-version=7.1`, {
      headers: extra,
    });
  const list = (project: string, query = '', extra: Record<string, string> = headers) =>
    call<{ count: number; value: Endpoint[] }>(
      `${base}${project}/_apis/serviceendpoint/endpoints?api-version=7.1${query}`,
      { headers: extra },
    );
  const put = (
    body: unknown,
    options: { project?: string; query?: string; headers?: Record<string, string> } = {},
  ) =>
    call<Endpoint & { message?: string; typeKey?: string }>(
      `${base}${options.project ? `${options.project}/` : ''}_apis/serviceendpoint/endpoints/${(body as Endpoint).id}?api-version=7.1${options.query ?? ''}`,
      { method: 'PUT', headers: options.headers ?? headers, body: JSON.stringify(body) },
    );
  const storedSecret = (id: string) =>
    emulator.state.snapshot().serviceConnections.find((c) => c.id === id)?.secret;
  const prodKeyId = () => demo.app('deploy-prod').passwordCredentials![0]!.keyId;

  it('never returns a secret: null on get and update, omitted from lists', async () => {
    const one = await get('Platform', prodId);
    assert.equal(one.status, 200);
    assert.ok('serviceprincipalkey' in one.body.authorization.parameters);
    assert.equal(one.body.authorization.parameters['serviceprincipalkey'], null);
    const listed = (await list('Platform', '&type=AzureRM')).body.value.find((e) => e.id === prodId)!;
    assert.equal('serviceprincipalkey' in listed.authorization.parameters, false);
    const updated = await put({
      ...one.body,
      authorization: {
        ...one.body.authorization,
        parameters: { ...one.body.authorization.parameters, serviceprincipalkey: 'a-brand-new-secret-value' },
      },
    });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.authorization.parameters['serviceprincipalkey'], null);
    assert.doesNotMatch(updated.text, /a-brand-new-secret-value/);
  });

  it('keeps the stored secret when the PUT sends it as null', async () => {
    const one = (await get('Platform', prodId)).body;
    assert.equal((await put({ ...one, description: 'touched' })).status, 200);
    assert.deepEqual(storedSecret(prodId), { kind: 'password', keyId: prodKeyId() });
  });

  it('drops the stored secret when the PUT omits it', async () => {
    const one = (await get('Platform', prodId)).body;
    const { serviceprincipalkey: _dropped, ...rest } = one.authorization.parameters;
    assert.equal(
      (await put({ ...one, authorization: { ...one.authorization, parameters: rest } })).status,
      200,
    );
    assert.equal(storedSecret(prodId), null);
    assert.equal(
      'serviceprincipalkey' in (await get('Platform', prodId)).body.authorization.parameters,
      false,
    );
  });

  it('replaces the stored secret with a value, and the state says which app password it matches', async () => {
    const [, second] = emulator.state.application(demo.app('deploy-shared').appId)!.passwordCredentials;
    const shared = (await get('Payments', demo.connection('shared-deploy').id)).body;
    shared.authorization.parameters['serviceprincipalkey'] = second!.secretText;
    assert.equal((await put(shared)).status, 200);
    assert.deepEqual(storedSecret(shared.id), { kind: 'password', keyId: second!.keyId });
  });

  it('round-trips the description verbatim', async () => {
    const text = 'Owned by team X.\n\n[sc-rotator] keyId=4f1c…; {"json": true} <b>&amp;</b>  ';
    const one = (await get('Platform', prodId)).body;
    await put({ ...one, description: text });
    assert.equal((await get('Platform', prodId)).body.description, text);
  });

  it('rejects spnObjectId and appObjectId on a Manual connection', async () => {
    const auto = (await get('Payments', demo.connection('auto-deploy').id)).body;
    const manual = { ...auto, data: { ...auto.data, creationMode: 'Manual' } as Record<string, string> };
    const rejected = await put(manual);
    assert.equal(rejected.status, 400);
    assert.equal(
      rejected.body.message,
      'spnObjectId field is not expected in service connection when creationMode is set to Manual.',
    );
    const { spnObjectId: _s, ...withoutSpn } = manual.data;
    assert.equal(
      (await put({ ...manual, data: withoutSpn })).body.message,
      'appObjectId field is not expected in service connection when creationMode is set to Manual.',
    );
    const { appObjectId: _a, ...takenOver } = withoutSpn;
    const accepted = await put({ ...manual, data: takenOver });
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.data['creationMode'], 'Manual');
  });

  it('rejects an update of an Automatic connection that lacks its object ids, and a new secret on it', async () => {
    const auto = (await get('Payments', demo.connection('auto-deploy').id)).body;
    const { azureSpnRoleAssignmentId: _r, ...data } = auto.data;
    const missing = await put({ ...auto, data });
    assert.equal(missing.status, 400);
    assert.match(
      String(missing.body.message),
      /^Service connection field not specified: azureSpnRoleAssignmentId/,
    );
    const keyed = await put({
      ...auto,
      authorization: {
        ...auto.authorization,
        parameters: { ...auto.authorization.parameters, serviceprincipalkey: 'x-secret' },
      },
    });
    assert.equal(keyed.status, 400);
    assert.equal((await put(auto)).status, 200, 'the unchanged GET body is accepted');
  });

  it('infers creationMode when it is missing', async () => {
    const auto = (await get('Payments', demo.connection('auto-deploy').id)).body;
    const { creationMode: _m, ...data } = auto.data;
    const accepted = await put({ ...auto, data });
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.data['creationMode'], 'Automatic');
  });

  it('rejects data and authorization keys the AzureRM type does not define, case-insensitively otherwise', async () => {
    const one = (await get('Platform', prodId)).body;
    const rejected = await put({ ...one, data: { ...one.data, rotatorKeyId: 'x' } });
    assert.equal(rejected.status, 400);
    assert.equal(
      rejected.body.message,
      'Following fields in the service connection are not expected: rotatorKeyId.',
    );
    const { tenantid, ...parameters } = one.authorization.parameters;
    const mixedCase = await put({
      ...one,
      authorization: { ...one.authorization, parameters: { ...parameters, TenantId: tenantid ?? null } },
    });
    assert.equal(mixedCase.status, 200);
    assert.equal(mixedCase.body.authorization.parameters['tenantid'], tenantid);
  });

  it('refuses a type change, a disabled connection and one with an operation in progress', async () => {
    const one = (await get('Platform', prodId)).body;
    assert.equal((await put({ ...one, type: 'Generic' })).status, 400);
    emulator.state.connection(prodId)!.operationStatus = {
      state: 'InProgress',
      statusMessage: 'converting_scheme',
    };
    assert.equal((await put(one)).body.typeKey, 'AnotherOperationAlreadyInProgressException');
    emulator.state.connection(prodId)!.operationStatus = { state: 'Ready', statusMessage: '' };
    emulator.state.connection(prodId)!.isDisabled = true;
    assert.equal((await put(one)).body.typeKey, 'EndpointDisabledException');
  });

  it('validates the operation query parameter', async () => {
    const one = (await get('Platform', prodId)).body;
    assert.equal((await put(one, { query: '&operation=Update' })).status, 200);
    const invalid = await put(one, { query: '&operation=RefreshSecret' });
    assert.equal(invalid.status, 400);
    assert.equal(
      invalid.body.message,
      "Operation 'RefreshSecret' is invalid. Allowed operation values are Create, Update, Delete and AssignPermissions.",
    );
    const github = (await get('Platform', demo.connection('github').id)).body;
    assert.match(
      String((await put(github, { query: '&operation=Update' })).body.message),
      /is not supported for service connection type 'GitHub'/,
    );
  });

  it('requires project references with names', async () => {
    const one = (await get('Platform', prodId)).body;
    assert.equal(
      (await put({ ...one, serviceEndpointProjectReferences: [] })).body.message,
      'Project reference must be set in the updated endpoint.',
    );
    const unnamed = one.serviceEndpointProjectReferences.map((r) => ({ ...r, name: '' }));
    assert.equal((await put({ ...one, serviceEndpointProjectReferences: unnamed })).status, 400);
  });

  it('accepts the project-scoped PUT as well as the organization one', async () => {
    const one = (await get('Platform', prodId)).body;
    const scoped = await put({ ...one, description: 'via project route' }, { project: 'Platform' });
    assert.equal(scoped.status, 200);
    assert.equal((await put(one, { project: 'Payments' })).status, 404, 'not shared with Payments');
  });

  it('answers 403 to an update without the Administrator role, and hides a connection without any role', async () => {
    const user = {
      ...bearer('unused'),
      ...{ authorization: `Basic ${Buffer.from(':uma-user-personal-access-token').toString('base64')}` },
      'content-type': 'application/json',
    };
    const one = (await get('Platform', prodId)).body;
    const denied = await put(one, { headers: user });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.typeKey, 'AccessCheckException');
    assert.match(String(denied.body.message), /needs the Administrator role/);
    assert.equal((await get('Platform', prodId, user)).status, 200);
    assert.deepEqual(
      (await list('Platform', '', user)).body.value.map((e) => e.id),
      [prodId],
    );

    const reader = {
      authorization: `Basic ${Buffer.from(`:${demo.identity('rita-reader').pat}`).toString('base64')}`,
    };
    assert.equal((await get('Platform', prodId, reader)).status, 404);
    assert.equal(
      (await list('Platform', '', reader)).body.value.some((e) => e.id === prodId),
      false,
    );
    assert.equal((await list('Platform', '&actionFilter=manage', reader)).body.count, 0);
    assert.ok((await list('Platform', '&actionFilter=view', reader)).body.count > 0);
  });

  it('lists a shared connection with one id in both projects, each with its own name', async () => {
    const id = demo.connection('shared-deploy').id;
    const payments = (await list('Payments')).body.value.find((e) => e.id === id)!;
    const web = (await list('Web')).body.value.find((e) => e.id === id)!;
    assert.equal(payments.name, 'shared-deploy');
    assert.equal(web.name, 'payments-shared');
    assert.equal(payments.isShared, true);
    assert.deepEqual(
      payments.serviceEndpointProjectReferences.map((r) => r.projectReference.name),
      ['Payments', 'Web'],
    );
  });

  it('hides connections that are not ready unless includeFailed=true', async () => {
    emulator.state.connection(prodId)!.isReady = false;
    assert.equal(
      (await list('Platform')).body.value.some((e) => e.id === prodId),
      false,
    );
    assert.equal(
      (await list('Platform', '&includeFailed=true')).body.value.some((e) => e.id === prodId),
      true,
    );
  });

  it('filters by type (any case), authSchemes, endpointIds, endpointNames and owner; accepts the project id', async () => {
    const platform = demo.project('Platform').id;
    assert.deepEqual(
      (await list(platform, '&type=github')).body.value.map((e) => e.name),
      ['github'],
    );
    assert.deepEqual(
      (await list('Platform', '&authSchemes=WorkloadIdentityFederation')).body.value.map((e) => e.name),
      ['rotator-wif'],
    );
    assert.deepEqual(
      (await list('Platform', `&endpointIds=${prodId}`)).body.value.map((e) => e.name),
      ['prod-deploy'],
    );
    assert.deepEqual((await list('Platform', '&endpointNames=PROD-DEPLOY,staging-deploy')).body.count, 2);
    assert.equal((await list('Platform', '&owner=agentcloud')).body.count, 0);
    assert.equal((await list('Nowhere')).status, 404);
  });

  it('takes the api-version from the query string or the Accept header, and rejects a missing or unreleased one', async () => {
    const url = `${base}Platform/_apis/serviceendpoint/endpoints/${prodId}`;
    assert.equal((await call(`${url}?api-version=7.1`, { headers })).status, 200);
    assert.equal(
      (await call(url, { headers: { ...headers, accept: 'application/json;api-version=7.2-preview.4' } }))
        .status,
      200,
    );
    const missing = await call(url, { headers });
    assert.equal(missing.status, 400);
    assert.equal(missing.body['typeKey'], 'VssVersionNotSpecifiedException');
    assert.equal(
      (await call(`${url}?api-version=7.2`, { headers })).body['typeKey'],
      'VssInvalidPreviewVersionException',
    );
    assert.equal(
      (await call(`${url}?api-version=8.0`, { headers })).body['typeKey'],
      'VssVersionOutOfRangeException',
    );
    assert.equal((await call(`${url}?api-version=7.2-preview.9`, { headers })).status, 400);
  });

  it('answers 401 with a JSON error, never a sign-in page', async () => {
    const response = await call(`${base}Platform/_apis/serviceendpoint/endpoints?api-version=7.1`, {
      headers: bearer('wrong'),
    });
    assert.equal(response.status, 401);
    assert.equal(response.body['$id'], '1');
    assert.equal(response.body['eventId'], 3000);
    assert.equal(response.body['errorCode'], 0);
    assert.match(String(response.headers.get('content-type')), /application\/json/);
  });

  it('returns the workload identity issuer and subject of a WIF connection and refuses to change them', async () => {
    const wif = (await get('Web', demo.connection('web-wif').id)).body;
    assert.equal(
      wif.authorization.parameters['workloadIdentityFederationIssuer'],
      `https://vstoken.dev.azure.com/${org.organization.id}`,
    );
    assert.equal(
      wif.authorization.parameters['workloadIdentityFederationSubject'],
      'sc://contoso/Web/web-wif',
    );
    assert.equal((await put(wif)).status, 200);
    wif.authorization.parameters['workloadIdentityFederationSubject'] = 'sc://contoso/Web/other';
    assert.equal((await put(wif)).status, 400);
  });
});

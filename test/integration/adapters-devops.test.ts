import assert from 'node:assert/strict';
import type { Emulator } from '../../emulator';
import { AZURE_DEVOPS_SCOPE } from '../../lib/auth/clouds';
import { MsalTokenProvider } from '../../lib/auth/msal-token-provider';
import { staticTokenProvider } from '../../lib/auth/token-provider';
import { DevOpsClient } from '../../lib/devops/devops-client';
import type { DevOpsAuthentication } from '../../lib/devops/devops-session';
import { HttpError } from '../../lib/errors';
import { FakeClock } from '../unit/http/fake-clock';
import { ops, startAdaptersEmulator } from './adapters-harness';
import {
  CONNECTIONS,
  JOB_TOKEN,
  PROJECT_COUNT,
  projectId,
  projectName,
  ROTATOR_APP,
  ROTATOR_SECRET,
  TENANT,
  targetAppId,
  USER_PAT,
} from './adapters-org';

describe('DevOpsClient against the emulator (azure-devops-node-api)', () => {
  let emulator: Emulator;
  const project0 = { id: projectId(0), name: projectName(0) };

  before(async () => {
    emulator = await startAdaptersEmulator();
  });
  after(async () => {
    await emulator?.close();
  });
  beforeEach(() => {
    emulator.faults.clear();
    emulator.clearRequests();
  });

  function client(
    authentication: DevOpsAuthentication = {
      kind: 'bearer',
      tokenProvider: staticTokenProvider(JOB_TOKEN),
      scope: AZURE_DEVOPS_SCOPE,
    },
    clock = new FakeClock(),
  ) {
    return new DevOpsClient({
      organizationUrl: emulator.urls.organization,
      authentication,
      clock,
      retry: { random: () => 0.5 },
    });
  }

  it('lists every project across pages of 100', async () => {
    const projects = await client().listProjects();
    assert.equal(projects.length, PROJECT_COUNT);
    assert.deepEqual(projects[0], { id: projectId(0), name: projectName(0) });
    assert.deepEqual(projects[PROJECT_COUNT - 1], {
      id: projectId(PROJECT_COUNT - 1),
      name: projectName(PROJECT_COUNT - 1),
    });
    assert.deepEqual(
      ops(emulator, 'devops.projects.list').map((e) => [
        e.status,
        new URL(e.path, 'https://x').searchParams.get('$skip'),
      ]),
      [
        [200, '0'],
        [200, '100'],
      ],
    );
  });

  it('lists the AzureRM connections of a project in one request, shared ones with every project', async () => {
    const devops = client();
    const connections = await devops.listAzureRmConnections(project0);
    assert.deepEqual(connections.map((c) => c.name).sort(), ['dev', 'prod', 'rotator-wif']);
    const prod = connections.find((c) => c.id === CONNECTIONS.prod);
    assert.deepEqual(prod?.projects, [
      { projectId: projectId(0), projectName: projectName(0), connectionName: 'prod' },
      { projectId: projectId(1), projectName: projectName(1), connectionName: 'prod-shared' },
    ]);
    assert.equal(prod?.appId, targetAppId(1));
    assert.equal(prod?.tenantId, TENANT);
    assert.equal(prod?.authenticationType, 'spnKey');
    assert.equal(prod?.creationMode, 'Manual');
    const wif = connections.find((c) => c.id === CONNECTIONS.rotatorWif);
    assert.equal(wif?.scheme, 'WorkloadIdentityFederation');
    const lists = ops(emulator, 'devops.endpoints.list');
    assert.equal(lists.length, 1);
    assert.match(lists[0]!.path, /type=azurerm/);
    assert.match(lists[0]!.path, /includeFailed=true/);
  });

  it('gets a connection, PUTs it back changed and reads the change back', async () => {
    const devops = client();
    const document = await devops.get(project0.id, CONNECTIONS.dev);
    assert.ok(document);
    assert.equal(document.authorization.parameters['serviceprincipalkey'] ?? null, null);
    const stored = await devops.update({ ...document, description: 'Deploys dev.\n[sc-rotator: test]' });
    assert.equal(stored.description, 'Deploys dev.\n[sc-rotator: test]');
    const again = await devops.get(project0.id, CONNECTIONS.dev);
    assert.equal(again?.description, 'Deploys dev.\n[sc-rotator: test]');
    // The PUT kept the stored secret (it was sent as null): the stored details still work.
    assert.deepEqual(await devops.test(project0.id, CONNECTIONS.dev), {
      ok: true,
      statusCode: 'ok',
      message: '',
    });
    assert.deepEqual(
      emulator
        .requests()
        .filter((e) => e.service === 'devops' && e.operation !== 'devops.location')
        .map((e) => e.operation),
      [
        'devops.endpoints.get',
        'devops.endpoints.update',
        'devops.endpoints.get',
        'devops.endpointproxy.execute',
      ],
    );
    assert.equal(
      ops(emulator, 'devops.endpoints.update')[0]?.path.startsWith(
        `/${emulator.org.name}/_apis/serviceendpoint/endpoints/`,
      ),
      true,
    );
  });

  it('tests proposed details: a valid new secret passes, a wrong one fails without echoing it', async () => {
    const devops = client();
    const document = await devops.get(project0.id, CONNECTIONS.prod);
    assert.ok(document);
    const realSecret = emulator.state.application(targetAppId(1))?.passwordCredentials[0]?.secretText;
    assert.ok(realSecret);
    const good = await devops.test(project0.id, CONNECTIONS.prod, {
      ...document,
      authorization: {
        ...document.authorization,
        parameters: { ...document.authorization.parameters, serviceprincipalkey: realSecret },
      },
    });
    assert.deepEqual(good, { ok: true, statusCode: 'ok', message: '' });
    const wrong = 'wrong-secret-value-0123456789';
    const bad = await devops.test(project0.id, CONNECTIONS.prod, {
      ...document,
      authorization: {
        ...document.authorization,
        parameters: { ...document.authorization.parameters, serviceprincipalkey: wrong },
      },
    });
    assert.equal(bad.ok, false);
    assert.equal(bad.statusCode, 'unauthorized');
    assert.match(bad.message, /AADSTS7000215/);
    assert.ok(!bad.message.includes(wrong));
  });

  it('returns null for a connection that does not exist', async () => {
    assert.equal(await client().get(project0.id, 'c0000000-0000-4000-8000-0000000000ff'), null);
  });

  it('refuses an update by a non-administrator with devops.not_admin naming the connection', async () => {
    const devops = client({ kind: 'pat', token: USER_PAT });
    const document = await devops.get(project0.id, CONNECTIONS.prod);
    assert.ok(document);
    const error = await devops.update({ ...document, description: 'x' }).catch((e) => e);
    assert.ok(error instanceof HttpError);
    assert.equal(error.code, 'devops.not_admin');
    assert.equal(error.status, 403);
    assert.match(error.fix ?? '', /"Administrator" role on the service connection 'prod'/);
    assert.equal(ops(emulator, 'devops.endpoints.update').length, 1);
  });

  it('maps a rejected credential to devops.unauthorized', async () => {
    const error = await client({ kind: 'pat', token: 'not-a-known-pat' })
      .listProjects()
      .catch((e) => e);
    assert.equal(error.code, 'devops.unauthorized');
    assert.ok(!error.message.includes('not-a-known-pat'));
  });

  it('waits out 429 and 503 bursts as asked and returns the same result', async () => {
    const baseline = await client().listAzureRmConnections(project0);
    emulator.clearRequests();
    emulator.faults.add({
      operation: 'devops.endpoints.list',
      kind: 'throttle',
      times: 2,
      retryAfterSeconds: 2,
    });
    emulator.faults.add({
      operation: 'devops.endpoints.list',
      kind: 'unavailable',
      times: 1,
      retryAfterSeconds: 1,
    });
    const clock = new FakeClock();
    const again = await client(undefined, clock).listAzureRmConnections(project0);
    assert.deepEqual(again, baseline);
    assert.deepEqual(
      ops(emulator, 'devops.endpoints.list').map((e) => e.status),
      [429, 429, 503, 200],
    );
    assert.deepEqual(clock.sleeps, [2000, 2000, 1000]);
  });

  it('calls Azure DevOps with an Entra token of the rotator identity', async () => {
    const tokens = new MsalTokenProvider({
      tenantId: TENANT,
      clientId: ROTATOR_APP,
      credential: { kind: 'secret', clientSecret: ROTATOR_SECRET },
      authorityHost: emulator.urls.authorityHost,
      clock: new FakeClock(),
    });
    const projects = await client({
      kind: 'bearer',
      tokenProvider: tokens,
      scope: AZURE_DEVOPS_SCOPE,
    }).listProjects();
    assert.equal(projects.length, PROJECT_COUNT);
    assert.equal(ops(emulator, 'entra.token').length, 1);
    assert.deepEqual(
      ops(emulator, 'devops.projects.list').map((e) => e.caller),
      ['rotator', 'rotator'],
    );
  });
});

import assert from 'node:assert/strict';
import sinon from 'sinon';
import { staticTokenProvider } from '../../../lib/auth/token-provider';
import { DevOpsClient } from '../../../lib/devops/devops-client';
import { DevOpsSession } from '../../../lib/devops/devops-session';
import type { EndpointDocument } from '../../../lib/devops/types';
import { HttpError, RotatorError } from '../../../lib/errors';
import { FakeClock } from '../http/fake-clock';

/** node-api's error shape (typed-rest-client). */
function nodeApiError(statusCode: number, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error('raw body text'), { statusCode, responseHeaders: headers });
}

function client(clock = new FakeClock()) {
  return new DevOpsClient({
    organizationUrl: 'https://dev.azure.test/org',
    authentication: { kind: 'bearer', tokenProvider: staticTokenProvider('job-token'), scope: 'unused' },
    clock,
    projectPageSize: 3,
    retry: { random: () => 0.5 },
  });
}

const DOC: EndpointDocument = {
  id: 'c0ffee00-0000-0000-0000-000000000001',
  name: 'prod',
  type: 'azurerm',
  url: 'https://management.azure.com/',
  authorization: { scheme: 'ServicePrincipal', parameters: { tenantid: 't', serviceprincipalid: 'a' } },
  data: {},
  serviceEndpointProjectReferences: [{ projectReference: { id: 'p1', name: 'P1' }, name: 'prod' }],
};

describe('DevOpsClient (node-api stubbed)', () => {
  afterEach(() => sinon.restore());

  it('pages projects with $top/$skip until a short page', async () => {
    const getProjects = sinon.stub();
    const page = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `p${from + i}`, name: `Project ${from + i}` }));
    getProjects.onCall(0).resolves(page(0, 3));
    getProjects.onCall(1).resolves(page(3, 3));
    getProjects.onCall(2).resolves(page(6, 1));
    sinon.stub(DevOpsSession.prototype, 'coreApi').resolves({ getProjects } as never);
    const projects = await client().listProjects();
    assert.deepEqual(
      projects.map((p) => p.id),
      ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6'],
    );
    assert.deepEqual(
      getProjects.getCalls().map((call) => call.args),
      [
        [undefined, 3, 0],
        [undefined, 3, 3],
        [undefined, 3, 6],
      ],
    );
  });

  it('stops when a server ignores $skip and repeats a page', async () => {
    const getProjects = sinon.stub().resolves([
      { id: 'p0', name: 'A' },
      { id: 'p1', name: 'B' },
      { id: 'p2', name: 'C' },
    ]);
    sinon.stub(DevOpsSession.prototype, 'coreApi').resolves({ getProjects } as never);
    assert.equal((await client().listProjects()).length, 3);
    assert.equal(getProjects.callCount, 2);
  });

  it('lists AzureRM connections with type=azurerm and includeFailed=true, retrying 429', async () => {
    const getServiceEndpoints = sinon.stub();
    getServiceEndpoints.onCall(0).rejects(nodeApiError(429, { 'Retry-After': '2' }));
    getServiceEndpoints.onCall(1).resolves([
      { ...DOC, type: 'AzureRM' },
      { ...DOC, id: 'other', type: 'generic' },
    ]);
    sinon.stub(DevOpsSession.prototype, 'serviceEndpointApi').resolves({ getServiceEndpoints } as never);
    const clock = new FakeClock();
    const list = await client(clock).listAzureRmConnections({ id: 'p1', name: 'P1' });
    assert.deepEqual(
      list.map((c) => c.id),
      [DOC.id],
    );
    assert.deepEqual(getServiceEndpoints.getCall(1).args, [
      'p1',
      'azurerm',
      undefined,
      undefined,
      undefined,
      true,
    ]);
    assert.deepEqual(clock.sleeps, [2000]);
  });

  it('returns null for a missing connection (node-api resolves 404 to null)', async () => {
    const getServiceEndpointDetails = sinon.stub().resolves(null);
    sinon
      .stub(DevOpsSession.prototype, 'serviceEndpointApi')
      .resolves({ getServiceEndpointDetails } as never);
    assert.equal(await client().get('p1', DOC.id), null);
  });

  it('returns the GET body as plain JSON (dates as ISO strings)', async () => {
    const getServiceEndpointDetails = sinon
      .stub()
      .resolves({ ...DOC, creationDate: new Date(Date.UTC(2026, 0, 2)) });
    sinon
      .stub(DevOpsSession.prototype, 'serviceEndpointApi')
      .resolves({ getServiceEndpointDetails } as never);
    const document = await client().get('p1', DOC.id);
    assert.equal(document?.['creationDate'], '2026-01-02T00:00:00.000Z');
  });

  it('PUTs the whole document without operation; 403 becomes devops.not_admin naming the connection', async () => {
    const updateServiceEndpoint = sinon.stub().rejects(nodeApiError(403));
    sinon.stub(DevOpsSession.prototype, 'serviceEndpointApi').resolves({ updateServiceEndpoint } as never);
    const error = await client()
      .update(DOC)
      .catch((e) => e);
    assert.ok(error instanceof HttpError);
    assert.equal(error.code, 'devops.not_admin');
    assert.equal(
      error.fix,
      `Grant the identity the "Administrator" role on the service connection 'prod' (Project settings → Service connections → Security), or choose another devOpsAuthentication.`,
    );
    assert.deepEqual(updateServiceEndpoint.getCall(0).args, [DOC, DOC.id]);
    assert.equal(updateServiceEndpoint.callCount, 1);
  });

  it('update: 401 is devops.unauthorized, a 404 (null) is devops.not_found', async () => {
    const updateServiceEndpoint = sinon.stub();
    updateServiceEndpoint.onCall(0).rejects(nodeApiError(401));
    updateServiceEndpoint.onCall(1).resolves(null);
    sinon.stub(DevOpsSession.prototype, 'serviceEndpointApi').resolves({ updateServiceEndpoint } as never);
    const devops = client();
    assert.equal((await devops.update(DOC).catch((e) => e)).code, 'devops.unauthorized');
    const missing = await devops.update(DOC).catch((e) => e);
    assert.ok(missing instanceof RotatorError);
    assert.equal(missing.code, 'devops.not_found');
  });

  it('runs TestConnection through the endpoint proxy', async () => {
    const executeServiceEndpointRequest = sinon.stub().resolves({ statusCode: 'ok' });
    sinon
      .stub(DevOpsSession.prototype, 'serviceEndpointApi')
      .resolves({ executeServiceEndpointRequest } as never);
    const result = await client().test('p1', DOC.id);
    assert.deepEqual(result, { ok: true, statusCode: 'ok', message: '' });
    assert.deepEqual(executeServiceEndpointRequest.getCall(0).args.slice(1), ['p1', DOC.id]);
  });
});

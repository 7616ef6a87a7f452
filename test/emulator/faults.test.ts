import assert from 'node:assert/strict';
import { type Emulator, FaultController } from '../../emulator/index';
import { graphOrg, OWNED_BY, secretOfCaller, target } from './graph-fixture';
import { call, demoOrg, graphToken, named, start } from './helpers';

type Json = Record<string, unknown>;

describe('emulator: faults on demand', () => {
  let emulator: Emulator;
  let token: string;
  const t1 = target(1);

  before(async () => {
    emulator = await start(graphOrg(), { throttling: false });
    token = await graphToken(emulator, OWNED_BY, secretOfCaller(OWNED_BY));
  });
  after(() => emulator.close());
  beforeEach(() => {
    emulator.faults.reset();
    emulator.clearRequests();
  });

  const addPassword = () =>
    call(`${emulator.urls.graph}/v1.0/applications/${t1.objectId}/addPassword`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
  const getApp = () =>
    call(`${emulator.urls.graph}/v1.0/applications/${t1.objectId}?$select=id`, {
      headers: { authorization: `Bearer ${token}` },
    });
  const passwords = () => emulator.state.application(t1.appId)!.passwordCredentials.length;

  it('throttles with 429 and Retry-After seconds, or retry-after-ms headers', async () => {
    emulator.faults.add({
      operation: 'graph.applications.get',
      kind: 'throttle',
      retryAfterSeconds: 7,
      times: 1,
    });
    const first = await getApp();
    assert.equal(first.status, 429);
    assert.equal(first.headers.get('retry-after'), '7');
    assert.equal(((first.body as Json)['error'] as Json)['code'], 'TooManyRequests');
    assert.equal((await getApp()).status, 200, 'times: 1 expires the rule');
    emulator.faults.add({ operation: 'graph.', kind: 'throttle', retryAfterMs: 250, times: 1 });
    const ms = await getApp();
    assert.equal(ms.headers.get('retry-after-ms'), '250');
    assert.equal(ms.headers.get('x-ms-retry-after-ms'), '250');
    assert.equal(ms.headers.get('retry-after'), null);
    assert.deepEqual(
      emulator.requests().map((r) => r.fault ?? '-'),
      ['throttle', '-', 'throttle'],
    );
  });

  it('answers 503 with Retry-After for unavailable', async () => {
    emulator.faults.add({ service: 'graph', kind: 'unavailable', retryAfterSeconds: 2, times: 1 });
    const response = await getApp();
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '2');
  });

  it('resets the socket mid-request', async () => {
    emulator.faults.add({ operation: 'graph.applications.get', kind: 'reset', times: 1 });
    await assert.rejects(getApp(), /fetch failed/);
    assert.equal(emulator.requests()[0]?.status, 0);
    assert.equal(emulator.requests()[0]?.fault, 'reset');
  });

  it('fails with Directory_ConcurrencyViolation without performing the operation', async () => {
    const before = passwords();
    emulator.faults.add({ operation: 'graph.applications.addPassword', kind: 'concurrency', times: 1 });
    const conflict = await addPassword();
    assert.equal(conflict.status, 409);
    const error = (conflict.body as Json)['error'] as Json;
    assert.equal(error['code'], 'Directory_ConcurrencyViolation');
    assert.equal(
      error['message'],
      'Error due to concurrent requests being made to the tenant. Please wait briefly and retry.',
    );
    assert.equal(passwords(), before);
    emulator.faults.add({
      operation: 'graph.applications.addPassword',
      kind: 'concurrency',
      status: 503,
      times: 1,
    });
    assert.equal((await addPassword()).status, 503);
  });

  it('performs the operation, then resets, with afterEffect (a timeout after addPassword happened)', async () => {
    const before = passwords();
    emulator.faults.add({
      operation: 'graph.applications.addPassword',
      kind: 'reset',
      afterEffect: true,
      times: 1,
    });
    await assert.rejects(addPassword());
    assert.equal(passwords(), before + 1);
    assert.equal(emulator.requests()[0]?.write, true);
  });

  it('answers any status with a realistic body, or malformed responses', async () => {
    emulator.faults.add({ operation: 'graph.applications.get', kind: 'status', status: 500, times: 1 });
    const failed = await getApp();
    assert.equal(failed.status, 500);
    assert.ok(((failed.body as Json)['error'] as Json)['innerError']);
    emulator.faults.add({
      operation: 'graph.applications.get',
      kind: 'malformed',
      malformed: 'html',
      times: 1,
    });
    const html = await getApp();
    assert.equal(html.status, 502);
    assert.match(html.text, /<html>/);
    emulator.faults.add({
      operation: 'graph.applications.get',
      kind: 'malformed',
      malformed: 'truncated-json',
      afterEffect: true,
      times: 1,
    });
    const truncated = await getApp();
    assert.equal(truncated.status, 200);
    assert.throws(() => JSON.parse(truncated.text));
    emulator.faults.add({
      operation: 'graph.applications.get',
      kind: 'malformed',
      malformed: 'error-200',
      times: 1,
    });
    const errorOk = await getApp();
    assert.equal(errorOk.status, 200);
    assert.ok((errorOk.body as Json)['error']);
  });

  it('leaves fields out of the real answer with missing-fields (after the effect)', async () => {
    const before = passwords();
    emulator.faults.add({
      operation: 'graph.applications.addPassword',
      kind: 'malformed',
      malformed: 'missing-fields',
      fields: ['secretText', 'hint'],
      afterEffect: true,
      times: 1,
    });
    const answer = await addPassword();
    assert.equal(answer.status, 200);
    const body = answer.body as Json;
    assert.equal(typeof body['keyId'], 'string');
    assert.ok(!('secretText' in body) && !('hint' in body));
    assert.equal(passwords(), before + 1, 'the password was created');
  });

  it('tells a listener about each request the moment its answer is decided', async () => {
    const seen: string[] = [];
    let passwordsThen = -1;
    const stop = emulator.onRequest((entry) => {
      seen.push(`${entry.operation} ${entry.status}`);
      if (entry.operation === 'graph.applications.addPassword') passwordsThen = passwords();
    });
    const before = passwords();
    await getApp();
    await addPassword();
    stop();
    await getApp();
    assert.deepEqual(seen, ['graph.applications.get 200', 'graph.applications.addPassword 200']);
    assert.equal(passwordsThen, before + 1, 'called after the effect');
  });

  it('adds latency globally and per rule', async () => {
    emulator.faults.latencyMs = 60;
    emulator.faults.add({ operation: 'graph.applications.get', kind: 'delay', delayMs: 60 });
    const started = Date.now();
    assert.equal((await getApp()).status, 200);
    assert.ok(Date.now() - started >= 110, `took ${Date.now() - started} ms`);
    emulator.faults.reset();
    emulator.faults.latencyMs = 80;
    const batchStarted = Date.now();
    const requests = [1, 2, 3, 4, 5].map((n) => ({
      id: String(n),
      method: 'GET',
      url: `/applications/${t1.objectId}?$select=id`,
    }));
    const batch = await call(`${emulator.urls.graph}/v1.0/$batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ requests }),
    });
    assert.equal(batch.status, 200);
    const batchMs = Date.now() - batchStarted;
    assert.ok(batchMs >= 80 && batchMs < 400, `a batch pays the latency once, not per item: ${batchMs} ms`);
  });

  it('matches rules by target app and method, and draws probabilities from the seed', async () => {
    emulator.faults.add({ match: { appId: target(2).appId }, kind: 'status', status: 418 });
    assert.equal((await getApp()).status, 200, 'another app is untouched');
    emulator.faults.add({ method: 'POST', operation: 'graph.applications.*', kind: 'status', status: 418 });
    assert.equal((await addPassword()).status, 418);
    const outcomes = (seed: number) => {
      const controller = new FaultController({ latencyMs: 0, propagationDelayMs: 0, seed });
      controller.add({ kind: 'status', status: 500, probability: 0.5 });
      return Array.from(
        { length: 20 },
        () =>
          controller.evaluate({ service: 'graph', operation: 'graph.x', method: 'GET', target: {} }).fault !==
          null,
      );
    };
    assert.deepEqual(outcomes(42), outcomes(42));
    assert.notDeepEqual(outcomes(42), outcomes(43));
    assert.ok(outcomes(42).some(Boolean) && !outcomes(42).every(Boolean));
  });

  it('is driven through /_admin/faults too, and rejects invalid rules', async () => {
    const admin = `${emulator.urls.admin}faults`;
    const added = await call(admin, {
      method: 'POST',
      body: JSON.stringify({ id: 'slow', operation: 'graph.applications.get', kind: 'throttle' }),
    });
    assert.equal(added.status, 201);
    assert.equal((await getApp()).status, 429);
    assert.equal((await call(`${admin}/slow`, { method: 'DELETE' })).status, 204);
    assert.equal((await getApp()).status, 200);
    const replaced = await call(admin, {
      method: 'PUT',
      body: JSON.stringify({
        latencyMs: 5,
        propagationDelayMs: 4000,
        rules: [{ kind: 'reset', operation: 'graph.batch' }],
      }),
    });
    assert.equal(replaced.status, 200);
    assert.equal(emulator.faults.propagationDelayMs, 4000);
    assert.equal(emulator.faults.list().rules.length, 1);
    assert.equal(
      (await call(admin, { method: 'POST', body: JSON.stringify({ kind: 'explode' }) })).status,
      400,
    );
    assert.equal(
      (await call(admin, { method: 'POST', body: JSON.stringify({ kind: 'status' }) })).status,
      400,
      'status needs a status',
    );
    assert.equal((await call(admin, { method: 'DELETE' })).status, 204);
    assert.deepEqual(emulator.faults.list(), { latencyMs: 0, propagationDelayMs: 0, seed: 1, rules: [] });
  });

  it('faults devops and entra operations in their own error shapes', async () => {
    const demo = await start(demoOrg());
    try {
      const org = named(demoOrg());
      const headers = {
        authorization: `Bearer ${org.identity('contoso-build').accessToken}`,
        'content-type': 'application/json',
      };
      const id = org.connection('prod-deploy').id;
      demo.faults.add({
        operation: 'devops.endpointproxy.execute',
        match: { connectionId: id },
        kind: 'malformed',
        malformed: 'error-200',
        times: 1,
      });
      const proxy = await call(
        `${demo.urls.organization}Platform/_apis/serviceendpoint/endpointproxy?endpointId=${id}&api-version=7.1-preview.1`,
        {
          method: 'POST',
          headers,
          body: JSON.stringify({ dataSourceDetails: { dataSourceName: 'TestConnection' } }),
        },
      );
      assert.equal(proxy.status, 200);
      assert.equal((proxy.body as Json)['statusCode'], 'internalServerError');
      demo.faults.add({ service: 'devops', operation: 'devops.projects.list', kind: 'throttle', times: 1 });
      const projects = await call(`${demo.urls.organization}_apis/projects?api-version=7.1`, { headers });
      assert.equal(projects.status, 429);
      assert.equal((projects.body as Json)['$id'], '1');
      demo.faults.add({ operation: 'entra.token', kind: 'unavailable', times: 1 });
      const app = org.app('deploy-prod');
      const entra = await call(`${demo.urls.authorityHost}/${app.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        body: 'grant_type=client_credentials',
      });
      assert.equal(entra.status, 503);
      assert.equal((entra.body as Json)['error'], 'temporarily_unavailable');
      assert.deepEqual((entra.body as Json)['error_codes'], [90033]);
    } finally {
      await demo.close();
    }
  });
});

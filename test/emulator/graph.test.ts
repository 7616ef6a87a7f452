import assert from 'node:assert/strict';
import type { Emulator } from '../../emulator/index';
import {
  FOREIGN_WRITER,
  graphOrg,
  NO_PERMISSION,
  OWNED_BY,
  READ_ALL,
  secretOfCaller,
  target,
  WRITE_ALL,
} from './graph-fixture';
import { call, graphToken, start } from './helpers';

type Json = Record<string, unknown>;

describe('emulator: Microsoft Graph', () => {
  let emulator: Emulator;
  const tokens = new Map<string, string>();

  beforeEach(async () => {
    emulator = await start(graphOrg(), {
      throttling: {
        writesPerWindow: 5,
        writeWindowMs: 150_000,
        keyCredentialReadsPerWindow: 3,
        keyCredentialWindowMs: 60_000,
      },
    });
    tokens.clear();
  });
  afterEach(() => emulator.close());

  const as = async (caller: typeof OWNED_BY) => {
    let token = tokens.get(caller.appId);
    if (!token) {
      token = await graphToken(emulator, caller, secretOfCaller(caller));
      tokens.set(caller.appId, token);
    }
    return token;
  };
  const graph = async <T = Json>(
    caller: typeof OWNED_BY,
    path: string,
    init: { method?: string; body?: unknown } = {},
  ) =>
    call<T>(`${emulator.urls.graph}/v1.0${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${await as(caller)}`,
        'content-type': 'application/json',
        'client-request-id': 'test-request',
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });

  it('gets an application by object id and by appId, with $select honoured and secretText null', async () => {
    const t1 = target(1);
    const byId = await graph(READ_ALL, `/applications/${t1.objectId}?$select=id,appId,passwordCredentials`);
    assert.equal(byId.status, 200);
    assert.deepEqual(Object.keys(byId.body).sort(), ['@odata.context', 'appId', 'id', 'passwordCredentials']);
    assert.equal(
      byId.body['@odata.context'],
      `${emulator.urls.graph}/v1.0/$metadata#applications(id,appId,passwordCredentials)/$entity`,
    );
    const [password] = byId.body['passwordCredentials'] as Json[];
    assert.deepEqual(Object.keys(password!).sort(), [
      'customKeyIdentifier',
      'displayName',
      'endDateTime',
      'hint',
      'keyId',
      'secretText',
      'startDateTime',
    ]);
    assert.equal(password!['secretText'], null);
    assert.equal(
      password!['hint'],
      emulator.state.application(t1.appId)!.passwordCredentials[0]!.secretText.slice(0, 3),
    );
    const byAppId = await graph(READ_ALL, `/applications(appId='${t1.appId}')?$select=displayName`);
    assert.deepEqual(byAppId.body['displayName'], 'target-1');
    assert.ok(byId.headers.get('request-id'));
    assert.equal(byId.headers.get('client-request-id'), 'test-request');
    assert.equal((await graph(READ_ALL, `/applications/${t1.objectId}?$select=nope`)).status, 400);
  });

  it('filters with appId eq and appId in, and pages with $top and @odata.nextLink', async () => {
    const eq = await graph<{ value: Json[] }>(
      READ_ALL,
      `/applications?$filter=appId eq '${target(3).appId}'&$select=displayName`,
    );
    assert.deepEqual(
      eq.body.value.map((a) => a['displayName']),
      ['target-3'],
    );
    const inList = await graph<{ value: Json[] }>(
      READ_ALL,
      `/applications?$filter=appId in ('${target(1).appId}','${target(7).appId}','${target(6).appId}')&$select=displayName`,
    );
    assert.deepEqual(
      inList.body.value.map((a) => a['displayName']),
      ['target-1', 'target-6'],
      'target-7 lives in another tenant',
    );
    const names: unknown[] = [];
    let next: string | undefined = `${emulator.urls.graph}/v1.0/applications?$select=displayName&$top=5`;
    let pages = 0;
    while (next) {
      const page: { body: { value: Json[]; '@odata.nextLink'?: string } } = await call(next, {
        headers: { authorization: `Bearer ${await as(READ_ALL)}` },
      });
      names.push(...page.body.value.map((a) => a['displayName']));
      next = page.body['@odata.nextLink'];
      pages += 1;
    }
    assert.equal(pages, 3);
    assert.equal(names.length, 11, 'five callers and six targets in this tenant');
    assert.equal((await graph(READ_ALL, '/applications?$top=1000')).status, 400);
    assert.equal((await graph(READ_ALL, "/applications?$filter=tags/any(t:t eq 'x')")).status, 400);
  });

  it('lists only owned apps to an Application.ReadWrite.OwnedBy caller', async () => {
    const listed = await graph<{ value: Json[] }>(OWNED_BY, '/applications?$select=displayName');
    assert.deepEqual(
      listed.body.value.map((a) => a['displayName']),
      ['target-1', 'target-2', 'target-3', 'target-4', 'target-5', 'target-8'],
    );
  });

  it('authorizes by permission, ownership and tenant', async () => {
    const notOwned = target(6);
    const foreign = target(7);
    assert.equal((await graph(OWNED_BY, `/applications/${target(1).objectId}`)).status, 200);
    const denied = await graph(OWNED_BY, `/applications/${notOwned.objectId}`);
    assert.equal(denied.status, 403);
    assert.deepEqual((denied.body['error'] as Json)['code'], 'Authorization_RequestDenied');
    assert.equal(
      (denied.body['error'] as Json)['message'],
      'Insufficient privileges to complete the operation.',
    );
    assert.deepEqual(Object.keys((denied.body['error'] as Json)['innerError'] as Json).sort(), [
      'client-request-id',
      'date',
      'request-id',
    ]);
    assert.equal((await graph(NO_PERMISSION, `/applications/${target(1).objectId}`)).status, 403);
    assert.equal(
      (await graph(READ_ALL, `/applications/${target(1).objectId}/addPassword`, { method: 'POST', body: {} }))
        .status,
      403,
    );
    const hidden = await graph(WRITE_ALL, `/applications/${foreign.objectId}`);
    assert.equal(hidden.status, 404);
    assert.equal((hidden.body['error'] as Json)['code'], 'Request_ResourceNotFound');
    assert.equal((await graph(FOREIGN_WRITER, `/applications/${foreign.objectId}`)).status, 200);
    const anonymous = await call(`${emulator.urls.graph}/v1.0/applications/${target(1).objectId}`);
    assert.equal(anonymous.status, 401);
    assert.equal((anonymous.body['error'] as Json)['code'], 'InvalidAuthenticationToken');
  });

  it('adds a password (secretText once, 40 characters, two-year default) and removes it (204, then 404)', async () => {
    const t1 = target(1);
    const added = await graph(OWNED_BY, `/applications(appId='${t1.appId}')/addPassword`, {
      method: 'POST',
      body: { passwordCredential: { displayName: 'sc-rotator test' } },
    });
    assert.equal(added.status, 200);
    const secret = String(added.body['secretText']);
    assert.equal(secret.length, 40);
    assert.equal(added.body['hint'], secret.slice(0, 3));
    assert.equal(added.body['customKeyIdentifier'], null);
    const years =
      (Date.parse(String(added.body['endDateTime'])) - Date.parse(String(added.body['startDateTime']))) /
      86_400_000;
    assert.equal(years, 730);
    const keyId = String(added.body['keyId']);
    const read = await graph(OWNED_BY, `/applications/${t1.objectId}?$select=passwordCredentials`);
    assert.doesNotMatch(read.text, new RegExp(secret.replace(/[.*+?^${}()|[\]\\~]/g, '\\$&')));
    assert.equal((read.body['passwordCredentials'] as Json[]).length, 2);
    const removed = await graph(OWNED_BY, `/applications/${t1.objectId}/removePassword`, {
      method: 'POST',
      body: { keyId },
    });
    assert.equal(removed.status, 204);
    assert.equal(
      (
        await graph(OWNED_BY, `/applications/${t1.objectId}/removePassword`, {
          method: 'POST',
          body: { keyId },
        })
      ).status,
      404,
    );
    const explicit = await graph(WRITE_ALL, `/applications/${target(6).objectId}/addPassword`, {
      method: 'POST',
      body: { passwordCredential: { endDateTime: '2099-01-01T00:00:00Z' } },
    });
    assert.equal(explicit.body['endDateTime'], '2099-01-01T00:00:00.000Z');
  });

  it('lists and creates federated identity credentials (unique issuer and subject, at most 20)', async () => {
    const t3 = target(3);
    const path = `/applications(appId='${t3.appId}')/federatedIdentityCredentials`;
    const fic = (n: number) => ({
      name: `fic-${n}`,
      issuer: 'https://vstoken.dev.azure.com/x',
      subject: `sc://org/p/c${n}`,
      audiences: ['api://AzureADTokenExchange'],
    });
    const created = await graph(OWNED_BY, path, { method: 'POST', body: fic(0) });
    assert.equal(created.status, 201);
    assert.deepEqual(Object.keys(created.body).sort(), [
      '@odata.context',
      'audiences',
      'description',
      'id',
      'issuer',
      'name',
      'subject',
    ]);
    assert.equal(
      (await graph(OWNED_BY, path, { method: 'POST', body: { ...fic(0), name: 'other' } })).status,
      400,
    );
    for (let n = 1; n <= 20; n += 1) {
      emulator.clock.advance(30_000); // this suite's write quota is 5 per 150 s
      assert.equal(
        (await graph(WRITE_ALL, path, { method: 'POST', body: fic(n) })).status,
        n < 20 ? 201 : 400,
      );
    }
    const listed = await graph<{ value: Json[] }>(READ_ALL, path);
    assert.equal(listed.body.value.length, 20);
  });

  it('reads a service principal with $select=accountEnabled', async () => {
    const disabled = await graph(
      READ_ALL,
      `/servicePrincipals(appId='${target(2).appId}')?$select=accountEnabled,appId`,
    );
    assert.deepEqual(disabled.body['accountEnabled'], false);
    assert.deepEqual(Object.keys(disabled.body).sort(), ['@odata.context', 'accountEnabled', 'appId']);
    assert.equal((await graph(READ_ALL, `/servicePrincipals(appId='${target(7).appId}')`)).status, 404);
  });

  describe('GET /servicePrincipals', () => {
    // Targets 2 (owned by OWNED_BY), 6 (not owned) and 7 (other tenant) disabled.
    const disabledOrg = () => {
      const org = graphOrg();
      return {
        ...org,
        applications: (org.applications ?? []).map((app) =>
          [target(2).appId, target(6).appId, target(7).appId].includes(app.appId)
            ? {
                ...app,
                servicePrincipal: { objectId: app.servicePrincipal!.objectId, accountEnabled: false },
              }
            : app,
        ),
      };
    };
    const DISABLED = `/servicePrincipals?$filter=${encodeURIComponent('accountEnabled eq false')}`;
    const appIds = (body: { value: Json[] }) => body.value.map((sp) => sp['appId']);

    beforeEach(async () => {
      await emulator.close();
      emulator = await start(disabledOrg());
      tokens.clear();
    });

    it('filters on accountEnabled eq false and eq true, with $select', async () => {
      const disabled = await graph<{ value: Json[] }>(
        READ_ALL,
        `${DISABLED}&$select=id,appId,accountEnabled`,
      );
      assert.equal(disabled.status, 200);
      assert.deepEqual(
        appIds(disabled.body),
        [target(2).appId, target(6).appId],
        'target-7 is in another tenant',
      );
      assert.deepEqual(disabled.body.value[0], {
        id: target(2).servicePrincipal!.objectId,
        appId: target(2).appId,
        accountEnabled: false,
      });
      assert.equal(
        (disabled.body as Json)['@odata.context'],
        `${emulator.urls.graph}/v1.0/$metadata#servicePrincipals(id,appId,accountEnabled)`,
      );
      assert.equal((disabled.body as Json)['@odata.nextLink'], undefined);
      const enabled = await graph<{ value: Json[] }>(
        READ_ALL,
        `/servicePrincipals?$filter=accountEnabled eq true&$select=appId,accountEnabled&$top=999`,
      );
      assert.equal(enabled.body.value.length, 9, 'eleven apps in this tenant, two disabled');
      assert.ok(enabled.body.value.every((sp) => sp['accountEnabled'] === true));
      const all = await graph<{ value: Json[] }>(READ_ALL, '/servicePrincipals?$select=appId');
      assert.equal(all.body.value.length, 11);
      assert.deepEqual(
        emulator
          .requests()
          .slice(-3)
          .map((r) => `${r.operation} ${r.status}`),
        Array(3).fill('graph.servicePrincipals.list 200'),
      );
    });

    it('pages with $top and @odata.nextLink, keeping the filter', async () => {
      const seen: unknown[] = [];
      let next: string | undefined = `${emulator.urls.graph}/v1.0${DISABLED}&$select=appId&$top=1`;
      let pages = 0;
      while (next) {
        const page: { status: number; body: { value: Json[]; '@odata.nextLink'?: string } } = await call(
          next,
          {
            headers: { authorization: `Bearer ${await as(READ_ALL)}` },
          },
        );
        assert.equal(page.status, 200);
        assert.equal(page.body.value.length, 1);
        seen.push(...appIds(page.body));
        next = page.body['@odata.nextLink'];
        pages += 1;
      }
      assert.equal(pages, 2);
      assert.deepEqual(seen, [target(2).appId, target(6).appId]);
      assert.equal((await graph(READ_ALL, '/servicePrincipals?$top=1000')).status, 400);
      assert.equal((await graph(READ_ALL, '/servicePrincipals?$skiptoken=nope')).status, 400);
      assert.equal((await graph(READ_ALL, '/servicePrincipals?$select=nope')).status, 400);
    });

    it('shows only what the caller may read: its tenant, and owned apps for OwnedBy', async () => {
      const owned = await graph<{ value: Json[] }>(OWNED_BY, DISABLED);
      assert.deepEqual(appIds(owned.body), [target(2).appId], 'target-6 is not owned');
      const writer = await graph<{ value: Json[] }>(WRITE_ALL, DISABLED);
      assert.deepEqual(appIds(writer.body), [target(2).appId, target(6).appId]);
      const foreign = await graph<{ value: Json[] }>(FOREIGN_WRITER, DISABLED);
      assert.deepEqual(appIds(foreign.body), [target(7).appId]);
      const denied = await graph(NO_PERMISSION, DISABLED);
      assert.equal(denied.status, 403);
      assert.equal((denied.body['error'] as Json)['code'], 'Authorization_RequestDenied');
      assert.equal((await call(`${emulator.urls.graph}/v1.0${DISABLED}`)).status, 401);
    });

    it('rejects other filters with 400 Request_UnsupportedQuery', async () => {
      for (const filter of [
        `appId eq '${target(1).appId}'`,
        'accountEnabled eq 1',
        'accountEnabled ne false',
        "startswith(displayName,'target')",
      ]) {
        const response = await graph(READ_ALL, `/servicePrincipals?$filter=${encodeURIComponent(filter)}`);
        assert.equal(response.status, 400, filter);
        const error = response.body['error'] as Json;
        assert.equal(error['code'], 'Request_UnsupportedQuery');
        assert.ok(String(error['message']).includes(filter), filter);
      }
    });

    it('works inside $batch with a relative url', async () => {
      const response = await graph<{ responses: Json[] }>(WRITE_ALL, '/$batch', {
        method: 'POST',
        body: {
          requests: [
            { id: '1', method: 'GET', url: `${DISABLED}&$select=appId&$top=1` },
            { id: '2', method: 'GET', url: "/servicePrincipals?$filter=appId eq 'x'" },
          ],
        },
      });
      assert.equal(response.status, 200);
      const byId = Object.fromEntries(response.body.responses.map((r) => [r['id'], r]));
      assert.equal(byId['1']!['status'], 200);
      const body = byId['1']!['body'] as { value: Json[]; '@odata.nextLink'?: string };
      assert.deepEqual(appIds(body), [target(2).appId]);
      assert.ok(body['@odata.nextLink']?.startsWith(`${emulator.urls.graph}/v1.0/servicePrincipals?`));
      assert.equal(byId['2']!['status'], 400);
      const outer = emulator.requests().find((r) => r.operation === 'graph.batch')!;
      assert.deepEqual(
        emulator
          .requests()
          .filter((r) => r.batchSeq === outer.seq)
          .map((r) => r.operation),
        ['graph.servicePrincipals.list', 'graph.servicePrincipals.list'],
      );
    });
  });

  it('limits writes per caller and tenant with 429, Retry-After and x-ms-throttle-scope; the clock refills', async () => {
    const path = `/applications/${target(4).objectId}/addPassword`;
    for (let i = 0; i < 5; i += 1)
      assert.equal((await graph(OWNED_BY, path, { method: 'POST', body: {} })).status, 200);
    const throttled = await graph(OWNED_BY, path, { method: 'POST', body: {} });
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('retry-after'), '30');
    assert.equal(
      throttled.headers.get('x-ms-throttle-scope'),
      `Tenant_Application/Write/${OWNED_BY.appId}/${OWNED_BY.tenantId}`,
    );
    assert.equal(
      (await graph(WRITE_ALL, path, { method: 'POST', body: {} })).status,
      200,
      'another caller has its own quota',
    );
    assert.equal(
      (await graph(OWNED_BY, `/applications/${target(4).objectId}`)).status,
      200,
      'reads are not writes',
    );
    emulator.clock.advance(30_000);
    assert.equal((await graph(OWNED_BY, path, { method: 'POST', body: {} })).status, 200);
  });

  it('limits $select=keyCredentials to its own per-tenant quota', async () => {
    const path = `/applications/${target(8).objectId}?$select=id,keyCredentials`;
    const first = await graph(READ_ALL, path);
    assert.equal(first.status, 200);
    const [key] = first.body['keyCredentials'] as Json[];
    assert.equal(key!['type'], 'AsymmetricX509Cert');
    assert.equal(typeof key!['customKeyIdentifier'], 'string');
    await graph(READ_ALL, path);
    await graph(READ_ALL, path);
    const throttled = await graph(READ_ALL, path);
    assert.equal(throttled.status, 429);
    assert.ok(Number(throttled.headers.get('retry-after')) >= 1);
    assert.equal(
      (await graph(READ_ALL, `/applications/${target(8).objectId}?$select=id,passwordCredentials`)).status,
      200,
    );
  });

  describe('$batch', () => {
    const batch = async (caller: typeof OWNED_BY, requests: unknown[]) =>
      graph<{ responses: Json[] }>(caller, '/$batch', { method: 'POST', body: { requests } });

    it('runs each request on its own, with its own status, in any order', async () => {
      const response = await batch(OWNED_BY, [
        { id: 'a', method: 'GET', url: `/applications(appId='${target(1).appId}')?$select=displayName` },
        { id: 'b', method: 'GET', url: `/applications/${target(6).objectId}` },
        { id: 'c', method: 'GET', url: `/applications/${target(7).objectId}` },
      ]);
      assert.equal(response.status, 200);
      const byId = Object.fromEntries(response.body.responses.map((r) => [r['id'], r]));
      assert.equal(byId['a']!['status'], 200);
      assert.equal((byId['a']!['body'] as Json)['displayName'], 'target-1');
      assert.equal(byId['b']!['status'], 403);
      assert.equal(byId['c']!['status'], 404);
      const logged = emulator.requests();
      const outer = logged.find((r) => r.operation === 'graph.batch')!;
      assert.deepEqual(
        logged.filter((r) => r.batchSeq === outer.seq).map((r) => `${r.operation} ${r.status}`),
        ['graph.applications.get 200', 'graph.applications.get 403', 'graph.applications.get 404'],
      );
    });

    it('rejects more than 20 requests, duplicate ids and broken dependsOn', async () => {
      const many = Array.from({ length: 21 }, (_, i) => ({
        id: String(i),
        method: 'GET',
        url: `/applications/${target(1).objectId}`,
      }));
      const tooMany = await batch(READ_ALL, many);
      assert.equal(tooMany.status, 400);
      assert.equal((await batch(READ_ALL, many.slice(0, 20))).status, 200);
      const duplicate = await batch(READ_ALL, [many[0], many[0]]);
      assert.equal(duplicate.status, 400);
      const url = `/applications/${target(1).objectId}`;
      const cycle = await batch(READ_ALL, [
        { id: 'a', method: 'GET', url, dependsOn: ['b'] },
        { id: 'b', method: 'GET', url, dependsOn: ['a'] },
      ]);
      assert.equal(cycle.status, 400);
      assert.equal((await batch(READ_ALL, [{ id: 'a', method: 'GET', url, dependsOn: ['z'] }])).status, 400);
    });

    it('answers 424 to a request whose dependency failed, and throttles items one by one', async () => {
      const t5 = target(5).objectId;
      const response = await batch(OWNED_BY, [
        { id: '1', method: 'GET', url: `/applications/${target(6).objectId}` },
        {
          id: '2',
          method: 'POST',
          url: `/applications/${t5}/addPassword`,
          headers: { 'content-type': 'application/json' },
          body: {},
          dependsOn: ['1'],
        },
      ]);
      const byId = Object.fromEntries(response.body.responses.map((r) => [r['id'], r['status']]));
      assert.deepEqual(byId, { '1': 403, '2': 424 });
      const writes = Array.from({ length: 7 }, (_, i) => ({
        id: `w${i}`,
        method: 'POST',
        url: `/applications/${t5}/addPassword`,
        headers: { 'content-type': 'application/json' },
        body: {},
      }));
      const throttled = await batch(OWNED_BY, writes);
      assert.equal(throttled.status, 200);
      const statuses = throttled.body.responses.map((r) => r['status']).sort();
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
      const limited = throttled.body.responses.find((r) => r['status'] === 429)!;
      assert.ok((limited['headers'] as Json)['retry-after']);
    });
  });
});

import assert from 'node:assert/strict';
import { staticTokenProvider } from '../../../lib/auth/token-provider';
import { HttpError } from '../../../lib/errors';
import { GraphClient } from '../../../lib/graph/graph-client';
import { WritePacer } from '../../../lib/http/write-pacer';
import { silentLogger } from '../../../lib/logger';
import { FakeClock } from '../http/fake-clock';
import { type FakeApp, FakeGraph, GRAPH } from './fake-graph';

const TENANT = 'tenant-1';

function appId(n: number): string {
  return `aaaaaaaa-0000-0000-0000-${String(n).padStart(12, '0')}`;
}

function app(n: number, passwords: FakeApp['passwordCredentials'] = []): FakeApp {
  return {
    id: `obj-${n}`,
    appId: appId(n),
    displayName: `App ${n}`,
    passwordCredentials: passwords,
    keyCredentials: [
      {
        keyId: `K-${n}`,
        displayName: 'cert',
        type: 'AsymmetricX509Cert',
        usage: 'Verify',
        endDateTime: '2027-01-01T00:00:00Z',
      },
    ],
  };
}

function setup(apps: FakeApp[], sps: Record<string, boolean> = {}, pacer?: (clock: FakeClock) => WritePacer) {
  const graph = new FakeGraph(apps, sps);
  const clock = new FakeClock();
  const client = new GraphClient({
    ...(pacer ? { pacer: pacer(clock) } : {}),
    graphUrl: GRAPH,
    tenantId: TENANT,
    tokenProvider: staticTokenProvider('graph-token'),
    clock,
    fetch: graph.fetch,
    retry: { random: () => 0.5 },
    reconcileDelayMs: 2000,
  });
  return { graph, clock, client };
}

/** A client whose Graph refuses the service principal listing with 403; warnings collected. */
function refusedListing() {
  const graph = new FakeGraph([], { [appId(1)]: false });
  const warnings: string[] = [];
  const client = new GraphClient({
    graphUrl: GRAPH,
    tenantId: TENANT,
    tokenProvider: staticTokenProvider('graph-token'),
    clock: new FakeClock(),
    fetch: graph.fetch,
    logger: { ...silentLogger, warn: (m) => warnings.push(m) },
  });
  graph.interceptor = () => ({
    status: 403,
    body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges' } },
  });
  return { graph, client, warnings };
}

const MARK = 'sc-rotator c0ffee00-0000-0000-0000-000000000001 2026-11-23T03:00:00.000Z';
const REQUEST = { displayName: MARK, endDateTime: '2027-05-22T03:00:00.000Z' };

describe('GraphClient.lookupApplications', () => {
  it('batches 20 lookups per $batch request and maps every answer', async () => {
    const apps = Array.from({ length: 45 }, (_, i) => app(i + 1));
    const { graph, client } = setup(apps.slice(0, 44));
    const ids = apps.map((a) => a.appId);
    const result = await client.lookupApplications([...ids, 'not-a-guid']);
    assert.deepEqual(graph.batchSizes, [20, 20, 5]);
    assert.equal(result.size, 46);
    const first = result.get(appId(1));
    assert.ok(first?.kind === 'found');
    assert.deepEqual(first.app, {
      objectId: 'obj-1',
      appId: appId(1),
      displayName: 'App 1',
      tenantId: TENANT,
      passwordCredentials: [],
    });
    assert.deepEqual(result.get(appId(45)), { kind: 'not_found' });
    assert.deepEqual(result.get('not-a-guid'), { kind: 'not_found' });
  });

  it('reads certificates by appId lists, only for the apps that need them', async () => {
    const { graph, client } = setup([app(1), app(2)]);
    const result = await client.lookupApplications([appId(1), appId(2)], {
      withKeyCredentials: new Set([appId(2)]),
    });
    const inner = graph.requests.filter((r) => r.path.startsWith('/applications'));
    assert.deepEqual(
      inner.map((r) => r.path),
      [
        `/applications(appId='${appId(1)}')?$select=id,appId,displayName,signInAudience,passwordCredentials&$expand=federatedIdentityCredentials`,
        `/applications(appId='${appId(2)}')?$select=id,appId,displayName,signInAudience,passwordCredentials&$expand=federatedIdentityCredentials`,
        // keyCredentials reads have a quota of 150 per minute: 15 apps per list instead of one each.
        `/applications?$filter=appId in ('${appId(2)}')&$select=appId,keyCredentials&$top=15`,
      ],
    );
    assert.deepEqual(graph.batchSizes, [3]);
    const second = result.get(appId(2));
    assert.ok(second?.kind === 'found');
    assert.equal(second.app.keyCredentials?.[0]?.keyId, 'k-2');
    const firstApp = result.get(appId(1));
    assert.ok(firstApp?.kind === 'found' && !('keyCredentials' in firstApp.app));
  });

  it("reads 16 apps' certificates with two lists; a list that fails leaves them unread, not failed", async () => {
    const apps = Array.from({ length: 16 }, (_, i) => app(i + 1));
    const { graph, client } = setup(apps);
    graph.interceptor = (request) =>
      request.path.includes(`'${appId(16)}'`) && request.path.startsWith('/applications?')
        ? { status: 500, body: {} }
        : undefined;
    const ids = apps.map((a) => a.appId);
    const result = await client.lookupApplications(ids, { withKeyCredentials: new Set(ids) });
    const lists = graph.requests.filter((r) => r.path.startsWith('/applications?'));
    // 15 + 1 appIds; the second list is asked 6 times (the retry policy's attempts).
    assert.equal(new Set(lists.map((r) => r.path)).size, 2);
    assert.equal(lists.length, 1 + 6);
    for (const n of [1, 15]) {
      const found = result.get(appId(n));
      assert.ok(found?.kind === 'found');
      assert.equal(found.app.keyCredentials?.[0]?.keyId, `k-${n}`);
    }
    const unread = result.get(appId(16));
    assert.ok(unread?.kind === 'found' && !('keyCredentials' in unread.app));
  });

  it('re-batches only the throttled items after their Retry-After', async () => {
    const { graph, clock, client } = setup([app(1), app(2), app(3)]);
    const throttled = new Map([
      [appId(2), 2],
      [appId(3), 1],
    ]);
    graph.interceptor = (request) => {
      for (const [id, left] of throttled) {
        if (request.path.includes(id) && left > 0) {
          throttled.set(id, left - 1);
          return id === appId(2)
            ? { status: 429, headers: { 'Retry-After': '3' }, body: { error: { code: 'TooManyRequests' } } }
            : { status: 503, headers: { 'Retry-After': '5' }, body: {} };
        }
      }
      return undefined;
    };
    const result = await client.lookupApplications([appId(1), appId(2), appId(3)]);
    assert.deepEqual(graph.batchSizes, [3, 2, 1]);
    assert.deepEqual(clock.sleeps, [5000, 3000]);
    assert.deepEqual(
      [...result.values()].map((r) => r.kind),
      ['found', 'found', 'found'],
    );
  });

  it('reports 403 per item as forbidden, with what to grant', async () => {
    const { graph, client } = setup([app(1)]);
    graph.interceptor = () => ({ status: 403, body: { error: { code: 'Authorization_RequestDenied' } } });
    const result = await client.lookupApplications([appId(1)]);
    assert.deepEqual(result.get(appId(1)), {
      kind: 'forbidden',
      message: `Not allowed to read application ${appId(1)} in tenant ${TENANT}. Grant the rotator identity Application.Read.All, or make its service principal an owner of app ${appId(1)} and grant Application.ReadWrite.OwnedBy.`,
    });
  });

  it('reports an item the policy gave up on as failed, with its status, and the others as found', async () => {
    const { graph, client } = setup([app(1), app(2)]);
    graph.interceptor = (request) =>
      request.path.startsWith(`/applications(appId='${appId(1)}')`) ? { status: 500, body: {} } : undefined;
    const result = await client.lookupApplications([appId(1), appId(2)]);
    assert.deepEqual(result.get(appId(1)), {
      kind: 'failed',
      message: `graph.applications.get failed: HTTP 500 (application ${appId(1)})`,
    });
    assert.equal(result.get(appId(2))?.kind, 'found');
    assert.equal(graph.batchSizes.length, 6);
  });
});

describe('GraphClient.openLookup (streaming, issue #13)', () => {
  const LIST =
    'GET /servicePrincipals?$filter=accountEnabled%20eq%20false&$select=id,appId,accountEnabled&$top=999';

  it('answers one app as soon as its batch is back, before finish; nothing for an appId not added', async () => {
    const apps = Array.from({ length: 21 }, (_, i) =>
      app(i + 1, [
        {
          keyId: `k${i + 1}`,
          displayName: null,
          startDateTime: null,
          endDateTime: '2027-06-01T00:00:00Z',
          hint: null,
        },
      ]),
    );
    const { graph, client } = setup(apps);
    const session = client.openLookup();
    session.add(apps.slice(0, 20).map((a) => a.appId));
    assert.equal(session.answered?.(apps[20]!.appId), undefined);
    const first = await session.answered?.(apps[0]!.appId);
    // The full batch left on its own: the 21st app is not sent until more arrive or finish.
    assert.deepEqual(graph.batchSizes, [20]);
    assert.equal(first?.kind, 'found');
    assert.equal(first?.kind === 'found' ? first.app.passwordCredentials[0]?.keyId : null, 'k1');
    session.add([apps[20]!.appId]);
    const all = await session.finish();
    assert.deepEqual(graph.batchSizes, [20, 1]);
    assert.deepEqual(all.get(apps[0]!.appId), first);
  });

  it('lists the disabled service principals once per session, however often asked', async () => {
    const { graph, client } = setup([], { [appId(1)]: false, [appId(2)]: true });
    const session = client.openLookup();
    const [a, b] = await Promise.all([
      session.disabledServicePrincipals?.(),
      session.disabledServicePrincipals?.(),
    ]);
    assert.deepEqual([...(a ?? [])], [appId(1)]);
    assert.equal(a, b);
    assert.deepEqual(
      graph.requests.map((r) => `${r.method} ${r.path}`),
      [LIST],
    );
  });

  it('answers null, saying why, when the listing fails', async () => {
    const { client, warnings } = refusedListing();
    assert.equal(await client.openLookup().disabledServicePrincipals?.(), null);
    assert.equal(warnings.length, 1);
  });
});

describe('GraphClient.servicePrincipalsEnabled', () => {
  const LIST =
    'GET /servicePrincipals?$filter=accountEnabled%20eq%20false&$select=id,appId,accountEnabled&$top=999';

  it('lists the disabled service principals once: false for those, null for the rest', async () => {
    const { graph, client } = setup([], { [appId(1)]: true, [appId(2)]: false, [appId(4)]: false });
    const result = await client.servicePrincipalsEnabled([
      appId(1),
      appId(2),
      appId(3),
      appId(2).toUpperCase(),
    ]);
    assert.deepEqual(
      [...result.entries()],
      [
        [appId(1), null],
        [appId(2), false],
        [appId(3), null],
        [appId(2).toUpperCase(), false],
      ],
    );
    assert.deepEqual(
      graph.requests.map((r) => `${r.method} ${r.path}`),
      [LIST],
    );
  });

  it('follows @odata.nextLink to the last page', async () => {
    const disabled = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [appId(i + 1), false]));
    const { graph, client } = setup([], { ...disabled, [appId(6)]: true });
    graph.servicePrincipalPageSize = 2;
    const result = await client.servicePrincipalsEnabled([appId(1), appId(5), appId(6)]);
    assert.deepEqual(
      [...result.entries()],
      [
        [appId(1), false],
        [appId(5), false],
        [appId(6), null],
      ],
    );
    assert.equal(graph.requests.length, 3);
    assert.deepEqual(
      graph.requests.slice(1).map((r) => new URLSearchParams(r.path.split('?')[1]).get('$skiptoken')),
      ['2', '4'],
    );
  });

  it('sends nothing for no appIds', async () => {
    const { graph, client } = setup([], { [appId(1)]: false });
    assert.equal((await client.servicePrincipalsEnabled([])).size, 0);
    assert.equal(graph.requests.length, 0);
  });

  it('leaves every appId null, saying why, when the listing fails', async () => {
    const { graph, client, warnings } = refusedListing();
    const result = await client.servicePrincipalsEnabled([appId(1), appId(2)]);
    assert.deepEqual(
      [...result.entries()],
      [
        [appId(1), null],
        [appId(2), null],
      ],
    );
    assert.equal(graph.requests.length, 1, 'a 403 is not retried');
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]!,
      /^Listing the disabled service principals of tenant tenant-1 failed; .*graph\.forbidden/,
    );
    assert.match(warnings[0]!, /Application\.Read\.All/);
  });
});

describe('GraphClient passwords', () => {
  it('mints a password and returns its secret once', async () => {
    const { graph, client } = setup([app(1)]);
    const minted = await client.addPassword('obj-1', REQUEST);
    assert.equal(minted.displayName, MARK);
    assert.equal(minted.secretText, `secret-${minted.keyId}`);
    assert.deepEqual(
      graph.requests.map((r) => `${r.method} ${r.path}`),
      ['POST /applications/obj-1/addPassword'],
    );
    assert.deepEqual(graph.requests[0]?.body, { passwordCredential: REQUEST });
  });

  it('retries a 429 refusal of addPassword (nothing was created)', async () => {
    const { graph, clock, client } = setup([app(1)]);
    let refusals = 1;
    graph.interceptor = (r) =>
      r.path.endsWith('/addPassword') && refusals-- > 0
        ? { status: 429, headers: { 'Retry-After': '4' } }
        : undefined;
    await client.addPassword('obj-1', REQUEST);
    assert.deepEqual(clock.sleeps, [4000]);
    assert.equal(graph.apps[0]!.passwordCredentials.length, 1);
  });

  it('retries a concurrency-violation refusal whatever its status', async () => {
    const { graph, client } = setup([app(1)]);
    let refusals = 1;
    graph.interceptor = (r) =>
      r.path.endsWith('/addPassword') && refusals-- > 0
        ? { status: 409, body: { error: { code: 'Directory_ConcurrencyViolation' } } }
        : undefined;
    await client.addPassword('obj-1', REQUEST);
    assert.equal(graph.requests.filter((r) => r.path.endsWith('/addPassword')).length, 2);
    assert.equal(graph.apps[0]!.passwordCredentials.length, 1);
  });

  it('reconciles a lost answer: removes the password it created and mints once more, leaving one', async () => {
    const { graph, clock, client } = setup([
      app(1, [
        { keyId: 'other', displayName: 'someone else', startDateTime: null, endDateTime: null, hint: null },
      ]),
    ]);
    let lost = 1;
    graph.interceptor = (r) =>
      r.path.endsWith('/addPassword') && lost-- > 0 ? 'after-effect-reset' : undefined;
    const minted = await client.addPassword('obj-1', REQUEST);
    assert.deepEqual(
      graph.requests.map((r) => `${r.method} ${r.path}`),
      [
        'POST /applications/obj-1/addPassword',
        'GET /applications/obj-1?$select=id,passwordCredentials',
        'POST /applications/obj-1/removePassword',
        'POST /applications/obj-1/addPassword',
      ],
    );
    assert.deepEqual(graph.requests[2]?.body, { keyId: '00000000-0000-0000-0000-000000000001' });
    assert.deepEqual(clock.sleeps, [2000]);
    const ours = graph.apps[0]!.passwordCredentials.filter((p) => p.displayName === MARK);
    assert.deepEqual(
      ours.map((p) => p.keyId),
      [minted.keyId],
    );
    assert.equal(graph.apps[0]!.passwordCredentials.length, 2);
  });

  it('mints again without removing anything when the failed request created nothing', async () => {
    const { graph, client } = setup([app(1)]);
    let failures = 1;
    graph.interceptor = (r) =>
      r.path.endsWith('/addPassword') && failures-- > 0
        ? { status: 500, body: { error: { code: 'InternalServerError' } } }
        : undefined;
    await client.addPassword('obj-1', REQUEST);
    assert.deepEqual(
      graph.requests.map((r) => `${r.method} ${r.path}`),
      [
        'POST /applications/obj-1/addPassword',
        'GET /applications/obj-1?$select=id,passwordCredentials',
        'POST /applications/obj-1/addPassword',
      ],
    );
    assert.equal(graph.apps[0]!.passwordCredentials.length, 1);
  });

  it('gives up with graph.ambiguous_write when every answer is lost, leaving no stray password', async () => {
    const { graph, client } = setup([app(1)]);
    graph.interceptor = (r) =>
      r.path.endsWith('/addPassword') ? { status: 502, afterEffect: true } : undefined;
    const error = await client.addPassword('obj-1', REQUEST).catch((e) => e);
    assert.ok(error instanceof HttpError);
    assert.equal(error.code, 'graph.ambiguous_write');
    assert.equal(graph.requests.filter((r) => r.path.endsWith('/addPassword')).length, 4);
    assert.equal(graph.requests.filter((r) => r.path.endsWith('/removePassword')).length, 4);
    assert.deepEqual(graph.apps[0]!.passwordCredentials, []);
  });

  it('reports 403 as graph.forbidden naming the app and what to grant, without retrying', async () => {
    const { graph, client } = setup([app(1)]);
    graph.interceptor = () => ({ status: 403, body: { error: { code: 'Authorization_RequestDenied' } } });
    const error = await client.addPassword('obj-1', REQUEST).catch((e) => e);
    assert.equal(error.code, 'graph.forbidden');
    assert.equal(
      error.fix,
      "Make the rotator's service principal an owner of the application with object id obj-1 and grant it Application.ReadWrite.OwnedBy (or grant Application.ReadWrite.All).",
    );
    assert.equal(graph.requests.length, 1);
  });

  it('removes a password; an already removed one counts as done', async () => {
    const { graph, client } = setup([
      app(1, [{ keyId: 'k1', displayName: 'x', startDateTime: null, endDateTime: null, hint: null }]),
    ]);
    await client.removePassword('obj-1', 'k1');
    await client.removePassword('obj-1', 'k1');
    assert.deepEqual(graph.apps[0]!.passwordCredentials, []);
    assert.equal(graph.requests.length, 2);
  });

  it('lists passwords without secret text', async () => {
    const { client } = setup([
      app(1, [
        {
          keyId: 'K1',
          displayName: 'x',
          startDateTime: 's',
          endDateTime: 'e',
          hint: 'h',
          secretText: 'nope',
        },
      ]),
    ]);
    assert.deepEqual(await client.listPasswords('obj-1'), [
      { keyId: 'k1', displayName: 'x', startDateTime: 's', endDateTime: 'e', hint: 'h' },
    ]);
  });

  it('paces every write through the tenant bucket', async () => {
    const { clock, client } = setup(
      [app(1)],
      {},
      (c) => new WritePacer({ capacity: 1, windowMs: 1000, clock: c }),
    );
    const first = await client.addPassword('obj-1', REQUEST);
    await client.removePassword('obj-1', first.keyId);
    assert.deepEqual(clock.sleeps, [1000]);
  });

  it('follows @odata.nextLink when listing federated credentials', async () => {
    const { graph, client } = setup([app(1)]);
    const list = await client.listFederatedCredentials('obj-1');
    assert.deepEqual(
      list.map((f) => f.subject),
      ['sc://org/project/conn-1', 'sc://org/project/conn-2'],
    );
    assert.equal(graph.requests.length, 2);
  });
});

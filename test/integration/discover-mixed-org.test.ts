/**
 * Issue #3: discovery through the clients `connect()` wires (azure-devops-node-api, Graph over
 * fetch, msal-node) against the emulator, on an organization with every kind of connection and
 * more than 100 projects: the exact inventory, the exact request budget, and the same inventory
 * through bursts of 429 and 503.
 */
import assert from 'node:assert/strict';
import { type Emulator, startEmulator } from '../../emulator';
import type { Inventory } from '../../lib';
import { FakeClock } from '../unit/http/fake-clock';
import { emulatorRotator, ops } from './adapters-harness';
import {
  expectedReports,
  FOUND_APPS,
  LOOKED_UP_APPS,
  MIXED_JOB_TOKEN,
  MIXED_PROJECT_COUNT,
  MIXED_ROTATOR_APP,
  MIXED_ROTATOR_SECRET,
  MIXED_START,
  MIXED_TENANT,
  mixedOrg,
  mixedProjectId,
  mixedProjectName,
} from './mixed-org';

const THRESHOLDS = { warningDays: 30, failureDays: 7 };

describe('discover() with the real clients against a mixed organization of 105 projects', () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator({
      org: mixedOrg(),
      caDir: process.env['SCR_EMULATOR_CA_DIR'],
      startTime: MIXED_START,
    });
  });
  after(async () => {
    await emulator?.close();
  });
  beforeEach(() => {
    emulator.faults.clear();
    emulator.clearRequests();
  });

  /** A fresh rotator (no cached token) and discovery as the task runs it, "now" = emulator start. */
  async function discoverAll(
    clock = new FakeClock(MIXED_START.getTime()),
    projects = '*',
  ): Promise<Inventory> {
    const identity = {
      tenantId: MIXED_TENANT,
      appId: MIXED_ROTATOR_APP,
      clientSecret: MIXED_ROTATOR_SECRET,
      jobToken: MIXED_JOB_TOKEN,
    };
    return emulatorRotator(emulator, identity, { projects, ...THRESHOLDS, clock }).discover();
  }

  it('stops when its signal is aborted: no request after the abort but those already in flight, and no inventory', async () => {
    const identity = {
      tenantId: MIXED_TENANT,
      appId: MIXED_ROTATOR_APP,
      clientSecret: MIXED_ROTATOR_SECRET,
      jobToken: MIXED_JOB_TOKEN,
    };
    const rotator = emulatorRotator(emulator, identity, {
      ...THRESHOLDS,
      clock: new FakeClock(MIXED_START.getTime()),
    });
    const controller = new AbortController();
    let sentAtAbort = 0;
    const discovery = rotator.discover({
      projects: '*',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'connections' && p.done === 10 && !controller.signal.aborted) {
          sentAtAbort = emulator.requests().length;
          controller.abort(new Error('cancelled by the test'));
        }
      },
    });
    await assert.rejects(discovery);
    const lists = ops(emulator, 'devops.endpoints.list').length;
    assert.ok(lists < MIXED_PROJECT_COUNT, `${lists} of ${MIXED_PROJECT_COUNT} projects listed`);
    // What was in flight at the abort may finish (limiter width 8); nothing new starts.
    assert.ok(emulator.requests().length <= sentAtAbort + 8, 'nothing new started after the abort');
  });

  it('reports every AzureRM connection exactly: status, days left, attribution, candidates, problem, projects', async () => {
    const inventory = await discoverAll();

    assert.equal(inventory.evaluatedAt, MIXED_START.toISOString());
    assert.deepEqual(inventory.thresholds, THRESHOLDS);
    assert.deepEqual(
      inventory.projects,
      Array.from({ length: MIXED_PROJECT_COUNT }, (_, n) => ({
        id: mixedProjectId(n),
        name: mixedProjectName(n),
      })),
    );
    const expected = expectedReports();
    assert.deepEqual(
      inventory.connections.map((c) => c.name),
      expected.map((c) => c.name),
      'one report per AzureRM connection id, sorted by name; the Generic connection is not there',
    );
    for (const [i, report] of inventory.connections.entries()) {
      const want = expected[i]!;
      const { problemCode, actionRequired, ...fields } = want;
      const { problem, ...actual } = report;
      assert.deepEqual(actual, fields, `report of ${want.name}`);
      assert.equal(problem?.code ?? null, problemCode, `problem of ${want.name}`);
      if (problem) {
        assert.equal(problem.actionRequired, actionRequired, `actionRequired of ${want.name}`);
        assert.ok(problem.message.includes(`"${want.name}"`), `the problem of ${want.name} names it`);
        assert.ok(problem.fix.length > 0);
      }
    }
    // Every app found is in the inventory with its passwords (the planner needs them all).
    assert.equal(Object.keys(inventory.applications).length, FOUND_APPS);
  });

  it('spends one connection list per project, two project pages, ceil(apps / 20) Graph batches and one SP listing', async () => {
    await discoverAll();
    const log = emulator.requests();

    // Projects: 105 → pages of 100 at $skip 0 and 100.
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
    // Exactly one list per project in scope, each project once.
    const lists = ops(emulator, 'devops.endpoints.list');
    assert.equal(lists.length, MIXED_PROJECT_COUNT);
    assert.deepEqual(
      lists.map((e) => e.path.split('/')[2]).sort(),
      Array.from({ length: MIXED_PROJECT_COUNT }, (_, n) => mixedProjectId(n)).sort(),
    );
    assert.ok(lists.every((e) => e.status === 200 && /type=azurerm/.test(e.path)));
    assert.ok(lists.every((e) => /includeFailed=true/.test(e.path)));
    // No other Azure DevOps call than location discovery, projects and lists.
    assert.deepEqual([...new Set(log.filter((e) => e.service === 'devops').map((e) => e.operation))].sort(), [
      'devops.endpoints.list',
      'devops.location',
      'devops.projects.list',
    ]);

    // Graph: 38 apps looked up (the WIF one with its federated credentials expanded, no extra
    // read) → ceil(38 / 20) = 2 batches; the 37 found → one listing of the
    // tenant's disabled service principals (one page: the org has one), not a read per app.
    assert.equal(LOOKED_UP_APPS, 38);
    const batches = ops(emulator, 'graph.batch');
    assert.equal(batches.length, Math.ceil(LOOKED_UP_APPS / 20));
    assert.equal(batches.length, 2);
    const inner = log.filter((e) => e.batchSeq !== undefined);
    assert.equal(inner.filter((e) => e.operation === 'graph.applications.get').length, LOOKED_UP_APPS);
    assert.equal(log.filter((e) => e.operation === 'graph.servicePrincipals.get').length, 0);
    const listings = ops(emulator, 'graph.servicePrincipals.list');
    assert.deepEqual(
      listings.map((e) => [e.status, e.batchSeq, decodeURIComponent(e.path)]),
      [
        [
          200,
          undefined,
          '/v1.0/servicePrincipals?$filter=accountEnabled eq false&$select=id,appId,accountEnabled&$top=999',
        ],
      ],
    );
    // Only the certificate connection's app is read with keyCredentials (that $select is throttled).
    assert.equal(inner.filter((e) => /keyCredentials/.test(decodeURIComponent(e.path))).length, 1);
    // Nothing else outside $batch, no write anywhere, one token for the rotator. The listing of
    // disabled service principals leaves with the first project's apps, before the batches fill.
    assert.deepEqual(
      log.filter((e) => e.service === 'graph' && e.batchSeq === undefined).map((e) => e.operation),
      ['graph.servicePrincipals.list', 'graph.batch', 'graph.batch'],
    );
    assert.equal(log.filter((e) => e.write).length, 0);
    assert.equal(ops(emulator, 'entra.token').length, 1);
  });

  it('sends Graph batches while the connection lists still arrive, every batch full but the last (issue #13)', async () => {
    const unhurried = await discoverAll();
    emulator.clearRequests();
    // Slow lists (as a large organization's are, 14 waves of 8 here) make the overlap visible.
    emulator.faults.add({ operation: 'devops.endpoints.list', kind: 'delay', delayMs: 60 });
    const inventory = await discoverAll();

    assert.deepEqual(inventory, unhurried);
    const log = emulator.requests();
    const batches = ops(emulator, 'graph.batch');
    const lists = ops(emulator, 'devops.endpoints.list');
    assert.equal(lists.length, MIXED_PROJECT_COUNT);
    // The first batch arrived before the last list: Graph worked while Azure DevOps listed.
    assert.ok(
      batches[0]!.seq < Math.max(...lists.map((e) => e.seq)),
      `first batch #${batches[0]!.seq}, last list #${Math.max(...lists.map((e) => e.seq))}`,
    );
    // 38 application reads and one certificate list: 20, then the 18 left with the list.
    assert.deepEqual(
      batches.map((b) => log.filter((e) => e.batchSeq === b.seq).length),
      [20, 19],
    );
    assert.ok(
      log
        .filter((e) => e.batchSeq === batches[0]!.seq)
        .every((e) => e.operation === 'graph.applications.get'),
    );
  });

  it('lists only the projects in scope, and keeps every reference of a connection shared out of scope', async () => {
    const scoped = await discoverAll(new FakeClock(MIXED_START.getTime()), 'proj-104');

    assert.deepEqual(scoped.projects, [{ id: mixedProjectId(104), name: mixedProjectName(104) }]);
    assert.deepEqual(
      ops(emulator, 'devops.endpoints.list').map((e) => e.path.split('/')[2]),
      [mixedProjectId(104)],
    );
    // Listed in proj-104 only, it is named as there and still carries all three projects.
    const want = expectedReports().find((c) => c.name === 'shared');
    assert.ok(want);
    const { problemCode: _code, actionRequired: _required, ...shared } = want;
    assert.deepEqual(scoped.connections, [
      {
        ...shared,
        name: 'shared-in-104',
        projects: [shared.projects[2], shared.projects[0], shared.projects[1]],
        problem: null,
      },
    ]);
    assert.equal(ops(emulator, 'graph.batch').length, 1);
    assert.equal(ops(emulator, 'graph.servicePrincipals.list').length, 1);
  });

  it('returns the same inventory through 429 and 503 bursts, and the log shows every retry', async () => {
    const baseline = await discoverAll();
    emulator.clearRequests();

    const THROTTLED_APP = '21000000-0000-4000-8000-000000000001'; // manual-single's app
    emulator.faults.add({
      operation: 'devops.projects.list',
      kind: 'throttle',
      times: 1,
      retryAfterSeconds: 1,
    });
    emulator.faults.add({
      operation: 'devops.endpoints.list',
      kind: 'throttle',
      times: 3,
      retryAfterSeconds: 2,
    });
    emulator.faults.add({
      operation: 'devops.endpoints.list',
      kind: 'unavailable',
      times: 2,
      retryAfterSeconds: 1,
    });
    emulator.faults.add({ operation: 'entra.token', kind: 'unavailable', times: 1, retryAfterSeconds: 1 });
    emulator.faults.add({ operation: 'graph.batch', kind: 'unavailable', times: 1, retryAfterSeconds: 1 });
    emulator.faults.add({
      operation: 'graph.applications.get',
      match: { appId: THROTTLED_APP },
      kind: 'throttle',
      times: 3,
      retryAfterSeconds: 1,
    });
    emulator.faults.add({
      operation: 'graph.servicePrincipals.list',
      kind: 'throttle',
      times: 1,
      retryAfterMs: 300,
    });
    const clock = new FakeClock(MIXED_START.getTime());
    const again = await discoverAll(clock);

    assert.deepEqual(again, baseline);
    const count = (operation: string, status: number) =>
      ops(emulator, operation).filter((e) => e.status === status).length;
    assert.deepEqual(
      ops(emulator, 'devops.projects.list').map((e) => e.status),
      [429, 200, 200],
    );
    assert.equal(ops(emulator, 'devops.endpoints.list').length, MIXED_PROJECT_COUNT + 5);
    assert.equal(count('devops.endpoints.list', 429), 3);
    assert.equal(count('devops.endpoints.list', 503), 2);
    assert.equal(count('devops.endpoints.list', 200), MIXED_PROJECT_COUNT);
    assert.deepEqual(
      ops(emulator, 'entra.token').map((e) => e.status),
      [503, 200],
    );
    // 2 batches + the one refused whole + 3 re-batches of the throttled app.
    const batches = ops(emulator, 'graph.batch');
    assert.equal(batches.length, 2 + 1 + 3);
    assert.deepEqual(batches.map((e) => e.status).sort(), [200, 200, 200, 200, 200, 503]);
    const inner = emulator.requests().filter((e) => e.batchSeq !== undefined);
    const appGets = inner.filter((e) => e.operation === 'graph.applications.get');
    assert.equal(appGets.length, LOOKED_UP_APPS + 3);
    assert.equal(appGets.filter((e) => e.status === 429).length, 3);
    // The service principal listing: refused once (429, Retry-After-Ms 300), then answered.
    assert.deepEqual(
      ops(emulator, 'graph.servicePrincipals.list').map((e) => [e.status, e.batchSeq]),
      [
        [429, undefined],
        [200, undefined],
      ],
    );
    // Waited as asked: Retry-After seconds, or the milliseconds header.
    assert.ok(clock.sleeps.includes(2000) && clock.sleeps.includes(1000) && clock.sleeps.includes(300));
    assert.ok(
      clock.sleeps.every((ms) => ms <= 2000),
      `no wait longer than asked: ${clock.sleeps}`,
    );
  });
});

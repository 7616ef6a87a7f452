import assert from 'node:assert/strict';
import type { ProjectInfo, ServiceConnection, TestConnectionResult } from '../../../lib/devops/types';
import { HttpError, hasCode } from '../../../lib/errors';
import type { ApplicationLookup } from '../../../lib/graph/types';
import { type DiscoverOptions, type DiscoveryProgress, discover } from '../../../lib/inventory/discover';
import { parseNameFilter } from '../../../lib/inventory/name-filter';
import type {
  ApplicationLookupSession,
  ApplicationSource,
  ConnectionSource,
} from '../../../lib/inventory/ports';
import { app, connection, days, NOW, OTHER_TENANT, password, TENANT, THRESHOLDS, uuid } from './builders';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const project = (n: number, name: string): ProjectInfo => ({ id: uuid(n, 'bbbbbbbb'), name });
const ref = (p: ProjectInfo, connectionName: string) => ({
  projectId: p.id,
  projectName: p.name,
  connectionName,
});

class Source implements ConnectionSource {
  readonly calls: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    readonly projects: ProjectInfo[],
    readonly byProject: Record<string, ServiceConnection[]> = {},
  ) {}
  async listProjects(): Promise<ProjectInfo[]> {
    this.calls.push('listProjects');
    return this.projects;
  }
  async listAzureRmConnections(p: ProjectInfo): Promise<ServiceConnection[]> {
    this.calls.push(`list ${p.name}`);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await tick();
    await tick();
    this.inFlight -= 1;
    return this.byProject[p.name] ?? [];
  }
}

class Apps implements ApplicationSource {
  readonly lookups: Array<{ appIds: readonly string[]; withKeyCredentials: string[] }> = [];
  readonly spQueries: Array<readonly string[]> = [];
  fail = false;
  constructor(
    readonly found: Record<string, ApplicationLookup> = {},
    readonly enabled: Record<string, boolean> = {},
  ) {}
  async lookupApplications(
    appIds: readonly string[],
    options?: { withKeyCredentials?: ReadonlySet<string> },
  ): Promise<Map<string, ApplicationLookup>> {
    this.lookups.push({ appIds, withKeyCredentials: [...(options?.withKeyCredentials ?? [])] });
    if (this.fail) throw new Error('Graph is down');
    return new Map(appIds.map((id) => [id, this.found[id] ?? { kind: 'not_found' }]));
  }
  async servicePrincipalsEnabled(appIds: readonly string[]): Promise<Map<string, boolean | null>> {
    this.spQueries.push(appIds);
    return new Map(appIds.map((id) => [id, this.enabled[id] ?? null]));
  }
}

function options(source: Source, apps: Apps, overrides: Partial<DiscoverOptions> = {}): DiscoverOptions {
  const names = parseNameFilter('*');
  assert.ok(names.ok);
  return {
    organizationUrl: 'https://dev.azure.com/fabrikam',
    connectionSource: source,
    applicationSource: apps,
    projects: { all: true },
    connections: names.filter,
    thresholds: THRESHOLDS,
    rotatorTenantId: TENANT,
    clock: { now: () => NOW, sleep: async () => {} },
    ...overrides,
  };
}

const ALPHA = project(1, 'Alpha');
const BETA = project(2, 'Beta');
const APP_ID = uuid(200, 'cccccccc');
const FOUND: ApplicationLookup = { kind: 'found', app: app([password(uuid(1, 'eeeeeeee'), NOW + days(20))]) };

describe('discover', () => {
  it('names every unknown project before listing any connection', async () => {
    const source = new Source([ALPHA, BETA]);
    await assert.rejects(
      discover(options(source, new Apps(), { projects: { all: false, names: ['alpha', 'Gamma', 'Delta'] } })),
      (error: unknown) =>
        hasCode(error, 'config.invalid_input') &&
        error.message ===
          'The "projects" input names projects not found in https://dev.azure.com/fabrikam: "Gamma", "Delta".',
    );
    assert.deepEqual(source.calls, ['listProjects']);
  });

  it('lists each selected project once, at most maxParallel at a time', async () => {
    const projects = [1, 2, 3, 4, 5, 6, 7].map((n) => project(n, `P${n}`));
    const source = new Source(projects);
    await discover(options(source, new Apps(), { maxParallel: 2 }));
    assert.equal(source.maxInFlight, 2);
    assert.deepEqual(source.calls.slice(1).sort(), projects.map((p) => `list ${p.name}`).sort());
  });

  it('keeps one report per connection id with every project reference, sorted by name', async () => {
    const shared = connection({ id: uuid(100), name: 'shared', projects: [ref(ALPHA, 'shared')] });
    const sharedInBeta = { ...shared, name: 'shared-b', projects: [ref(BETA, 'shared-b')] };
    const other = connection({ id: uuid(101), name: 'Another', projects: [ref(BETA, 'Another')] });
    const source = new Source([ALPHA, BETA], { Alpha: [shared], Beta: [sharedInBeta, other] });
    const inventory = await discover(options(source, new Apps({ [APP_ID]: FOUND })));
    assert.deepEqual(
      inventory.connections.map((c) => [c.name, c.projects.map((p) => p.connectionName)]),
      [
        ['Another', ['Another']],
        ['shared', ['shared', 'shared-b']],
      ],
    );
  });

  it('keeps a connection when any of its per-project names matches the filter', async () => {
    const shared = connection({
      id: uuid(100),
      name: 'alpha-name',
      projects: [ref(ALPHA, 'alpha-name'), ref(BETA, 'prod-x')],
    });
    const source = new Source([ALPHA], { Alpha: [shared] });
    const names = parseNameFilter('prod-*');
    assert.ok(names.ok);
    const inventory = await discover(
      options(source, new Apps({ [APP_ID]: FOUND }), { connections: names.filter }),
    );
    assert.deepEqual(
      inventory.connections.map((c) => c.id),
      [uuid(100)],
    );
  });

  it('does not count connections that are not AzureRM', async () => {
    const generic = connection({ id: uuid(102), name: 'generic', type: 'Generic' });
    const source = new Source([ALPHA], { Alpha: [generic] });
    const inventory = await discover(options(source, new Apps()));
    assert.deepEqual(inventory.connections, []);
  });

  it('looks each app up once, certificates only where a certificate connection needs them', async () => {
    const certAppId = uuid(201, 'cccccccc');
    const source = new Source([ALPHA, BETA], {
      Alpha: [
        connection({ id: uuid(100), name: 'a' }),
        connection({ id: uuid(101), name: 'b', appId: APP_ID.toUpperCase() }),
      ],
      Beta: [
        connection({ id: uuid(103), name: 'cert', appId: certAppId, authenticationType: 'spnCertificate' }),
        connection({
          id: uuid(104),
          name: 'wif',
          scheme: 'WorkloadIdentityFederation',
          appId: uuid(202, 'cccccccc'),
        }),
        connection({
          id: uuid(105),
          name: 'elsewhere',
          tenantId: OTHER_TENANT,
          appId: uuid(203, 'cccccccc'),
        }),
      ],
    });
    const apps = new Apps({ [APP_ID]: FOUND });
    const inventory = await discover(options(source, apps));
    // The WIF connection's app is read too: its federated credentials (spec §7).
    assert.deepEqual(apps.lookups, [
      { appIds: [APP_ID, certAppId, uuid(202, 'cccccccc')], withKeyCredentials: [certAppId] },
    ]);
    assert.deepEqual(apps.spQueries, [[APP_ID]]);
    assert.deepEqual(
      inventory.connections.map((c) => [c.name, c.status, c.problem?.code ?? null]),
      [
        ['a', 'warning', null],
        ['b', 'warning', null],
        ['cert', 'unknown', 'app_not_found'],
        ['elsewhere', 'unknown', 'other_tenant'],
        ['wif', 'unknown', 'app_not_found'],
      ],
    );
    assert.deepEqual(Object.keys(inventory.applications), [`${TENANT}/${APP_ID}`]);
  });

  it('flags a disabled service principal', async () => {
    const source = new Source([ALPHA], { Alpha: [connection()] });
    const inventory = await discover(options(source, new Apps({ [APP_ID]: FOUND }, { [APP_ID]: false })));
    assert.equal(inventory.connections[0]?.problem?.code, 'service_principal_disabled');
  });

  it('reports lookup_failed for every connection behind a failed Graph lookup and evaluates the rest', async () => {
    const source = new Source([ALPHA], {
      Alpha: [
        connection({ id: uuid(100), name: 'a' }),
        connection({ id: uuid(104), name: 'wif', scheme: 'WorkloadIdentityFederation' }),
      ],
    });
    const apps = new Apps();
    apps.fail = true;
    const warnings: string[] = [];
    const inventory = await discover(
      options(source, apps, { logger: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} } }),
    );
    assert.deepEqual(
      inventory.connections.map((c) => [c.name, c.problem?.code ?? null]),
      [
        ['a', 'lookup_failed'],
        ['wif', 'federation_not_checked'],
      ],
    );
    assert.deepEqual(warnings, ['Looking up 1 application(s) in Microsoft Graph failed: Graph is down']);
    // The reason reaches the report, not only the debug log.
    assert.match(
      inventory.connections[0]?.problem?.message ?? '',
      /could not be looked up in Microsoft Graph \(Graph is down\)/,
    );
  });

  it('fails only the connections of an app whose lookup failed, saying why', async () => {
    const other = uuid(3, 'aaaaaaaa');
    const source = new Source([ALPHA], {
      Alpha: [
        connection({ id: uuid(100), name: 'a' }),
        connection({ id: uuid(101), name: 'b', appId: other }),
      ],
    });
    const apps = new Apps({
      [APP_ID]: FOUND,
      [other]: { kind: 'failed', message: 'graph.applications.get failed: HTTP 503' },
    });
    const inventory = await discover(options(source, apps));
    assert.deepEqual(
      inventory.connections.map((c) => [c.name, c.problem?.code ?? null]),
      [
        ['a', null],
        ['b', 'lookup_failed'],
      ],
    );
    assert.match(
      inventory.connections[1]?.problem?.message ?? '',
      /\(graph\.applications\.get failed: HTTP 503\)/,
    );
  });

  it('reports progress phase by phase', async () => {
    const source = new Source([ALPHA, BETA], { Alpha: [connection()] });
    const progress: DiscoveryProgress[] = [];
    await discover(
      options(source, new Apps({ [APP_ID]: FOUND }), { onProgress: (p) => progress.push(p), maxParallel: 1 }),
    );
    assert.deepEqual(progress, [
      { phase: 'projects', done: 0, total: 1 },
      { phase: 'projects', done: 1, total: 1 },
      { phase: 'connections', done: 0, total: 2 },
      { phase: 'connections', done: 1, total: 2 },
      { phase: 'connections', done: 2, total: 2 },
      { phase: 'applications', done: 0, total: 1 },
      { phase: 'applications', done: 1, total: 1 },
    ]);
  });

  it('fails when a project cannot be listed', async () => {
    const source = new Source([ALPHA, BETA]);
    source.listAzureRmConnections = async (p) => {
      if (p.name === 'Beta') throw new Error('403 on Beta');
      return [];
    };
    await assert.rejects(discover(options(source, new Apps())), /403 on Beta/);
  });

  describe('verified attribution (issue #14 §4)', () => {
    class TestingSource extends Source {
      readonly tests: string[] = [];
      testing = 0;
      maxTesting = 0;
      constructor(
        projects: ProjectInfo[],
        byProject: Record<string, ServiceConnection[]>,
        readonly answers: Record<string, TestConnectionResult | Error>,
      ) {
        super(projects, byProject);
      }
      async testStoredConnection(projectId: string, connectionId: string): Promise<TestConnectionResult> {
        this.tests.push(`${projectId} ${connectionId}`);
        this.testing += 1;
        this.maxTesting = Math.max(this.maxTesting, this.testing);
        await tick();
        await tick();
        this.testing -= 1;
        const answer = this.answers[connectionId] ?? { ok: true, statusCode: 'ok', message: '' };
        if (answer instanceof Error) throw answer;
        return answer;
      }
    }
    const appN = (n: number, passwords: ReturnType<typeof password>[]): ApplicationLookup => ({
      kind: 'found',
      app: app(passwords, { appId: uuid(n, 'cccccccc'), objectId: uuid(n, 'dddddddd') }),
    });
    const valid = (n: number) => password(uuid(n, 'eeeeeeee'), NOW + days(300));
    const expired = (n: number) => password(uuid(n, 'ffffffff'), NOW - days(5));

    it('tests exactly the connections whose app also holds an expired secret, once each, at most maxParallel at a time', async () => {
      // c1..c4: an app with a valid and an expired secret each; c5: only a valid secret.
      const conns = [1, 2, 3, 4, 5].map((n) =>
        connection({
          id: uuid(100 + n),
          name: `c${n}`,
          appId: uuid(n, 'cccccccc'),
          projects: [ref(ALPHA, `c${n}`)],
        }),
      );
      const lookups: Record<string, ApplicationLookup> = {};
      for (const n of [1, 2, 3, 4]) lookups[uuid(n, 'cccccccc')] = appN(n, [valid(n), expired(n)]);
      lookups[uuid(5, 'cccccccc')] = appN(5, [valid(5)]);
      const source = new TestingSource(
        [ALPHA],
        { Alpha: conns },
        {
          [uuid(101)]: {
            ok: false,
            statusCode: 'unauthorized',
            message: 'Exception Message: AADSTS7000222: The provided client secret keys are expired.',
          },
          [uuid(102)]: Object.assign(
            new HttpError('devops.forbidden', 'Access denied.', {
              service: 'devops',
              operation: 'devops.endpointproxy.execute',
              status: 403,
            }),
          ),
        },
      );
      const inventory = await discover(options(source, new Apps(lookups), { maxParallel: 2 }));
      assert.deepEqual(
        source.tests.sort(),
        [1, 2, 3, 4].map((n) => `${ALPHA.id} ${uuid(100 + n)}`),
      );
      assert.equal(source.maxTesting, 2);
      const byName = Object.fromEntries(inventory.connections.map((c) => [c.name, c]));
      assert.equal(byName['c1']?.status, 'expired');
      assert.equal(byName['c1']?.problem?.code, 'stored_secret_rejected');
      assert.equal(byName['c1']?.credential?.keyId, expired(1).keyId);
      assert.equal(byName['c2']?.status, 'ok');
      assert.equal(byName['c2']?.attributionCheck?.outcome, 'unverified');
      assert.equal(byName['c3']?.attributionCheck?.outcome, 'verified');
      assert.equal(byName['c4']?.attributionCheck?.outcome, 'verified');
      assert.equal(byName['c5']?.attributionCheck, undefined);
      assert.equal(byName['c5']?.status, 'ok');
    });

    /** Streams like the Graph adapter: each app answers on its own, the disabled listing once. */
    class StreamingApps extends Apps {
      disabledListings = 0;
      constructor(
        found: Record<string, ApplicationLookup>,
        readonly disabled: readonly string[] = [],
      ) {
        super(found);
      }
      openLookup(): ApplicationLookupSession {
        const added = new Set<string>();
        let listing: Promise<ReadonlySet<string>> | undefined;
        return {
          add: (appIds) => {
            for (const id of appIds) added.add(id);
          },
          answered: (appId) =>
            added.has(appId) ? tick().then(() => this.found[appId] ?? { kind: 'not_found' }) : undefined,
          disabledServicePrincipals: () => {
            listing ??= tick().then(() => {
              this.disabledListings += 1;
              return new Set(this.disabled);
            });
            return listing;
          },
          finish: async () => new Map([...added].map((id) => [id, this.found[id] ?? { kind: 'not_found' }])),
        };
      }
    }
    const BETA_CONNECTION = connection({
      id: uuid(150),
      name: 'beta-conn',
      appId: uuid(5, 'cccccccc'),
      projects: [ref(BETA, 'beta-conn')],
    });
    /** c1 beside an expired secret in Alpha; Beta's list arrives only after a check was asked, or never. */
    class SlowBetaSource extends TestingSource {
      testsWhenBetaListed = -1;
      override async listAzureRmConnections(p: ProjectInfo): Promise<ServiceConnection[]> {
        if (p.name !== 'Beta') return super.listAzureRmConnections(p);
        for (let i = 0; i < 50 && this.tests.length === 0; i += 1) await tick();
        this.testsWhenBetaListed = this.tests.length;
        return [BETA_CONNECTION];
      }
    }
    const earlyOrg = () => {
      const c1 = connection({
        id: uuid(101),
        name: 'c1',
        appId: uuid(1, 'cccccccc'),
        projects: [ref(ALPHA, 'c1')],
      });
      const lookups = {
        [uuid(1, 'cccccccc')]: appN(1, [valid(1), expired(1)]),
        [uuid(5, 'cccccccc')]: appN(5, [valid(5), expired(5)]),
      };
      const rejected = {
        ok: false,
        statusCode: 'unauthorized',
        message: 'AADSTS7000222: The provided client secret keys are expired.',
      };
      return { c1, lookups, answers: { [uuid(101)]: rejected } };
    };

    it('starts a check as soon as its app is read, while other projects are still listing (issue #13)', async () => {
      const { c1, lookups, answers } = earlyOrg();
      const source = new SlowBetaSource([ALPHA, BETA], { Alpha: [c1] }, answers);
      const apps = new StreamingApps(lookups);
      const inventory = await discover(options(source, apps));
      assert.equal(source.testsWhenBetaListed, 1, 'c1 was tested before the last list arrived');
      assert.deepEqual(source.tests.sort(), [`${ALPHA.id} ${uuid(101)}`, `${BETA.id} ${uuid(150)}`]);
      // The same inventory as when every check waits for the last list.
      const sequential = await discover(
        options(
          new TestingSource([ALPHA, BETA], { Alpha: [c1], Beta: [BETA_CONNECTION] }, answers),
          new Apps(lookups),
        ),
      );
      assert.deepEqual(inventory.connections, sequential.connections);
      assert.equal(
        inventory.connections.find((c) => c.name === 'c1')?.problem?.code,
        'stored_secret_rejected',
      );
      assert.equal(apps.disabledListings, 1);
      assert.deepEqual(apps.spQueries, [], 'the session listing replaces servicePrincipalsEnabled');
    });

    it('checks no connection whose service principal is disabled, early or late: the listing is read first', async () => {
      const { c1, lookups, answers } = earlyOrg();
      const source = new TestingSource([ALPHA], { Alpha: [c1] }, answers);
      const apps = new StreamingApps(lookups, [uuid(1, 'cccccccc')]);
      const inventory = await discover(options(source, apps));
      assert.deepEqual(source.tests, []);
      assert.equal(inventory.connections[0]?.problem?.code, 'service_principal_disabled');
      assert.equal(apps.disabledListings, 1);
    });

    it('sends no TestConnection with verifyAttribution off: the inference stands, unchecked', async () => {
      const c = connection({ projects: [ref(ALPHA, 'deploy-prod')] });
      const source = new TestingSource([ALPHA], { Alpha: [c] }, {});
      const lookups = { [APP_ID]: appN(200, [valid(1), expired(1)]) };
      const inventory = await discover(options(source, new Apps(lookups), { verifyAttribution: false }));
      assert.deepEqual(source.tests, []);
      assert.equal(inventory.connections[0]?.status, 'ok');
      assert.equal(inventory.connections[0]?.attributionCheck, undefined);
    });

    it('sends no TestConnection when no app holds an expired secret', async () => {
      const c = connection({ projects: [ref(ALPHA, 'deploy-prod')] });
      const source = new TestingSource([ALPHA], { Alpha: [c] }, {});
      const inventory = await discover(options(source, new Apps({ [APP_ID]: FOUND })));
      assert.deepEqual(source.tests, []);
      assert.equal(inventory.connections[0]?.attributionCheck, undefined);
    });
  });
});

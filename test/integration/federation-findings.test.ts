/**
 * Issue #11: workload identity federation seen through the real clients (azure-devops-node-api,
 * Graph over fetch, msal-node) against the emulator, on an organization mixing every case of
 * spec §7: the exact findings and variables, no write, and the Graph read budget with the
 * federated credential reads included.
 */
import assert from 'node:assert/strict';
import { type Emulator, startEmulator } from '../../emulator';
import { reportTotals } from '../../lib';
import { FakeClock } from '../unit/http/fake-clock';
import { emulatorRotator } from './adapters-harness';
import {
  DANGLING,
  FED_ALPHA_ID,
  FED_APP_COUNT,
  FED_BETA_ID,
  FED_FAILED_COUNT,
  FED_JOB_TOKEN,
  FED_LEGACY_COUNT,
  FED_ROTATOR_APP,
  FED_ROTATOR_SECRET,
  FED_START,
  FED_TENANT,
  fedExpectations,
  federationOrg,
  NOT_DANGLING,
  RETIREMENT,
} from './federation-org';

describe('federation findings with the real clients against a mixed organization (issue #11)', () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator({
      org: federationOrg(),
      caDir: process.env['SCR_EMULATOR_CA_DIR'],
      startTime: FED_START,
    });
  });
  after(async () => {
    await emulator?.close();
  });
  beforeEach(() => {
    emulator.faults.clear();
    emulator.clearRequests();
  });

  const rotator = (thresholds = { warningDays: 30, failureDays: 7 }) =>
    emulatorRotator(
      emulator,
      {
        tenantId: FED_TENANT,
        appId: FED_ROTATOR_APP,
        clientSecret: FED_ROTATOR_SECRET,
        jobToken: FED_JOB_TOKEN,
      },
      { ...thresholds, clock: new FakeClock(FED_START.getTime()) },
    );

  it('reports every case exactly: findings, statuses, days left, and the expected and nearest triple', async () => {
    const { report, inventory } = await rotator().run({ action: 'report', version: 'test' });
    const expected = fedExpectations();
    assert.deepEqual(
      report.connections.map((r) => r.name),
      expected.map((e) => e.name),
    );
    for (const want of expected) {
      const row = report.connections.find((r) => r.name === want.name)!;
      const found = inventory.connections.find((c) => c.name === want.name)!;
      assert.equal(row.status, want.status, `status of ${want.name}`);
      assert.equal(row.federation ?? null, want.federation, `finding of ${want.name}`);
      assert.equal(row.code, want.code, `code of ${want.name}`);
      assert.equal(row.daysLeft, want.daysLeft, `days left of ${want.name}`);
      assert.equal(row.failed, want.code === 'federation_mismatch', `failed of ${want.name}`);
      for (const fragment of want.message ?? []) {
        assert.ok(
          found.problem?.message.includes(fragment),
          `${want.name}: "${fragment}" in ${found.problem?.message}`,
        );
      }
      if (want.federation === 'legacy_issuer') assert.equal(row.expiresAt, RETIREMENT);
    }
    // The issuer and subject are read from the connection as Azure DevOps shows them.
    const legacy = inventory.connections.find((c) => c.name === 'legacy-one')!;
    assert.equal(
      legacy.federation?.issuer,
      `https://vstoken.dev.azure.com/${federationOrg().organization.id}`,
    );
    assert.equal(legacy.federation?.subject, 'sc://fedorg/Alpha/legacy-one');
  });

  it('lists the dangling federated credentials with app, name, subject and risk', async () => {
    const { report } = await rotator().run({ action: 'report', version: 'test' });
    assert.deepEqual(
      (report.danglingCredentials ?? []).map((d) => [d.appDisplayName, d.name, d.subject]),
      [
        ['fed-app-3', DANGLING.deleted.name, DANGLING.deleted.subject],
        ['fed-app-3', DANGLING.entra.name, DANGLING.entra.subject],
        ['fed-app-8', DANGLING.renamed.name, DANGLING.renamed.subject],
      ],
    );
    assert.equal(
      report.danglingCredentials?.[0]?.risk,
      'No connection "deleted-conn" exists in project "Alpha": a new connection with that name would inherit the access of app "fed-app-3".',
    );
    // The Docker registry and Kubernetes connections' credentials name no AzureRM connection, so
    // discovery asked about them, of any type: Alpha by name (its three sc:// candidates at
    // once), each project by id (the Entra candidates), and none is listed.
    const names = report.danglingCredentials?.map((d) => d.name) ?? [];
    assert.ok(!names.includes(NOT_DANGLING.docker.name) && !names.includes(NOT_DANGLING.kubernetes.name));
    const asks = emulator
      .requests()
      .filter((e) => e.operation === 'devops.endpoints.list' && !/[?&]type=/.test(e.path))
      .map((e) => [
        e.path.split('/')[2],
        /endpointNames=/.test(e.path) ? 'names' : /endpointIds=/.test(e.path) ? 'ids' : '?',
      ]);
    assert.deepEqual(asks.sort(), [
      [FED_ALPHA_ID, 'ids'],
      [FED_ALPHA_ID, 'names'],
      [FED_BETA_ID, 'ids'],
    ]);
  });

  it('sets the exact variables: LegacyIssuerCount, FailedCount, NextExpiry = the retirement (the soonest)', async () => {
    const { report } = await rotator().run({ action: 'report', version: 'test' });
    const totals = reportTotals(report, FED_START.getTime());
    assert.equal(totals.legacyIssuer, FED_LEGACY_COUNT);
    assert.equal(totals.legacyIssuer, 2);
    assert.equal(totals.failed, FED_FAILED_COUNT);
    assert.equal(totals.failed, 5);
    assert.equal(totals.nextExpiry, RETIREMENT);
    assert.equal(totals.daysUntilNextExpiry, 219);
    assert.equal(totals.expiryStatus, 'ok');
    assert.equal(totals.dangling, 3);
    // With warningDays 300 the retirement (219 days) is a warning.
    const wide = await rotator({ warningDays: 300, failureDays: 7 }).run({
      action: 'report',
      version: 'test',
    });
    assert.equal(reportTotals(wide.report, FED_START.getTime()).expiryStatus, 'warning');
  });

  it('writes nothing, and reads Graph in at most ceil(apps / 20) + 5 requests, federated credentials included', async () => {
    await rotator().run({ action: 'report', version: 'test' });
    const log = emulator.requests();
    assert.equal(log.filter((e) => e.write).length, 0);
    const graph = log.filter((e) => e.service === 'graph' && e.batchSeq === undefined);
    assert.ok(
      graph.length <= Math.ceil(FED_APP_COUNT / 20) + 5,
      `${graph.length} Graph requests: ${graph.map((e) => e.operation).join(', ')}`,
    );
    // One batch of the 15 application reads (federated credentials expanded in each), one batch
    // of the managed identity's service principal read, one listing of disabled principals (sent
    // with the first project's apps, so first).
    assert.deepEqual(
      graph.map((e) => e.operation),
      ['graph.servicePrincipals.list', 'graph.batch', 'graph.batch'],
    );
    const inner = log.filter((e) => e.batchSeq !== undefined);
    const appGets = inner.filter((e) => e.operation === 'graph.applications.get');
    assert.equal(appGets.length, FED_APP_COUNT);
    assert.ok(appGets.every((e) => decodeURIComponent(e.path).includes('$expand=')));
    assert.equal(inner.filter((e) => e.operation === 'graph.servicePrincipals.get').length, 1);
    // No separate federated credential list.
    assert.equal(
      log.filter((e) => /federatedIdentityCredentials(\?|$)/.test(e.path.split('$expand')[0]!)).length,
      0,
    );
  });

  it("TestConnection of each connection (Entra's exchange in the emulator) fails exactly where the finding says, with its code", async () => {
    const r = rotator();
    const inventory = await r.discover();
    const expected: Record<string, string> = {
      'entra-ok': 'ok',
      'legacy-one': 'ok',
      'legacy-two': 'ok',
      'legacy-multitenant': 'ok',
      'flexible-beside': 'ok',
      'other-app-owner': 'ok',
      'managed-identity-wif': 'ok',
      'renamed-project': 'AADSTS700213',
      'renamed-conn': 'AADSTS700213',
      'audience-bad': 'AADSTS70021',
      'issuer-space': 'AADSTS700211',
      'fic-elsewhere': 'AADSTS70025',
    };
    for (const [name, want] of Object.entries(expected)) {
      const c = inventory.connections.find((x) => x.name === name)!;
      const result = await r.clients.devops.testStoredConnection(c.projects[0]!.projectId, c.id);
      if (want === 'ok') {
        assert.equal(result.ok, true, `${name}: ${result.message}`);
      } else {
        assert.equal(result.ok, false, name);
        assert.match(result.message, new RegExp(`${want}\\b`), `${name}: ${result.message}`);
        assert.equal(`AADSTS${c.federation?.aadsts}`, want, `the finding of ${name} names the same code`);
      }
    }
  });

  it('action rotate skips every WIF connection without a write (the secret one is not due)', async () => {
    const { report, results } = await rotator().run({ action: 'rotate', version: 'test' });
    assert.equal(emulator.requests().filter((e) => e.write).length, 0);
    const wifNames = new Set(
      report.connections.filter((r) => r.scheme === 'WorkloadIdentityFederation').map((r) => r.name),
    );
    const wifResults = (results ?? []).filter((r) => wifNames.has(r.connectionName));
    assert.equal(wifResults.length, wifNames.size);
    // Skipped: secretless, or for its problem (a broken federation is not a secret to rotate).
    assert.ok(
      wifResults.every((r) => r.action === 'skipped' && r.newKeyId === null && r.removedKeyIds.length === 0),
    );
    assert.ok(
      (results ?? []).every((r) => r.action !== 'rotated' && r.action !== 'failed'),
      'nothing rotated',
    );
    for (const row of report.connections.filter((r) => r.scheme === 'WorkloadIdentityFederation')) {
      assert.ok(row.action === 'skipped' || row.action === 'none', `${row.name}: ${row.action}`);
    }
  });
});

/**
 * Issue #11: the bundled task, run as the agent runs it, on the organization mixing every
 * workload identity federation case (test/integration/federation-org.ts): the variables, the
 * summary's Federation section (legacy connections with days left, the broken ones, the dangling
 * credentials) and the JSON report; `action: rotate` writes nothing to a WIF connection.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Emulator } from '../../emulator';
import { MS_PER_DAY } from '../../lib/clock';
import {
  DANGLING,
  FED_FAILED_COUNT,
  FED_LEGACY_COUNT,
  FED_ROTATOR_CONNECTION,
  FED_ROTATOR_SECRET,
  federationOrg,
  RETIREMENT,
} from '../integration/federation-org';
import {
  leaks,
  reportOf as report,
  runJob,
  stagedTaskDir,
  startFor,
  outputValues as values,
} from './task-harness';

describe('the bundled task on an organization with every federation case (issue #11)', function () {
  this.timeout(120_000);
  let emulator: Emulator;

  before(() => {
    stagedTaskDir();
  });
  afterEach(async () => {
    await emulator?.close();
  });

  it('report: LegacyIssuerCount, FailedCount, NextExpiry, and a Federation section naming legacy, broken and dangling', async () => {
    const org = federationOrg();
    emulator = await startFor(org);
    const run = await runJob(emulator, org, {
      rotatorConnectionId: FED_ROTATOR_CONNECTION,
      inputs: { action: 'report', projects: '*' },
    });
    // The task's clock is the agent's: days until 2027-07-01 from now.
    const daysLeft = Math.floor((Date.parse(RETIREMENT) - Date.now()) / MS_PER_DAY);
    const out = values(run);
    assert.equal(out.LegacyIssuerCount, String(FED_LEGACY_COUNT));
    assert.equal(out.FailedCount, String(FED_FAILED_COUNT));
    assert.equal(out.NextExpiry, RETIREMENT);
    assert.equal(out.DaysUntilNextExpiry, String(daysLeft));
    assert.equal(out.ConnectionCount, '15');
    assert.equal(run.result, 'Failed', run.resultMessage ?? '');
    assert.match(run.resultMessage ?? '', /5 failed, 3 dangling federated credentials/);
    assert.deepEqual(
      emulator.requests().filter((r) => r.write),
      [],
    );

    const summary = fs.readFileSync(run.summaries[0]!, 'utf8');
    const federation = summary.slice(summary.indexOf('### Federation'));
    assert.ok(summary.includes('### Federation'), summary);
    assert.match(federation, /2 connections on the Azure DevOps issuer, which stops working on 2027-07-01/);
    assert.ok(federation.includes(`| legacy-one | Alpha | ${daysLeft} |`), federation);
    assert.ok(federation.includes(`| legacy-two | Beta | ${daysLeft} |`), federation);
    assert.match(federation, /5 connections whose federated credential does not match: /);
    for (const dangling of Object.values(DANGLING)) {
      assert.ok(federation.includes(`| ${dangling.name} |`), dangling.name);
    }
    assert.ok(
      federation.includes(
        'No connection "deleted-conn" exists in project "Alpha": a new connection with that name would inherit the access of app "fed-app-3".',
      ),
    );
    // The main table names what each broken one needs and has.
    assert.match(summary, /renamed-project .*sc:\/\/fedorg\/Gamma\/renamed-project/);

    const json = report(run);
    assert.deepEqual(
      (json.danglingCredentials ?? []).map((d) => d.name),
      [DANGLING.deleted.name, DANGLING.entra.name, DANGLING.renamed.name],
    );
    const legacy = json.connections.filter((c) => c.federation === 'legacy_issuer').map((c) => c.name);
    assert.deepEqual(legacy, ['legacy-one', 'legacy-two']);
    assert.equal(json.connections.find((c) => c.name === 'issuer-space')?.code, 'federation_mismatch');
    assert.deepEqual(leaks(run, FED_ROTATOR_SECRET), []);
  });

  it('rotate: every WIF connection is skipped and nothing is written', async () => {
    const org = federationOrg();
    emulator = await startFor(org);
    const run = await runJob(emulator, org, {
      rotatorConnectionId: FED_ROTATOR_CONNECTION,
      inputs: { action: 'rotate', projects: '*' },
    });
    assert.deepEqual(
      emulator.requests().filter((r) => r.write),
      [],
    );
    assert.equal(values(run).RotatedCount, '0');
    const json = report(run);
    const wif = json.connections.filter((c) => c.scheme === 'WorkloadIdentityFederation');
    assert.equal(wif.length, 13);
    for (const row of wif)
      assert.ok(row.action === 'skipped' || row.action === 'none', `${row.name}: ${row.action}`);
    assert.deepEqual(leaks(run, FED_ROTATOR_SECRET), []);
  });
});

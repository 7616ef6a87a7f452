/**
 * The staged bundle run as the agent runs it with `action: migrate`, then `revertMigration`,
 * against the emulator: exact variables, the connections' final state, and no secret anywhere.
 */
import assert from 'node:assert/strict';
import type { Emulator, OrgDescription } from '../../emulator';
import {
  connectionNamed,
  demoOrg,
  leaks,
  outputValues as outputs,
  reportOf as report,
  runJob,
  stagedTaskDir,
  startFor,
} from './task-harness';

describe('the bundled task: migrate, then revertMigration', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let org: OrgDescription;

  before(() => {
    stagedTaskDir();
  });
  afterEach(async () => {
    await emulator?.close();
  });

  it('converts two secret connections, reverts them, with exact variables and a clean secret scan', async () => {
    org = demoOrg();
    emulator = await startFor(org);
    const prod = connectionNamed(org, 'prod-deploy');
    const auto = connectionNamed(org, 'auto-deploy');
    const inputs = { projects: '*', connections: 'prod-deploy\nauto-deploy' };

    const dry = await runJob(emulator, org, { inputs: { ...inputs, action: 'migrate', dryRun: 'true' } });
    assert.equal(dry.result, 'Succeeded', dry.resultMessage ?? undefined);
    assert.deepEqual(
      emulator.requests().filter((r) => r.write),
      [],
      'a dry run writes nothing',
    );
    assert.deepEqual(
      report(dry).connections.map((c) => [c.name, c.action]),
      [
        ['auto-deploy', 'would_migrate'],
        ['prod-deploy', 'would_migrate'],
      ],
    );

    const migrated = await runJob(emulator, org, { inputs: { ...inputs, action: 'migrate' } });
    assert.equal(migrated.result, 'Succeeded', migrated.resultMessage ?? undefined);
    const values = outputs(migrated);
    assert.deepEqual(values, {
      ExpiryStatus: 'ok',
      ConnectionCount: '2',
      ExpiringCount: '0',
      ExpiredCount: '0',
      RotatedCount: '0',
      FailedCount: '0',
      NextExpiry: '',
      DaysUntilNextExpiry: '',
      ReportPath: values.ReportPath,
      MigratedCount: '2',
      LegacyIssuerCount: '0',
    });
    for (const c of [prod, auto]) {
      const stored = emulator.state.connection(c.id)!;
      assert.equal(stored.scheme, 'WorkloadIdentityFederation', c.name);
      assert.equal(stored.issuerType, 'EntraID', c.name);
      assert.ok(stored.data['revertSchemeDeadline'], `${c.name} has a revert window`);
    }
    assert.deepEqual(
      report(migrated).connections.map((c) => [c.name, c.action]),
      [
        ['auto-deploy', 'migrated'],
        ['prod-deploy', 'migrated'],
      ],
    );

    const reverted = await runJob(emulator, org, { inputs: { ...inputs, action: 'revertMigration' } });
    assert.equal(reverted.result, 'Succeeded', reverted.resultMessage ?? undefined);
    const after = outputs(reverted);
    assert.deepEqual(after, {
      ExpiryStatus: 'ok',
      ConnectionCount: '2',
      ExpiringCount: '0',
      ExpiredCount: '0',
      RotatedCount: '0',
      FailedCount: '0',
      NextExpiry: '',
      DaysUntilNextExpiry: '',
      ReportPath: after.ReportPath,
      MigratedCount: '2',
      LegacyIssuerCount: '0',
    });
    for (const c of [prod, auto])
      assert.equal(emulator.state.connection(c.id)!.scheme, 'ServicePrincipal', c.name);

    for (const run of [dry, migrated, reverted]) {
      for (const secret of emulator.issuedSecrets())
        assert.deepEqual(leaks(run, secret), [], 'secret printed');
      assert.equal(run.commands.filter((c) => c.command === 'task.complete').length, 1);
    }
  });
});

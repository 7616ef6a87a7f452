/**
 * Issue #14 with the bundled task run as the agent runs it, against the emulator: the leak
 * response (`forceRotation` with `revokeAfterHours: 0`) and an organization whose service text
 * tries to drive the agent with `##vso[` commands.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Emulator, OrgDescription } from '../../emulator';
import { MS_PER_DAY } from '../../lib/clock';
import { formatMarker } from '../../lib/rotation/marker';
import { parseRecord, withRecord } from '../../lib/rotation/record';
import manifest from '../../task.json';
import { agentCommands, hostileOrg, isTaskOwnCommand } from './hostile-org';
import {
  applicationNamed,
  connectionNamed,
  demoOrg,
  leaks,
  outputValues as outputs,
  reportOf as report,
  runJob,
  stagedTaskDir,
  startFor,
} from './task-harness';

type Json = Record<string, unknown>;

const OUTPUT_NAMES = (manifest.outputVariables as Array<{ name: string }>).map((v) => v.name).sort();

describe('the bundled task: emergency rotation and hostile service text (issue #14)', function () {
  this.timeout(120_000);
  let emulator: Emulator;

  before(() => {
    stagedTaskDir();
  });
  afterEach(async () => {
    await emulator?.close();
  });

  it('forceRotation with revokeAfterHours 0 on a connection rotated the day before: one new secret, the previous revoked in that run', async () => {
    const org = demoOrg();
    const connection = connectionNamed(org, 'prod-deploy') as unknown as Json;
    const app = applicationNamed(org, 'deploy-prod') as unknown as Json;
    const yesterday = new Date(Date.now() - MS_PER_DAY);
    const previous = '14000000-0000-4000-8000-00000000000a';
    const original = '45ac16b9-c20d-4c21-8f8a-7abff2e91ac7';
    // Yesterday's rotation by this product: our password, installed and recorded on the connection.
    (app.passwordCredentials as Json[]).push({
      keyId: previous,
      displayName: formatMarker(String(connection.id), yesterday.getTime()),
      startDateTime: yesterday.toISOString(),
      expiresInDays: 179,
    });
    connection.secret = { passwordKeyId: previous };
    connection.description = withRecord(String(connection.description), {
      keyId: previous,
      installedAt: yesterday.toISOString(),
    });
    emulator = await startFor(org as OrgDescription, { propagationDelayMs: 1000 });

    const run = await runJob(emulator, org as OrgDescription, {
      inputs: {
        action: 'rotate',
        projects: 'Platform',
        connections: 'prod-deploy',
        forceRotation: 'true',
        revokeAfterHours: '0',
      },
    });
    assert.equal(run.result, 'Succeeded', run.resultMessage ?? '');

    const after = emulator.state.snapshot();
    const stored = after.serviceConnections.find((c) => c.name === 'prod-deploy')!;
    const record = parseRecord(stored.description)!;
    assert.notEqual(record.keyId, previous);
    assert.deepEqual(
      stored.secret,
      { kind: 'password', keyId: record.keyId },
      'the connection stores the recorded new secret',
    );
    const passwords = after.applications.find((a) => a.appId === app.appId)!.passwordCredentials;
    assert.deepEqual(
      passwords.map((p) => p.keyId).sort(),
      [original, record.keyId].sort(),
      'previous revoked, foreign kept',
    );
    const writes = emulator
      .requests()
      .filter((r) => r.write)
      .map((r) => r.operation);
    assert.deepEqual(writes, [
      'graph.applications.addPassword',
      'devops.endpoints.update',
      'graph.applications.removePassword',
    ]);

    const end = emulator.state
      .application(String(app.appId))!
      .passwordCredentials.find((p) => p.keyId === record.keyId)!.endDateTime;
    const values = outputs(run);
    assert.deepEqual(Object.keys(values).sort(), OUTPUT_NAMES);
    assert.deepEqual(values, {
      ExpiryStatus: 'ok',
      ConnectionCount: '1',
      ExpiringCount: '0',
      ExpiredCount: '0',
      RotatedCount: '1',
      FailedCount: '0',
      NextExpiry: end.toISOString(),
      DaysUntilNextExpiry: String(Math.floor((end.getTime() - Date.now()) / MS_PER_DAY)),
      ReportPath: values.ReportPath,
      MigratedCount: '0',
      ...(OUTPUT_NAMES.includes('LegacyIssuerCount') ? { LegacyIssuerCount: '0' } : {}),
    });
    const row = report(run).connections.find((c) => c.name === 'prod-deploy')!;
    assert.equal(row.action, 'rotated');
    assert.deepEqual(row.removedKeyIds, [previous]);
    assert.match(row.detail, /Rotated \(forced\)/);
    assert.equal(row.next, `The previous secret ${previous} was revoked in this run.`);

    const minted = emulator.issuedSecrets();
    assert.equal(run.secrets.length, 2, 'the job token and the new secret');
    for (const secret of minted) assert.deepEqual(leaks(run, secret), [], 'secret printed');
    const reportText = fs.readFileSync(values.ReportPath!, 'utf8');
    const summary = fs.readFileSync(run.summaries[0]!, 'utf8');
    for (const secret of minted) {
      assert.ok(!reportText.includes(secret) && !summary.includes(secret), 'no secret in report or summary');
      assert.ok(!Object.values(values).some((v) => String(v).includes(secret)), 'no secret in variables');
    }
  });

  it('verified attribution: a connection storing an expired secret beside a valid one is reported expired, naming the secret it does not use', async () => {
    const org = demoOrg();
    const connection = connectionNamed(org, 'prod-deploy') as unknown as Json;
    const app = applicationNamed(org, 'deploy-prod') as unknown as Json;
    const valid = '45ac16b9-c20d-4c21-8f8a-7abff2e91ac7';
    const expired = '14000000-0000-4000-8000-00000000000e';
    // The connection still stores last year's secret; the app's valid one is another consumer's.
    (app.passwordCredentials as Json[]).push({
      keyId: expired,
      displayName: 'created by hand',
      startDaysAgo: 400,
      expiresInDays: -3,
    });
    connection.secret = { passwordKeyId: expired };
    emulator = await startFor(org as OrgDescription);

    const run = await runJob(emulator, org as OrgDescription, {
      inputs: { action: 'report', projects: 'Platform', connections: 'prod-deploy' },
    });
    assert.equal(run.result, 'Failed');
    const tests = emulator.requests().filter((r) => r.operation === 'devops.endpointproxy.execute');
    assert.deepEqual(
      tests.map((r) => r.status),
      [200],
      'one TestConnection of the stored details',
    );
    assert.deepEqual(
      emulator.requests().filter((r) => r.write),
      [],
      'a report writes nothing',
    );
    const values = outputs(run);
    assert.equal(values.ExpiryStatus, 'expired');
    assert.equal(values.ExpiredCount, '1');
    assert.equal(values.FailedCount, '1');
    const row = report(run).connections.find((c) => c.name === 'prod-deploy')!;
    assert.equal(row.status, 'expired');
    assert.equal(row.code, 'stored_secret_rejected');
    assert.equal(row.keyId, expired);
    const validUntil = (
      emulator.state.application(String(app.appId))!.passwordCredentials.find((p) => p.keyId === valid)!
        .endDateTime as Date
    )
      .toISOString()
      .slice(0, 10);
    const message = `TestConnection of "prod-deploy" fails: Entra ID refuses its stored secret as expired (AADSTS7000222). Application ${String(app.appId)} still holds the valid secret keyId ${valid} ("prod secret"), valid until ${validUntil}, but the connection does not use it.`;
    assert.equal(row.detail, message);
    const summary = fs.readFileSync(run.summaries[0]!, 'utf8');
    assert.ok(summary.includes('but the connection does not use it.'), summary);
    assert.ok(run.stdout.includes('does not use it'), 'the log says it too');
    // Neither secret of the app (the stored expired one, the other consumer's) is printed anywhere.
    const reportText = fs.readFileSync(values.ReportPath!, 'utf8');
    for (const p of emulator.state.application(String(app.appId))!.passwordCredentials) {
      assert.deepEqual(leaks(run, p.secretText), [], 'secret printed');
      assert.ok(
        !reportText.includes(p.secretText) && !summary.includes(p.secretText),
        'no secret in report or summary',
      );
    }
  });

  it("an organization whose names, descriptions and error texts carry ##vso commands: only the task's own commands reach the agent", async () => {
    const { org, names, fault } = hostileOrg();
    emulator = await startFor(org, { propagationDelayMs: 500 });
    emulator.faults.add(fault);
    const run = await runJob(emulator, org, { inputs: { action: 'rotate', projects: '*' } });

    const commands = agentCommands(run);
    assert.deepEqual(
      commands.filter((c) => !isTaskOwnCommand(c)).map((c) => c.line),
      [],
      "no command but the task's own",
    );
    assert.deepEqual(
      commands.filter((c) => c.at !== 0).map((c) => c.line),
      [],
      'every command the agent sees is a line the task-lib wrote, at its start',
    );
    assert.deepEqual(
      commands
        .filter((c) => c.command === 'task.setvariable')
        .map((c) => c.properties.variable)
        .sort(),
      OUTPUT_NAMES,
      'exactly the declared output variables, once each',
    );
    const complete = commands.filter((c) => c.command === 'task.complete');
    assert.equal(complete.length, 1);
    assert.equal(complete[0]!.properties.result, 'Failed');
    // The task's own upload of its report is the only one: the names' `artifact.upload ... loot` never reaches the agent.
    assert.deepEqual(
      commands.filter((c) => c.command === 'artifact.upload').map((c) => c.properties.artifactname),
      ['ServiceConnectionRotatorReport'],
    );
    assert.equal(
      run.variables.RotatedCount?.value,
      '2',
      'legacy and shared rotated; staging failed its test',
    );

    // The names are still readable in the log, and exact in the JSON report.
    assert.ok(run.stdout.includes('legacy ##_vso[task.setvariable variable=RotatedCount;isOutput=true]999'));
    assert.ok(run.stdout.includes('staging ##_vso[task.prependpath]/tmp/evil'));
    assert.ok(run.stdout.includes('##_vso[task.complete result=Succeeded]'), 'the error text, neutralised');
    const json = report(run);
    for (const name of Object.values(names)) {
      assert.ok(
        json.connections.some((c) => c.name === name),
        `report keeps ${name} exactly`,
      );
    }
    const staging = json.connections.find((c) => c.name === names.staging)!;
    assert.equal(staging.action, 'failed');
    // The summary table: six cells per row, whatever a name holds.
    const summary = fs.readFileSync(run.summaries[0]!, 'utf8');
    const [table = '', federation = ''] = summary.split('\n### Federation\n');
    const rows = table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| status'));
    assert.equal(rows.length, json.connections.length);
    for (const line of rows) assert.equal(line.split(/(?<!\\)\|/).length - 2, 6, line);
    // The Federation section's tables keep their cells too (3 for connections, 4 for credentials).
    for (const line of federation.split('\n').filter((l) => l.startsWith('| '))) {
      assert.ok([3, 4].includes(line.split(/(?<!\\)\|/).length - 2), line);
    }
  });
});

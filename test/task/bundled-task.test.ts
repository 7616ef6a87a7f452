/**
 * The staged bundle (dist/extension/tasks/ServiceConnectionRotatorV1/index.js, as it ships) run
 * the way the agent runs it — INPUT_*, ENDPOINT_*, SYSTEM_* in, ##vso lines out — against the
 * emulator over HTTPS with the real clients inside.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Emulator, OrgDescription } from '../../emulator';
import { MS_PER_DAY } from '../../lib/clock';
import { parseRecord } from '../../lib/rotation/record';
import type { TaskRun } from '../../scripts/agent/run-task';
import {
  applicationNamed,
  demoOrg,
  leaks,
  orgWithRotatorVariants,
  ROTATOR_CERT_CONNECTION,
  ROTATOR_SECRET_CONNECTION,
  reportOf as report,
  runJob,
  stagedTaskDir,
  startFor,
  USER_ROLE_PAT,
} from './task-harness';

function outputs(run: TaskRun): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, v] of Object.entries(run.variables)) {
    assert.equal(v.isOutput, true, `${name} is an output variable`);
    values[name] = v.value;
  }
  return values;
}

function writes(emulator: Emulator) {
  return emulator.requests().filter((r) => r.write);
}

/** Asserts that no secret in `secrets` is printed anywhere but its own setsecret line. */
function assertNoLeak(run: TaskRun, secrets: readonly string[]): void {
  for (const secret of secrets) assert.deepEqual(leaks(run, secret), [], 'secret printed');
}

describe('the bundled task against the emulator', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let org: OrgDescription;

  before(() => {
    stagedTaskDir();
  });

  afterEach(async () => {
    await emulator?.close();
  });

  it('reports a mixed organization: exact variables, result Failed, and zero write requests', async () => {
    org = demoOrg();
    emulator = await startFor(org);
    const run = await runJob(emulator, org, { inputs: { action: 'report', projects: '*' } });

    assert.equal(run.result, 'Failed');
    assert.match(
      run.resultMessage ?? '',
      /11 service connections: 1 expired, 3 failed, 2 expiring within 30 days/,
    );
    const legacy = applicationNamed(org, 'deploy-legacy');
    const legacyEnd = emulator.state.application(legacy.appId)!.passwordCredentials[0]!.endDateTime;
    const values = outputs(run);
    assert.deepEqual(values, {
      ExpiryStatus: 'expired',
      ConnectionCount: '11',
      ExpiringCount: '2',
      ExpiredCount: '1',
      RotatedCount: '0',
      FailedCount: '3',
      NextExpiry: legacyEnd.toISOString(),
      DaysUntilNextExpiry: String(Math.floor((legacyEnd.getTime() - Date.now()) / MS_PER_DAY)),
      ReportPath: values.ReportPath,
      MigratedCount: '0',
      // web-wif: on the Azure DevOps issuer, its app trusting it (retires 2027-07-01).
      LegacyIssuerCount: '1',
    });
    assert.equal(values.DaysUntilNextExpiry, '-6');
    assert.deepEqual(writes(emulator), []);
    // One connection list per project, application reads batched, one listing of disabled SPs.
    assert.equal(emulator.requests().filter((r) => r.operation === 'devops.endpoints.list').length, 3);
    assert.equal(emulator.requests().filter((r) => r.operation === 'graph.batch').length, 1);
    assert.equal(emulator.requests().filter((r) => r.operation === 'graph.servicePrincipals.list').length, 1);
    assert.equal(emulator.requests().filter((r) => r.operation === 'graph.servicePrincipals.get').length, 0);

    const json = report(run);
    assert.equal(json.schemaVersion, 1);
    assert.equal(json.connections.length, 11);
    const shared = json.connections.find((c) => c.name === 'shared-deploy')!;
    assert.deepEqual(shared.projects, ['Payments', 'Web']);
    assert.equal(shared.status, 'warning');
    assert.equal(json.connections.find((c) => c.name === 'old-sandbox')!.code, 'app_not_found');
    assert.equal(json.connections.find((c) => c.name === 'disabled-sp')!.code, 'service_principal_disabled');
    assert.ok(!json.connections.some((c) => c.name === 'github'), 'non-AzureRM connections are out of scope');

    assert.equal(run.summaries.length, 1);
    const summary = fs.readFileSync(run.summaries[0]!, 'utf8');
    assert.match(summary, /\| 🔴 expired \| -6 \| legacy-deploy \| Payments \|/);
    assert.match(summary, /\| ❌ action needed \| — \| old-sandbox \| Web \|/);
    assert.ok(
      run.commands.some((c) => c.command === 'task.setprogress'),
      'reports progress',
    );
    assert.equal(run.commands.filter((c) => c.command === 'task.complete').length, 1);
    // The report as the health page's build artifact (issue #18): the file just written, into
    // this job's folder of the fixed artifact, and the tag the page queries runs by.
    const upload = run.commands.find((c) => c.command === 'artifact.upload');
    const folder = upload?.properties.containerfolder ?? '';
    assert.match(folder, /^ServiceConnectionRotatorReport\/[0-9a-f-]{36}$/, 'the job id (System.JobId)');
    assert.deepEqual(
      run.commands
        .filter((c) => c.command === 'artifact.upload' || c.command === 'build.addbuildtag')
        .map((c) => ({ command: c.command, properties: c.properties, message: c.message })),
      [
        {
          command: 'artifact.upload',
          properties: {
            containerfolder: folder,
            artifactname: 'ServiceConnectionRotatorReport',
          },
          message: values.ReportPath,
        },
        { command: 'build.addbuildtag', properties: {}, message: 'service-connection-rotator-report' },
      ],
    );
    assertNoLeak(run, emulator.issuedSecrets());
  });

  it('rotates what is due: new recorded secrets that work, variables, report and final state', async () => {
    org = demoOrg();
    emulator = await startFor(org, { propagationDelayMs: 1500 });
    const before = emulator.state.snapshot();
    const run = await runJob(emulator, org, { inputs: { action: 'rotate', projects: '*' } });

    // Still Failed: three connections need a person (other tenant, deleted app, disabled SP).
    assert.equal(run.result, 'Failed', run.resultMessage ?? '');
    const values = outputs(run);
    assert.equal(values.RotatedCount, '3');
    assert.equal(values.ExpiredCount, '0');
    assert.equal(values.ExpiringCount, '0');
    assert.equal(values.FailedCount, '3');
    assert.equal(values.ExpiryStatus, 'ok');

    const after = emulator.state.snapshot();
    for (const name of ['legacy-deploy', 'staging-deploy', 'shared-deploy']) {
      const connection = after.serviceConnections.find((c) => c.name === name)!;
      const record = parseRecord(connection.description);
      assert.ok(record, `${name} carries a record`);
      assert.equal(connection.secret?.kind, 'password');
      assert.equal(connection.secret?.keyId, record.keyId, `${name} stores the recorded password`);
      const app = after.applications.find(
        (a) => a.appId === connection.authorizationParameters.serviceprincipalid,
      )!;
      const installed = app.passwordCredentials.find((p) => p.keyId === record.keyId)!;
      assert.match(installed.displayName ?? '', new RegExp(`^sc-rotator ${connection.id} `));
      const old = before.applications.find((a) => a.appId === app.appId)!.passwordCredentials;
      for (const p of old)
        assert.ok(
          app.passwordCredentials.some((q) => q.keyId === p.keyId),
          'old passwords kept',
        );
    }
    const unchanged = ['prod-deploy', 'auto-deploy', 'disabled-sp', 'fabrikam-deploy', 'cert-deploy'];
    for (const name of unchanged) {
      assert.deepEqual(
        after.serviceConnections.find((c) => c.name === name),
        before.serviceConnections.find((c) => c.name === name),
        `${name} untouched`,
      );
    }
    // Every TestConnection of the stored details passes (the emulator checks the secret in Entra terms).
    const log = emulator.requests();
    const updates = log.filter((r) => r.operation === 'devops.endpoints.update');
    assert.equal(updates.length, 3);
    assert.equal(log.filter((r) => r.operation === 'graph.applications.addPassword').length, 3);
    const json = report(run);
    assert.deepEqual(
      json.connections
        .filter((c) => c.action === 'rotated')
        .map((c) => c.name)
        .sort(),
      ['legacy-deploy', 'shared-deploy', 'staging-deploy'],
    );
    // Secrets: each new one registered before anything else printed it; none anywhere else.
    const minted = emulator.issuedSecrets();
    assert.equal(run.secrets.length, 4, 'the job token and three new secrets');
    assertNoLeak(run, minted);
    const reportText = fs.readFileSync(run.variables.ReportPath!.value, 'utf8');
    const summary = fs.readFileSync(run.summaries[0]!, 'utf8');
    for (const secret of minted) {
      assert.ok(!reportText.includes(secret) && !summary.includes(secret), 'no secret in report or summary');
      assert.ok(!Object.values(values).some((v) => v.includes(secret)), 'no secret in variables');
    }

    // A second run finds nothing due and writes nothing.
    emulator.clearRequests();
    const again = await runJob(emulator, org, { inputs: { action: 'rotate', projects: '*' } });
    assert.equal(outputs(again).RotatedCount, '0');
    assert.deepEqual(writes(emulator), []);
  });

  it('plans in a dry run and changes nothing; publishReport false publishes no artifact', async () => {
    org = demoOrg();
    emulator = await startFor(org);
    const run = await runJob(emulator, org, {
      inputs: { action: 'rotate', dryRun: 'true', projects: '*', publishReport: 'false' },
    });
    assert.deepEqual(
      run.commands.filter((c) => c.command === 'artifact.upload' || c.command === 'build.addbuildtag'),
      [],
    );
    assert.deepEqual(writes(emulator), []);
    assert.equal(outputs(run).RotatedCount, '0');
    assert.equal(outputs(run).ExpiredCount, '1');
    const json = report(run);
    assert.equal(json.dryRun, true);
    assert.deepEqual(
      json.connections
        .filter((c) => c.action === 'would_rotate')
        .map((c) => c.name)
        .sort(),
      ['legacy-deploy', 'shared-deploy', 'staging-deploy'],
    );
    assert.equal(run.secrets.length, 1, 'only the job token');
  });

  it('signs in as a rotator with a client secret, and with a certificate', async () => {
    org = orgWithRotatorVariants();
    emulator = await startFor(org);
    for (const id of [ROTATOR_SECRET_CONNECTION, ROTATOR_CERT_CONNECTION]) {
      emulator.clearRequests();
      const run = await runJob(emulator, org, {
        rotatorConnectionId: id,
        inputs: { action: 'report', projects: 'Platform', connections: 'prod-deploy' },
      });
      assert.equal(run.result, 'Succeeded', `${id}: ${run.resultMessage}`);
      assert.equal(outputs(run).ConnectionCount, '1');
      const tokens = emulator.requests().filter((r) => r.operation === 'entra.token');
      assert.ok(tokens.length >= 1 && tokens.every((t) => t.status === 200));
      assertNoLeak(run, emulator.issuedSecrets());
    }
  });

  it('calls Azure DevOps with a PAT, with the job token, or as the rotator identity', async () => {
    org = demoOrg();
    emulator = await startFor(org);
    const pat = (org.identities ?? []).find((i) => i.id === 'dana-admin')!.pat!;
    const modes: Array<[string, Record<string, string>, string]> = [
      [
        'personalAccessToken',
        { devOpsAuthentication: 'personalAccessToken', personalAccessToken: pat },
        'dana-admin',
      ],
      ['jobToken', {}, 'contoso-build'],
      ['rotatorConnection', { devOpsAuthentication: 'rotatorConnection' }, 'rotator-spn'],
    ];
    for (const [mode, inputs, identity] of modes) {
      emulator.clearRequests();
      const run = await runJob(emulator, org, {
        inputs: { action: 'report', projects: 'Platform', ...inputs },
      });
      assert.ok(
        run.result === 'Failed' || run.result === 'Succeeded' || run.result === 'SucceededWithIssues',
      );
      // Platform: prod, staging, cert, disabled-sp and rotator-wif (the GitHub connection is out of scope).
      assert.equal(outputs(run).ConnectionCount, '5', `${mode}: ${run.resultMessage}`);
      const callers = new Set(
        emulator
          .requests()
          .filter((r) => r.operation === 'devops.endpoints.list')
          .map((r) => r.caller),
      );
      assert.deepEqual([...callers], [identity], mode);
      assertNoLeak(run, [pat, ...emulator.issuedSecrets()]);
    }
  });

  it('names the application and the Graph permission to grant when Graph refuses the new secret', async () => {
    org = demoOrg();
    const mutable = org as unknown as { applications: Array<Record<string, unknown>> };
    // The rotator may read every app but owns none of deploy-staging: reads pass, writes are refused.
    const rotatorApp = mutable.applications.find((a) => a.displayName === 'sc-rotator')!;
    rotatorApp.graphPermissions = ['Application.Read.All', 'Application.ReadWrite.OwnedBy'];
    mutable.applications.find((a) => a.displayName === 'deploy-staging')!.owners = [];
    emulator = await startFor(org);
    const run = await runJob(emulator, org, { inputs: { action: 'rotate', projects: 'Platform, Payments' } });
    const rows = report(run).connections;
    const staging = rows.find((c) => c.name === 'staging-deploy')!;
    assert.equal(staging.action, 'failed');
    assert.equal(staging.code, 'graph.forbidden');
    const appId = applicationNamed(org, 'deploy-staging').appId;
    assert.equal(
      staging.next,
      `Make the rotator's service principal an owner of the application "deploy-staging" (appId ${appId}) and grant it Application.ReadWrite.OwnedBy (or grant Application.ReadWrite.All).`,
    );
    // The others still rotate.
    assert.deepEqual(
      rows
        .filter((c) => c.action === 'rotated')
        .map((c) => c.name)
        .sort(),
      ['legacy-deploy', 'shared-deploy'],
    );
    assert.equal(run.result, 'Failed');
  });

  it('names the connection and the role to grant when the identity may not update it', async () => {
    org = orgWithRotatorVariants();
    emulator = await startFor(org);
    const run = await runJob(emulator, org, {
      inputs: {
        action: 'rotate',
        projects: 'Platform',
        connections: 'staging-deploy',
        devOpsAuthentication: 'personalAccessToken',
        personalAccessToken: USER_ROLE_PAT,
      },
    });
    assert.equal(run.result, 'Failed');
    const row = report(run).connections.find((c) => c.name === 'staging-deploy')!;
    assert.equal(row.action, 'failed');
    assert.equal(row.code, 'devops.not_admin');
    assert.match(row.next, /"Administrator" role on the service connection 'staging-deploy'/);
    assert.equal(
      emulator.requests().filter((r) => r.operation === 'devops.endpoints.update')[0]?.status,
      403,
    );
    // The password minted for the refused switch was removed again; the stored secret is unchanged.
    const staging = emulator.state.snapshot().serviceConnections.find((c) => c.name === 'staging-deploy')!;
    assert.deepEqual(staging.secret, { kind: 'password', keyId: 'bbeeb636-1d33-4c6d-96f0-da847a2a3b87' });
    const app = emulator.state.application(applicationNamed(org, 'deploy-staging').appId)!;
    assert.deepEqual(
      app.passwordCredentials.map((p) => p.displayName),
      ['staging secret'],
    );
    assertNoLeak(run, [USER_ROLE_PAT, ...emulator.issuedSecrets()]);
  });
});

/**
 * The `service-connection-rotator` command as a person runs it: the compiled bin in a child
 * process, the environment in (AZURE_* variables, NODE_EXTRA_CA_CERTS for the emulator's CA), the
 * table on stdout, progress on stderr, files where asked, the exit code; against the emulator
 * with the real clients, checked against its request log and final state.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { camel, FLAGS } from '../../cli/flags';
import type { Emulator, OrgDescription } from '../../emulator';
import type { MergedReport, RunReport } from '../../lib';
import { parseRecord } from '../../lib/rotation/record';
import { rotatorEndpoint } from '../../scripts/agent/emulator-agent';
import manifest from '../../task.json';
import {
  orgWithRotatorVariants,
  ROTATOR_CERT_CONNECTION,
  ROTATOR_SECRET_CONNECTION,
  startFor,
} from '../task/task-harness';

const BIN = path.resolve(__dirname, '..', '..', 'cli', 'index.js');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  onStderr?: (text: string, child: ChildProcess) => void,
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      // Only what the command needs: no AZURE_* of the machine running the tests.
      {
        cwd,
        env: { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: env.NODE_EXTRA_CA_CERTS ?? '', ...env },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (onStderr) child.stderr?.on('data', (chunk: Buffer | string) => onStderr(String(chunk), child));
  });
}

function writes(emulator: Emulator) {
  return emulator.requests().filter((r) => r.write);
}

describe('the service-connection-rotator command against the emulator', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let org: OrgDescription;
  let env: Record<string, string>;
  let dir: string;
  let secrets: string[];

  beforeEach(async () => {
    org = orgWithRotatorVariants();
    emulator = await startFor(org, { propagationDelayMs: 0 });
    const rotator = await rotatorEndpoint(emulator, ROTATOR_SECRET_CONNECTION);
    env = {
      NODE_EXTRA_CA_CERTS: emulator.caCertPath,
      AZURE_TENANT_ID: rotator.parameters.tenantid!,
      AZURE_CLIENT_ID: rotator.parameters.serviceprincipalid!,
      AZURE_CLIENT_SECRET: rotator.parameters.serviceprincipalkey!,
    };
    secrets = [env.AZURE_CLIENT_SECRET!];
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scr-cli-'));
    emulator.clearRequests();
  });
  afterEach(async () => {
    await emulator?.close();
  });

  const endpoints = () => [
    '--graph-url',
    emulator.urls.graph,
    '--authority-host',
    emulator.urls.authorityHost,
  ];

  /** Asserts no secret the test knows of, nor any the emulator issued, is in the output. */
  function assertNoSecret(run: CliRun, extra: readonly string[] = []): void {
    for (const secret of [...secrets, ...emulator.issuedSecrets(), ...extra]) {
      assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), 'a secret was printed');
    }
  }

  it('report: exit 1 with an expired connection, a table, progress on stderr, a JSON report of every connection', async () => {
    const run = await cli(
      ['report', '--organization', emulator.urls.organization, ...endpoints(), '--json', 'out/report.json'],
      env,
      dir,
    );
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'report.json'), 'utf8')) as RunReport;
    const azureRm = emulator.state
      .snapshot()
      .serviceConnections.filter((c) => c.type.toLowerCase() === 'azurerm')
      .map((c) => c.id)
      .sort();
    assert.deepEqual(report.connections.map((c) => c.id).sort(), azureRm, 'every AzureRM connection');
    assert.equal(report.action, 'report');
    assert.equal(report.connections.find((c) => c.name === 'legacy-deploy')!.status, 'expired');

    const lines = run.stdout.split('\n');
    assert.match(lines[0]!, /^STATUS +DAYS +CONNECTION +PROJECTS +ACTION +DETAIL$/);
    assert.ok(
      lines.some((l) => /^expired +-6 +legacy-deploy +Payments +none +Rotate it/.test(l)),
      run.stdout,
    );
    assert.match(run.stdout, /\nFailed: \d+ service connections: 1 expired, /);
    assert.ok(!run.stdout.includes('\x1b['), 'no color when stdout is not a terminal');
    assert.match(run.stderr, /: connections \d+\/\d+\n/);
    assert.match(run.stderr, /Wrote .*report\.json/);
    assert.deepEqual(writes(emulator), []);
    // Azure DevOps was called as the rotator identity (no AZURE_DEVOPS_EXT_PAT).
    const callers = new Set(
      emulator
        .requests()
        .filter((r) => r.operation === 'devops.endpoints.list')
        .map((r) => r.caller),
    );
    assert.deepEqual([...callers], ['rotator-spn']);
    assertNoSecret(run);
  });

  it('exits 2 on invalid usage and sends nothing', async () => {
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [
        ['report', '--organization', emulator.urls.organization, '--bogus'],
        {},
        /'report' has no flag '--bogus'/,
      ],
      [
        ['report', '--organization', emulator.urls.organization, '--warning-days', 'soon'],
        {},
        /Flag '--warning-days' has value 'soon': expected a whole number from 0 to 3650/,
      ],
      [
        [
          'rotate',
          '--organization',
          emulator.urls.organization,
          '--warning-days',
          '5',
          '--failure-days',
          '6',
        ],
        {},
        /Flag '--failure-days' has value '6': expected a whole number from 0 to 5/,
      ],
      [
        ['report', '--organization', 'http://insecure.example/org'],
        {},
        /Flag '--organization' has value 'http:/,
      ],
      [['report'], {}, /'report' needs --organization URL/],
      [
        ['report', '--organization', emulator.urls.organization, '--dry-run'],
        {},
        /'report' has no flag '--dry-run'/,
      ],
      [
        ['report', '--organization', emulator.urls.organization, '--force-rotation'],
        {},
        /'report' has no flag '--force-rotation'/,
      ],
      [
        ['report', '--organization', emulator.urls.organization],
        { AZURE_CLIENT_SECRET: '' },
        /AZURE_CLIENT_ID is set without AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH/,
      ],
      [['migrate'], {}, /'migrate' needs --organization URL/],
      [
        ['revert-migration', '--organization', emulator.urls.organization, '--rotate-within-days', '3'],
        {},
        /'revert-migration' has no flag '--rotate-within-days'/,
      ],
      [['frobnicate'], {}, /Unknown command 'frobnicate'/],
      [['merge-reports', 'missing.json'], {}, /Cannot read 'missing\.json'/],
    ];
    for (const [args, change, message] of cases) {
      const run = await cli(
        [...args, ...(args.length > 1 && args[0] !== 'merge-reports' ? endpoints() : [])],
        { ...env, ...change },
        dir,
      );
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /--help' for usage\.\n$/);
      assert.equal(run.stdout, '');
      assert.deepEqual(emulator.requests(), [], `${args.join(' ')} sent a request`);
    }
  });

  it('rotate: rotates a due connection, records it, and prints no secret', async () => {
    const before = emulator.state.snapshot();
    const legacy = before.serviceConnections.find((c) => c.name === 'legacy-deploy')!;
    const run = await cli(
      [
        'rotate',
        '--organization',
        emulator.urls.organization,
        ...endpoints(),
        '--connections',
        'legacy-deploy',
        '--summary',
        'summary.md',
      ],
      env,
      dir,
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^ok +\d+ +legacy-deploy +Payments +rotated /m);
    assert.match(run.stdout, /\nSucceeded: 1 service connection: all secrets ok; rotated 1\.\n$/);
    assert.match(run.stderr, /plan: 1 to rotate, 0 to clean up, 0 skipped/);

    const after = emulator.state.snapshot().serviceConnections.find((c) => c.id === legacy.id)!;
    const record = parseRecord(after.description);
    assert.ok(record, 'the connection carries a record');
    assert.equal(after.secret?.kind === 'password' ? after.secret.keyId : null, record.keyId);
    assert.deepEqual(
      writes(emulator).map((r) => r.operation),
      ['graph.applications.addPassword', 'devops.endpoints.update'],
    );
    const summary = fs.readFileSync(path.join(dir, 'summary.md'), 'utf8');
    assert.match(summary, /\| 🟢 ok \| \d+ \| legacy-deploy \| Payments \| Rotated \\\(expired\\\)/);
    const minted = emulator.issuedSecrets();
    assertNoSecret(run, minted);
    for (const secret of minted) assert.ok(!summary.includes(secret), 'no secret in the summary');
  });

  it('rotate --force-rotation: replaces an ok secret now, and names the foreign one it must not revoke', async () => {
    const before = emulator.state.snapshot();
    const prod = before.serviceConnections.find((c) => c.name === 'prod-deploy')!;
    const oldKeyId = (prod.secret?.kind === 'password' ? prod.secret.keyId : null) ?? '';
    const run = await cli(
      [
        'rotate',
        '--organization',
        emulator.urls.organization,
        ...endpoints(),
        '--connections',
        'prod-deploy',
        '--force-rotation',
        '--revoke-after-hours',
        '0',
        '--json',
        'forced.json',
      ],
      env,
      dir,
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /plan: 1 to rotate, 0 to clean up, 0 skipped/);
    const after = emulator.state.snapshot();
    const stored = after.serviceConnections.find((c) => c.id === prod.id)!;
    const newKeyId = stored.secret?.kind === 'password' ? stored.secret.keyId : '';
    assert.notEqual(newKeyId, oldKeyId, 'a new secret is stored');
    assert.equal(parseRecord(stored.description ?? '')?.keyId, newKeyId);
    // The secret it replaced was not minted by this product: it stays, and the report says so.
    const app = after.applications.find((a) => a.appId === prod.authorizationParameters.serviceprincipalid)!;
    assert.ok(
      app.passwordCredentials.some((p) => p.keyId === oldKeyId),
      'the foreign secret is kept',
    );
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'forced.json'), 'utf8')) as RunReport;
    const row = report.connections.find((c) => c.id === prod.id)!;
    assert.equal(row.action, 'rotated');
    assert.ok(JSON.stringify(row).includes(oldKeyId), 'the report names the foreign keyId');
    assert.equal(report.policy.forceRotation, true);
    assertNoSecret(run, emulator.issuedSecrets());
  });

  it('merges two organizations into one report, and merge-reports merges the files again', async () => {
    // A second organization of the same tenant: same apps in Graph, its own Azure DevOps.
    const second = orgWithRotatorVariants() as OrgDescription & {
      organization: { name: string; id: string };
    };
    second.organization = {
      ...second.organization,
      name: 'fabrikam',
      id: '0f0f0f0f-0000-4000-8000-000000000002',
    };
    const other = await startFor(second);
    try {
      const pat = (org.identities ?? []).find((i) => i.id === 'dana-admin')!.pat!;
      secrets.push(pat);
      const run = await cli(
        [
          'report',
          '--organization',
          emulator.urls.organization,
          '--organization',
          other.urls.organization,
          ...endpoints(),
          '--projects',
          'Platform',
          '--json',
          'merged.json',
          '--summary',
          'merged.md',
        ],
        { ...env, AZURE_DEVOPS_EXT_PAT: pat },
        dir,
      );
      // Platform holds connections that fail in both organizations (Graph refuses, a disabled SP).
      assert.equal(run.code, 1, run.stdout + run.stderr);
      const merged = JSON.parse(fs.readFileSync(path.join(dir, 'merged.json'), 'utf8')) as MergedReport;
      assert.equal(merged.kind, 'merged');
      assert.deepEqual(
        merged.reports.map((r) => r.organizationUrl),
        [emulator.urls.organization.replace(/\/$/, ''), other.urls.organization.replace(/\/$/, '')],
      );
      assert.deepEqual(merged.failures, []);
      for (const report of merged.reports) assert.equal(report.connections.length, 7);
      assert.match(
        run.stdout,
        /\nFailed: 2 runs\. https:\/\/127\.0\.0\.1:\d+\/contoso: 7 service connections: 3 failed, .* https:\/\/127\.0\.0\.1:\d+\/fabrikam: 7 service connections: 3 failed, /,
      );
      assert.equal(
        run.stdout.split('\n').filter((l) => l.startsWith('STATUS')).length,
        2,
        'one table per organization',
      );
      // Each organization was read through its own Azure DevOps, as dana-admin (the PAT).
      for (const e of [emulator, other]) {
        const callers = new Set(
          e
            .requests()
            .filter((r) => r.operation === 'devops.endpoints.list')
            .map((r) => r.caller),
        );
        assert.deepEqual([...callers], ['dana-admin']);
      }
      assert.match(
        fs.readFileSync(path.join(dir, 'merged.md'), 'utf8'),
        /^## https:\/\/127\.0\.0\.1:\d+\/fabrikam$/m,
      );
      assertNoSecret(run);

      // The two reports written separately, merged by merge-reports: the same runs.
      fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify(merged.reports[0]));
      fs.writeFileSync(path.join(dir, 'b.json'), JSON.stringify(merged.reports[1]));
      emulator.clearRequests();
      const again = await cli(['merge-reports', 'a.json', 'b.json', '--json', 'again.json'], {}, dir);
      assert.equal(again.code, 1, again.stderr);
      const remerged = JSON.parse(fs.readFileSync(path.join(dir, 'again.json'), 'utf8')) as MergedReport;
      assert.deepEqual(remerged.reports, merged.reports);
      assert.equal(again.stdout.split('\n').filter((l) => l.startsWith('STATUS')).length, 2);
      assert.deepEqual(emulator.requests(), [], 'merging sends nothing');
    } finally {
      await other.close();
    }
  });

  it('migrate: a dry run writes nothing, then two connections move to federation, and revert-migration undoes it', async () => {
    const names = 'prod-deploy, auto-deploy';
    const args = (command: string, ...more: string[]) => [
      command,
      '--organization',
      emulator.urls.organization,
      ...endpoints(),
      '--connections',
      names,
      ...more,
    ];
    const dry = await cli(args('migrate', '--dry-run', '--json', 'dry.json'), env, dir);
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    assert.deepEqual(writes(emulator), [], 'a dry run writes nothing');
    const planned = JSON.parse(fs.readFileSync(path.join(dir, 'dry.json'), 'utf8')) as RunReport;
    assert.deepEqual(
      planned.connections.map((c) => [c.name, c.action]),
      [
        ['auto-deploy', 'would_migrate'],
        ['prod-deploy', 'would_migrate'],
      ],
    );

    const migrated = await cli(args('migrate'), env, dir);
    assert.equal(migrated.code, 0, migrated.stdout + migrated.stderr);
    assert.match(migrated.stdout, /^ok +- +auto-deploy +Payments +migrated /m);
    for (const name of ['prod-deploy', 'auto-deploy']) {
      const stored = emulator.state.snapshot().serviceConnections.find((c) => c.name === name)!;
      assert.equal(emulator.state.connection(stored.id)!.scheme, 'WorkloadIdentityFederation', name);
    }
    const reverted = await cli(args('revert-migration'), env, dir);
    assert.equal(reverted.code, 0, reverted.stdout + reverted.stderr);
    for (const name of ['prod-deploy', 'auto-deploy']) {
      const stored = emulator.state.snapshot().serviceConnections.find((c) => c.name === name)!;
      assert.equal(emulator.state.connection(stored.id)!.scheme, 'ServicePrincipal', name);
    }
    for (const run of [dry, migrated, reverted]) assertNoSecret(run);
  });

  it('cancels on SIGINT: the report says what was done and the exit status is 1', async () => {
    await emulator.close();
    // Slow propagation keeps the rotation in flight when the signal comes.
    emulator = await startFor(org, { propagationDelayMs: 4000 });
    const rotator = await rotatorEndpoint(emulator, ROTATOR_SECRET_CONNECTION);
    env = {
      ...env,
      NODE_EXTRA_CA_CERTS: emulator.caCertPath,
      AZURE_CLIENT_SECRET: rotator.parameters.serviceprincipalkey!,
    };
    let sent = false;
    const run = await cli(
      ['rotate', '--organization', emulator.urls.organization, ...endpoints(), '--json', 'cancelled.json'],
      env,
      dir,
      (text, child) => {
        if (!sent && text.includes('plan:')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    );
    assert.ok(sent, run.stderr);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /SIGINT: cancelling/);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'cancelled.json'), 'utf8')) as RunReport;
    assert.equal(report.cancelled, true);
    assertNoSecret(run);
  });

  it('signs in with the certificate in AZURE_CLIENT_CERTIFICATE_PATH', async () => {
    const certificate = await rotatorEndpoint(emulator, ROTATOR_CERT_CONNECTION);
    const pem =
      certificate.parameters.servicePrincipalCertificate ??
      certificate.parameters.serviceprincipalcertificate ??
      '';
    assert.ok(pem.includes('PRIVATE KEY'));
    fs.writeFileSync(path.join(dir, 'rotator.pem'), pem);
    const { AZURE_CLIENT_SECRET: _, ...withoutSecret } = env;
    const run = await cli(
      ['report', '--organization', emulator.urls.organization, ...endpoints(), '--projects', 'Web'],
      { ...withoutSecret, AZURE_CLIENT_CERTIFICATE_PATH: path.join(dir, 'rotator.pem') },
      dir,
    );
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    assert.match(run.stdout, /^STATUS/);
    const assertions = emulator.requests().filter((r) => r.operation === 'entra.token');
    assert.ok(assertions.length > 0, 'a token was requested');
    assertNoSecret(run, [pem.slice(pem.indexOf('-----BEGIN PRIVATE KEY'))]);
  });

  it('strips control characters from names before printing them', async () => {
    const legacy = emulator.state.snapshot().serviceConnections.find((c) => c.name === 'legacy-deploy')!;
    // A name with a terminal escape (set the window title), a bell and a right-to-left override.
    const stored = emulator.state.connection(legacy.id)!;
    stored.name = 'legacy\x1b]0;pwned\x07-deploy\u202e';
    for (const reference of stored.projectReferences) reference.name = stored.name;
    emulator.clearRequests();
    const run = await cli(
      ['report', '--organization', emulator.urls.organization, ...endpoints(), '--projects', 'Payments'],
      { ...env, NO_COLOR: '1' },
      dir,
    );
    assert.equal(run.code, 1);
    // Only line breaks remain of the control characters; no escape, bell or bidi override.
    assert.ok(!/[\p{Cc}\p{Cf}]/u.test(run.stdout.replace(/\n/g, '')), JSON.stringify(run.stdout));
    assert.match(run.stdout, /^expired +-6 +legacy\]0;pwned-deploy +Payments /m);
  });
  it('breaks up logging commands in names: the CLI runs in pipelines too', async () => {
    const legacy = emulator.state.snapshot().serviceConnections.find((c) => c.name === 'legacy-deploy')!;
    const stored = emulator.state.connection(legacy.id)!;
    stored.name = 'sc-##vso[task.setvariable variable=X;isOutput=true]pwned';
    for (const reference of stored.projectReferences) reference.name = stored.name;
    const run = await cli(
      [
        'rotate',
        '--organization',
        emulator.urls.organization,
        ...endpoints(),
        '--dry-run',
        '--json',
        'r.json',
      ],
      env,
      dir,
    );
    // The agent acts on `##vso[` or `##[` anywhere in a line of stdout or stderr.
    for (const line of `${run.stdout}\n${run.stderr}`.split('\n')) {
      assert.doesNotMatch(line, /##(vso)?\[/i, line);
    }
    assert.match(run.stdout, /sc-##_vso\[task\.setvariable variable=X;isOutput=true\]pwned/);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'r.json'), 'utf8')) as RunReport;
    assert.ok(
      report.connections.some((c) => c.name === stored.name),
      'the report keeps the exact name',
    );
  });
});

describe('the service-connection-rotator command line', () => {
  const run = (args: string[]) => cli(args, {}, os.tmpdir());

  it('prints help for each command, naming every flag and every way to sign in', async () => {
    const overview = await run(['--help']);
    assert.equal(overview.code, 0);
    for (const command of ['report', 'rotate', 'migrate', 'revert-migration', 'merge-reports']) {
      assert.match(overview.stdout, new RegExp(`^  ${command} +\\S`, 'm'));
    }
    assert.match(overview.stdout, /Exit status: 0 succeeded .* 1 failed .* 2 invalid usage \(nothing sent\)/);
    const rotate = await run(['rotate', '--help']);
    assert.equal(rotate.code, 0);
    for (const flag of FLAGS.filter((f) => f.commands.includes('rotate'))) {
      assert.match(rotate.stdout, new RegExp(`^  --${flag.name}\\b`, 'm'), flag.name);
    }
    assert.match(rotate.stdout, /AZURE_DEVOPS_EXT_PAT/);
    assert.match(rotate.stdout, /AZURE_CLIENT_CERTIFICATE_PATH/);
    assert.match(rotate.stdout, /signed-in Azure CLI is the rotator \('az login'/);
    assert.match(rotate.stdout, /--force-rotation +Rotate every connection in scope now/);
    assert.doesNotMatch(rotate.stdout + overview.stdout, /not available/i);
    const migrate = await run(['migrate', '--help']);
    assert.match(migrate.stdout, /^Usage: service-connection-rotator migrate --organization URL/m);
    assert.match(migrate.stdout, /^ {2}--dry-run +Plan and report what would be done/m);
    assert.doesNotMatch(migrate.stdout, /--rotate-within-days|--automatic-connections/);
    assert.doesNotMatch((await run(['report', '--help'])).stdout, /--dry-run/);
    const none = await run([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^Usage: service-connection-rotator <command>/);
  });

  it('names its option flags after the task inputs, in kebab-case', () => {
    const inputs = new Set(manifest.inputs.map((i) => i.name));
    const options = FLAGS.filter((f) => f.setsOption).map((f) => camel(f.name));
    assert.deepEqual(
      options.filter((o) => !inputs.has(o)),
      [],
    );
    assert.ok(inputs.has(camel('dry-run')));
  });

  it('is called in examples/multi-org.yml only with commands and flags it has', () => {
    const text = fs.readFileSync(
      path.resolve(__dirname, '..', '..', '..', 'examples', 'multi-org.yml'),
      'utf8',
    );
    const calls = [
      ...text.matchAll(
        /service-connection-rotator@\S+ ([a-z-]+)((?:\s+(?:--[a-z-]+|\\))*[^\n]*(?:\n\s+--[^\n]*)*)/g,
      ),
    ];
    assert.deepEqual(
      calls.map((c) => c[1]),
      ['report', 'merge-reports'],
    );
    for (const [, command, rest] of calls) {
      const flags = [...(rest ?? '').matchAll(/--([a-z-]+)/g)].map((m) => m[1]!);
      assert.ok(flags.length > 0, command);
      for (const flag of flags) {
        assert.ok(
          FLAGS.some((f) => f.name === flag && f.commands.includes(command as never)),
          `${command} --${flag}`,
        );
      }
    }
  });

  it('prints the package version', async () => {
    const version = await run(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});

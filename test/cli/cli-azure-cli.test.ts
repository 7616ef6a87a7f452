/**
 * The CLI with the signed-in Azure CLI as the rotator identity: no AZURE_CLIENT_* at all, `az` on
 * PATH (a stand-in that signs in to the emulator as a service principal, see
 * test/support/fake-az.ts), the compiled bin in a child process, the real clients against the
 * emulator. Also what an administrator sees when `az` is missing or signed out.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Emulator } from '../../emulator';
import type { RunReport } from '../../lib';
import { AZURE_DEVOPS_SCOPE } from '../../lib/auth/clouds';
import { rotatorEndpoint } from '../../scripts/agent/emulator-agent';
import { orgWithRotatorVariants, ROTATOR_SECRET_CONNECTION, startFor } from '../task/task-harness';

const BIN = path.resolve(__dirname, '..', '..', 'cli', 'index.js');
const FAKE_AZ = path.resolve(__dirname, '..', 'support', 'fake-az.js');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string>, cwd: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('the CLI signed in through the Azure CLI', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let dir: string;
  let binDir: string;
  let log: string;
  let env: Record<string, string>;
  let clientSecret: string;

  before(async () => {
    emulator = await startFor(orgWithRotatorVariants(), { propagationDelayMs: 0 });
    const rotator = await rotatorEndpoint(emulator, ROTATOR_SECRET_CONNECTION);
    clientSecret = rotator.parameters.serviceprincipalkey!;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scr-cli-az-'));
    binDir = path.join(dir, 'bin');
    fs.mkdirSync(binDir);
    fs.writeFileSync(path.join(binDir, 'az'), `#!/bin/sh\nexec "${process.execPath}" "${FAKE_AZ}" "$@"\n`, {
      mode: 0o755,
    });
    log = path.join(dir, 'az-calls.log');
    env = {
      PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`,
      NODE_EXTRA_CA_CERTS: emulator.caCertPath,
      FAKE_AZ_LOG: log,
      FAKE_AZ_AUTHORITY: emulator.urls.authorityHost,
      FAKE_AZ_TENANT: rotator.parameters.tenantid!,
      FAKE_AZ_CLIENT_ID: rotator.parameters.serviceprincipalid!,
      FAKE_AZ_CLIENT_SECRET: clientSecret,
    };
  });
  after(async () => {
    await emulator?.close();
  });
  beforeEach(() => {
    fs.rmSync(log, { force: true });
    emulator.clearRequests();
  });

  const azCalls = (): string[][] =>
    fs.existsSync(log)
      ? fs
          .readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as string[])
      : [];
  const report = (extra: string[] = []) => [
    'report',
    '--organization',
    emulator.urls.organization,
    '--graph-url',
    emulator.urls.graph,
    '--authority-host',
    emulator.urls.authorityHost,
    ...extra,
  ];

  it('reports with tokens from az: one call per scope, Azure DevOps called as that identity', async () => {
    const run = await cli(report(['--json', 'report.json']), env, dir);
    assert.equal(run.code, 1, run.stderr); // the demo org has an expired connection
    assert.match(run.stderr, /rotator identity: the signed-in Azure CLI/);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as RunReport;
    assert.equal(json.connections.find((c) => c.name === 'legacy-deploy')?.status, 'expired');
    assert.ok(json.connections.length > 5, 'every AzureRM connection was read');

    const tenant = env.FAKE_AZ_TENANT!;
    const calls = azCalls();
    assert.deepEqual(calls[0], ['account', 'show', '--output', 'json'], 'the tenant came from az');
    const tokenCalls = calls.slice(1);
    assert.ok(
      tokenCalls.every((c) => c.join(' ').startsWith('account get-access-token --output json --scope ')),
    );
    assert.ok(tokenCalls.every((c) => c.includes('--tenant') && c.includes(tenant)));
    const scopes = tokenCalls.map((c) => c[c.indexOf('--scope') + 1]).sort();
    // Cached per scope for the run: one call each for Graph and Azure DevOps.
    assert.deepEqual(scopes, [AZURE_DEVOPS_SCOPE, `${emulator.urls.graph}/.default`].sort());

    const callers = new Set(
      emulator
        .requests()
        .filter((r) => r.operation === 'devops.endpoints.list')
        .map((r) => r.caller),
    );
    assert.deepEqual([...callers], ['rotator-spn']);
    assert.ok(!run.stdout.includes(clientSecret) && !run.stderr.includes(clientSecret));
  });

  it('uses AZURE_TENANT_ID when set, without asking az for the tenant', async () => {
    const run = await cli(report(), { ...env, AZURE_TENANT_ID: env.FAKE_AZ_TENANT! }, dir);
    assert.equal(run.code, 1, run.stderr);
    assert.ok(azCalls().every((c) => c[1] === 'get-access-token'));
  });

  it('exits 2 and sends nothing when az is signed out or missing, saying what to do', async () => {
    const signedOut = await cli(report(), { ...env, FAKE_AZ_SIGNED_OUT: '1' }, dir);
    assert.equal(signedOut.code, 2);
    assert.match(
      signedOut.stderr,
      /'az account show' failed: ERROR: Please run 'az login' to setup account\. Run 'az login'/,
    );
    const missing = await cli(report(), { ...env, PATH: path.join(dir, 'nothing-here') }, dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /The Azure CLI \('az'\) is not installed or not on PATH\. Run 'az login'/);
    assert.deepEqual(emulator.requests(), [], 'no request reached any service');
  });

  it('fails the organization, not the process, when az cannot give a token mid-run', async () => {
    const run = await cli(
      report(),
      { ...env, AZURE_TENANT_ID: env.FAKE_AZ_TENANT!, FAKE_AZ_SIGNED_OUT: '1' },
      dir,
    );
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /failed \(auth\.failed\): 'az account get-access-token' failed: ERROR: Please run 'az login'/,
    );
  });

  it('refuses AZURE_CLIENT_ID without a secret or certificate instead of guessing', async () => {
    const run = await cli(report(), { ...env, AZURE_CLIENT_ID: env.FAKE_AZ_CLIENT_ID! }, dir);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /AZURE_CLIENT_ID is set without AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH/,
    );
    assert.deepEqual(azCalls(), []);
  });
});

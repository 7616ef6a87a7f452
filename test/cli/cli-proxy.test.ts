/**
 * The `service-connection-rotator` command behind an authenticating CONNECT proxy, configured as
 * curl and the Azure CLI are: `HTTPS_PROXY` with the credentials in its URL, `NO_PROXY`, and the
 * emulator's CA through `NODE_EXTRA_CA_CERTS`. The proxy counts tunnels per host; the emulator
 * logs each request's peer (the proxy's connections leave from {@link PROXY_EGRESS_ADDRESS}).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Emulator, LoggedRequest } from '../../emulator';
import { rotatorEndpoint } from '../../scripts/agent/emulator-agent';
import {
  type ConnectProxy,
  connectionsFromProxy,
  PROXY_EGRESS_ADDRESS,
  startConnectProxy,
} from '../support/connect-proxy';
import { orgWithRotatorVariants, ROTATOR_SECRET_CONNECTION, startFor } from '../task/task-harness';

const BIN = path.resolve(__dirname, '..', '..', 'cli', 'index.js');
const USER = 'cli-proxy-user';
const PASSWORD = 'cli-proxy-pa55:word/7c2e';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'scr-cli-proxy-'));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

function proxyUrlWithCredentials(proxy: ConnectProxy, password = PASSWORD): string {
  const url = new URL(proxy.url);
  url.username = USER;
  url.password = encodeURIComponent(password);
  return url.href;
}

describe('the command behind HTTPS_PROXY', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let proxy: ConnectProxy;
  let env: Record<string, string>;

  beforeEach(async () => {
    emulator = await startFor(orgWithRotatorVariants(), { propagationDelayMs: 0 });
    proxy = await startConnectProxy({ username: USER, password: PASSWORD });
    const rotator = await rotatorEndpoint(emulator, ROTATOR_SECRET_CONNECTION);
    env = {
      NODE_EXTRA_CA_CERTS: emulator.caCertPath,
      AZURE_TENANT_ID: rotator.parameters.tenantid!,
      AZURE_CLIENT_ID: rotator.parameters.serviceprincipalid!,
      AZURE_CLIENT_SECRET: rotator.parameters.serviceprincipalkey!,
    };
    emulator.clearRequests();
  });
  afterEach(async () => {
    await emulator?.close();
    await proxy?.close();
  });

  const args = (command: string) => [
    command,
    '--organization',
    emulator.urls.organization,
    '--graph-url',
    emulator.urls.graph,
    '--authority-host',
    emulator.urls.authorityHost,
  ];
  const host = (url: string) => new URL(url).host;

  function seen(log: readonly LoggedRequest[], service: LoggedRequest['service']) {
    const requests = log.filter((r) => r.service === service && r.peer !== undefined);
    return {
      total: requests.length,
      viaProxy: requests.filter((r) => r.peer!.startsWith(`${PROXY_EGRESS_ADDRESS}:`)).length,
    };
  }

  it('rotate: every Azure DevOps, Entra ID and Graph request through the proxy, the password never printed', async () => {
    const run = await cli(args('rotate'), { ...env, HTTPS_PROXY: proxyUrlWithCredentials(proxy) });
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    const log = emulator.requests();
    assert.ok(
      log.some((r) => r.operation === 'devops.endpoints.update'),
      'it rotated something',
    );
    const tunnels = proxy.tunnels();
    const hosts = {
      devops: host(emulator.urls.organization),
      entra: host(emulator.urls.authorityHost),
      graph: host(emulator.urls.graph),
    };
    assert.deepEqual(Object.keys(tunnels).sort(), Object.values(hosts).sort());
    for (const service of Object.keys(hosts) as Array<LoggedRequest['service']>) {
      const s = seen(log, service);
      assert.ok(s.total > 0, `${service} called`);
      assert.equal(s.viaProxy, s.total, `every ${service} request through the proxy`);
    }
    assert.deepEqual(connectionsFromProxy(emulator), tunnels, 'tunnels = connections from the proxy');
    assert.deepEqual(proxy.refused(), {});
    assert.ok(run.stderr.includes(`network: proxy ${proxy.url} (with credentials)\n`), run.stderr);
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), ...emulator.issuedSecrets()]) {
      assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), 'a secret was printed');
    }
  });

  it('report: the host in NO_PROXY goes direct, and only that one', async () => {
    const run = await cli(args('report'), {
      ...env,
      https_proxy: proxyUrlWithCredentials(proxy),
      NO_PROXY: `localhost,${host(emulator.urls.graph)}`,
    });
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    const log = emulator.requests();
    const graph = seen(log, 'graph');
    assert.ok(graph.total > 0);
    assert.equal(graph.viaProxy, 0, 'Graph direct');
    for (const service of ['devops', 'entra'] as const) {
      const s = seen(log, service);
      assert.ok(s.total > 0);
      assert.equal(s.viaProxy, s.total, `${service} through the proxy`);
    }
    assert.equal(proxy.tunnels()[host(emulator.urls.graph)], undefined);
    assert.deepEqual(connectionsFromProxy(emulator), proxy.tunnels());
  });

  it('a wrong proxy password: the organization fails with the proxy named, nothing is written', async () => {
    const run = await cli(args('rotate'), {
      ...env,
      HTTPS_PROXY: proxyUrlWithCredentials(proxy, 'wrong-password-99'),
    });
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(emulator.requests(), []);
    assert.match(run.stderr, /failed \(http\.proxy_failed\): .*the proxy answered 407/);
    assert.ok(
      // The first request is the rotator's Entra token (it also signs in to Azure DevOps).
      run.stderr.includes(`proxy ${proxy.url}, host ${host(emulator.urls.authorityHost)}`),
      run.stderr,
    );
    assert.match(run.stderr, /Check HTTPS_PROXY .* NO_PROXY/);
    assert.ok(!run.stderr.includes('wrong-password-99') && !run.stdout.includes('wrong-password-99'));
  });

  it('a NO_PROXY range is a usage error naming the entry, and nothing is sent', async () => {
    const run = await cli(args('report'), {
      ...env,
      HTTPS_PROXY: proxy.url,
      NO_PROXY: 'localhost,10.0.0.0/8',
    });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /NO_PROXY entry "10\.0\.0\.0\/8" is a range or a URL/);
    assert.deepEqual(emulator.requests(), []);
    assert.deepEqual(proxy.tunnels(), {});
  });
});

/**
 * The bundled task on a self-hosted agent behind an authenticating CONNECT proxy, run as the
 * agent runs it: `Agent.ProxyUrl`, `Agent.ProxyUsername`, `Agent.ProxyBypassList` as variables and
 * `Agent.ProxyPassword` as a secret variable (`SECRET_AGENT_PROXYPASSWORD`), `Agent.CAInfo` for
 * the trusted CA. The proxy counts the tunnels it accepted per host; the emulator logs the peer
 * of every request, and the proxy's connections leave from {@link PROXY_EGRESS_ADDRESS}.
 */
import assert from 'node:assert/strict';
import type { Emulator, OrgDescription } from '../../emulator';
import type { LoggedRequest } from '../../emulator/http/request-log';
import { emulatedJob } from '../../scripts/agent/emulator-agent';
import { type RunTaskOptions, runTask, type TaskRun } from '../../scripts/agent/run-task';
import { assertNoSecretLeaked, knownSecrets } from '../reliability/support/secret-scan';
import {
  type ConnectProxy,
  connectionsFromProxy,
  PROXY_EGRESS_ADDRESS,
  startConnectProxy,
} from '../support/connect-proxy';
import { connectionNamed, demoOrg, leaks, stagedTaskDir, startFor } from './task-harness';

const PROXY_USER = 'agent-proxy-user';
const PROXY_PASSWORD = 'pr0xy-Pa55-9f3c1e7b2d';

function hostOf(url: string): string {
  return new URL(url).host;
}

/** The emulator's requests of one service, and how many distinct connections carried them. */
function byService(log: readonly LoggedRequest[], service: LoggedRequest['service']) {
  const requests = log.filter((r) => r.service === service && r.peer !== undefined);
  return {
    requests,
    viaProxy: requests.filter((r) => r.peer!.startsWith(`${PROXY_EGRESS_ADDRESS}:`)).length,
    direct: requests.filter((r) => r.peer!.startsWith('127.0.0.1:')).length,
  };
}

async function agentJob(
  emulator: Emulator,
  org: OrgDescription,
  inputs: Record<string, string>,
  agent: { proxyUrl: string; password?: string; bypass?: string[]; caInfo?: string },
): Promise<RunTaskOptions> {
  const options = await emulatedJob({
    emulator,
    org,
    taskDir: stagedTaskDir(),
    rotatorConnectionId: connectionNamed(org, 'rotator-wif').id,
    inputs,
  });
  options.variables = {
    ...options.variables,
    'Agent.ProxyUrl': agent.proxyUrl,
    'Agent.ProxyUsername': PROXY_USER,
    ...(agent.bypass ? { 'Agent.ProxyBypassList': JSON.stringify(agent.bypass) } : {}),
    ...(agent.caInfo ? { 'Agent.CAInfo': agent.caInfo } : {}),
  };
  options.secretVariables = { 'Agent.ProxyPassword': agent.password ?? PROXY_PASSWORD };
  return options;
}

function assertNoSecretPrinted(run: TaskRun, secrets: readonly string[]): void {
  for (const secret of secrets) assert.deepEqual(leaks(run, secret), [], 'secret printed');
}

describe('the bundled task behind the agent proxy', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let proxy: ConnectProxy;

  before(() => {
    stagedTaskDir();
  });

  afterEach(async () => {
    await emulator?.close();
    await proxy?.close();
  });

  it('sends every Azure DevOps, Entra ID and Graph request of a rotation through the proxy', async () => {
    const org = demoOrg();
    emulator = await startFor(org);
    proxy = await startConnectProxy({ username: PROXY_USER, password: PROXY_PASSWORD });
    const run = await runTask(
      await agentJob(emulator, org, { action: 'rotate', projects: '*' }, { proxyUrl: proxy.url }),
    );

    assert.equal(run.variables.RotatedCount?.value, '3', run.resultMessage ?? '');
    const log = emulator.requests();
    const tunnels = proxy.tunnels();
    const services = {
      devops: hostOf(emulator.urls.organization),
      entra: hostOf(emulator.urls.authorityHost),
      graph: hostOf(emulator.urls.graph),
    };
    assert.deepEqual(
      Object.keys(tunnels).sort(),
      Object.values(services).sort(),
      'tunnels to the three hosts only',
    );
    for (const service of Object.keys(services) as Array<LoggedRequest['service']>) {
      const seen = byService(log, service);
      assert.ok(seen.requests.length > 0, `${service} was called`);
      assert.equal(seen.direct, 0, `no ${service} request went direct`);
      assert.equal(seen.viaProxy, seen.requests.length, `every ${service} request came through the proxy`);
    }
    // Both sides count the same: tunnels the proxy opened = connections the emulator accepted from it.
    assert.deepEqual(connectionsFromProxy(emulator), tunnels);
    assert.deepEqual(proxy.refused(), {});
    assert.equal(log.filter((r) => r.operation === 'graph.applications.addPassword').length, 3);

    // The proxy is logged without its credentials; the password is registered before anything else.
    assert.ok(run.lines.includes(`Network: proxy ${proxy.url} (with credentials)`), 'proxy logged');
    assert.ok(run.secrets.includes(PROXY_PASSWORD), 'proxy password registered as a secret');
    // The whole secret scan: output lines, variables, the JSON report and the summary.
    assertNoSecretLeaked(run, [PROXY_PASSWORD, ...knownSecrets(emulator, org)], 'agent proxy');
  });

  it('sends the requests of a host on the bypass list direct, and only those', async () => {
    const org = demoOrg();
    emulator = await startFor(org);
    proxy = await startConnectProxy({ username: PROXY_USER, password: PROXY_PASSWORD });
    const graphHost = hostOf(emulator.urls.graph);
    const bypass = [`^https://${graphHost.replace(/\./g, '\\.')}/`];
    const run = await runTask(
      await agentJob(emulator, org, { action: 'report', projects: '*' }, { proxyUrl: proxy.url, bypass }),
    );

    assert.equal(run.variables.ConnectionCount?.value, '11', run.resultMessage ?? '');
    const log = emulator.requests();
    const graph = byService(log, 'graph');
    assert.ok(graph.requests.length > 0);
    assert.equal(graph.viaProxy, 0, 'no Graph request through the proxy');
    assert.equal(graph.direct, graph.requests.length);
    const tunnels = proxy.tunnels();
    assert.equal(tunnels[graphHost], undefined, 'no tunnel to Graph');
    for (const service of ['devops', 'entra'] as const) {
      const seen = byService(log, service);
      assert.ok(seen.requests.length > 0, `${service} was called`);
      assert.equal(seen.viaProxy, seen.requests.length, `${service} through the proxy`);
    }
    assert.deepEqual(connectionsFromProxy(emulator), tunnels);
    assert.ok(
      run.lines.some((l) => l.startsWith(`Network: proxy ${proxy.url} (with credentials); bypass ^https://`)),
    );
  });

  it('fails fast with a wrong proxy password, naming the proxy, the host and the settings, and writes nothing', async () => {
    const org = demoOrg();
    emulator = await startFor(org);
    proxy = await startConnectProxy({ username: PROXY_USER, password: PROXY_PASSWORD });
    const wrong = 'wr0ng-proxy-pa55word-1234';
    const run = await runTask(
      await agentJob(
        emulator,
        org,
        { action: 'rotate', projects: '*' },
        { proxyUrl: proxy.url, password: wrong },
      ),
    );

    assert.equal(run.result, 'Failed');
    assert.deepEqual(emulator.requests(), [], 'nothing reached the services');
    const message = run.resultMessage ?? '';
    assert.match(message, /the proxy answered 407/);
    assert.ok(message.includes(`proxy ${proxy.url}`), message);
    assert.ok(message.includes(`host ${hostOf(emulator.urls.organization)}`), message);
    assert.match(message, /Agent\.ProxyUrl.*Agent\.ProxyBypassList/);
    // Final at once: the retry policy repeated nothing (node-api's own route discovery makes the 6
    // CONNECTs of one getCoreApi() call), and nothing tried Entra ID or Graph.
    assert.deepEqual(
      run.lines.filter((l) => /retrying in|giving up after/.test(l)),
      [],
      'no retry',
    );
    assert.deepEqual(proxy.refused(), { [hostOf(emulator.urls.organization)]: 6 });
    assert.deepEqual(proxy.tunnels(), {});
    assert.ok(run.secrets.includes(wrong));
    assertNoSecretPrinted(run, [wrong, PROXY_PASSWORD]);
  });

  it('fails only the work that needed a host the proxy refuses', async () => {
    const org = demoOrg();
    emulator = await startFor(org);
    const graphHost = hostOf(emulator.urls.graph);
    proxy = await startConnectProxy({ deny: [graphHost] });
    const run = await runTask(
      await agentJob(emulator, org, { action: 'report', projects: '*' }, { proxyUrl: proxy.url }),
    );

    // Azure DevOps and Entra ID still answered: every connection is listed and reported; the nine
    // whose application needed a Graph lookup failed with the proxy named, the other two did not.
    assert.equal(run.variables.ConnectionCount?.value, '11');
    assert.equal(run.variables.FailedCount?.value, '9');
    const log = emulator.requests();
    assert.equal(log.filter((r) => r.service === 'graph').length, 0);
    assert.equal(log.filter((r) => r.operation === 'devops.endpoints.list').length, 3);
    // The batch and the listing of disabled service principals (sent beside the first batch):
    // each refused once, neither retried.
    assert.deepEqual(
      proxy.refused(),
      { [graphHost]: 2 },
      'one Graph batch and one listing refused, not retried',
    );
    assert.ok(
      (run.resultMessage ?? '').includes(`(proxy ${proxy.url}, host ${graphHost})`),
      run.resultMessage ?? '',
    );
  });

  it('fails fast when nothing listens at Agent.ProxyUrl, and writes nothing', async () => {
    const org = demoOrg();
    emulator = await startFor(org);
    proxy = await startConnectProxy();
    const closedUrl = proxy.url;
    await proxy.close();
    const run = await runTask(
      await agentJob(emulator, org, { action: 'rotate', projects: '*' }, { proxyUrl: closedUrl }),
    );

    assert.equal(run.result, 'Failed');
    assert.deepEqual(emulator.requests(), []);
    assert.match(
      run.resultMessage ?? '',
      /the proxy refused the connection \(proxy http:\/\/127\.0\.0\.1:\d+, host /,
    );
    assert.deepEqual(
      run.lines.filter((l) => /retrying in|giving up after/.test(l)),
      [],
    );
  });

  it('trusts the CA of Agent.CAInfo for all three services', async () => {
    const org = demoOrg();
    emulator = await startFor(org);
    proxy = await startConnectProxy({ username: PROXY_USER, password: PROXY_PASSWORD });
    const job = await agentJob(
      emulator,
      org,
      { action: 'report', projects: '*' },
      { proxyUrl: proxy.url, caInfo: emulator.caCertPath },
    );
    delete job.env?.NODE_EXTRA_CA_CERTS;
    const run = await runTask(job);
    assert.equal(run.variables.ConnectionCount?.value, '11', run.resultMessage ?? '');
    for (const service of ['devops', 'entra', 'graph'] as const) {
      assert.ok(byService(emulator.requests(), service).viaProxy > 0, `${service} answered over TLS`);
    }

    // Without it the emulator's certificate is not trusted: the same run fails.
    emulator.clearRequests();
    const untrusted = await agentJob(
      emulator,
      org,
      { action: 'report', projects: '*' },
      { proxyUrl: proxy.url },
    );
    delete untrusted.env?.NODE_EXTRA_CA_CERTS;
    const failed = await runTask(untrusted);
    assert.equal(failed.result, 'Failed');
  });
});

/**
 * The floor of the test rig: the Azure DevOps requests a report sends (one connection list per
 * project and `checks` TestConnections, interleaved as discovery interleaves them), replayed with
 * bare `https.request` on keep-alive sockets, `maxParallel` at a time, bodies parsed and dropped.
 * No SDK, no Graph, no evaluation: the wall time of this replay, against its own latency bound,
 * shows what the emulator, TLS and Node's timers cost per round on this machine before the
 * library does anything. Not a budget; printed beside the report's budgets so the reader can
 * tell the machine's share from the library's.
 */
import https from 'node:https';
import pLimit from 'p-limit';
import { testConnectionRequest } from '../../lib/devops/test-connection';
import type { WorkerJob, WorkerResult } from './job';

interface Listed {
  value?: Array<{ id?: string; authorization?: { scheme?: string } }>;
}

export async function runFloor(job: WorkerJob): Promise<Omit<WorkerResult, 'peakRssBytes'>> {
  const agent = new https.Agent({ keepAlive: true });
  const org = job.urls.organization;
  const headers = { authorization: `Bearer ${job.identity.jobToken}`, accept: 'application/json' };
  const send = (method: 'GET' | 'POST', url: string, body?: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const request = https.request(
        url,
        { method, agent, headers: body ? { ...headers, 'content-type': 'application/json' } : headers },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
          });
          response.on('end', () =>
            (response.statusCode ?? 500) < 400
              ? resolve(JSON.parse(text) as unknown)
              : reject(new Error(`${method} ${url}: HTTP ${response.statusCode}`)),
          );
        },
      );
      request.on('error', reject);
      request.end(body);
    });

  // Not timed: the projects, and one project's connections to test.
  const projects: string[] = [];
  for (let skip = 0; ; skip += 100) {
    const page = (await send('GET', `${org}_apis/projects?$top=100&$skip=${skip}&api-version=7.1`)) as {
      value?: Array<{ id: string }>;
    };
    projects.push(...(page.value ?? []).map((p) => p.id));
    if ((page.value?.length ?? 0) < 100) break;
  }
  const listUrl = (project: string) =>
    `${org}${project}/_apis/serviceendpoint/endpoints?type=azurerm&includeFailed=true&api-version=7.2-preview.4`;
  const first = (await send('GET', listUrl(projects[0]!))) as Listed;
  const testable = (first.value ?? [])
    .filter((c) => c.authorization?.scheme === 'ServicePrincipal' && c.id)
    .map((c) => c.id!);
  if (testable.length === 0) throw new Error('floor: no service principal connection to test');
  // The body the library sends for a stored connection (lib/devops/test-connection.ts).
  const testBody = JSON.stringify(testConnectionRequest());
  const testUrl = (id: string) =>
    `${org}${projects[0]}/_apis/serviceendpoint/endpointproxy?endpointId=${id}&api-version=7.2-preview.1`;

  // Timed: lists and checks, spread evenly as discovery spreads them.
  const checks = job.floorChecks ?? 0;
  const requests: Array<() => Promise<unknown>> = [];
  let made = 0;
  projects.forEach((project, i) => {
    requests.push(() => send('GET', listUrl(project)));
    const due = Math.round(((i + 1) * checks) / projects.length);
    for (; made < due; made += 1) {
      const id = testable[made % testable.length]!;
      requests.push(() => send('POST', testUrl(id), testBody));
    }
  });
  const limit = pLimit(job.maxParallel);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(requests.map((request) => limit(request)));
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  return {
    mode: 'floor',
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    connectionsFound: 0,
    requests: requests.length,
  };
}

/**
 * The baseline: discovery as hand-written scripts do it, with plain `fetch` and strictly one
 * request at a time: every page of projects, then each project's connection list, then one Graph
 * GET per service-principal connection as listed (no deduplication of apps or of shared
 * connections, no `$batch`), then the expiry of each. It reads less than the library (no service
 * principal state, no certificates), which only flatters the baseline.
 *
 * It also does the report's attribution check (issue #14), the naive way: one TestConnection right
 * after the Graph GET of each listed client-secret connection without a rotator record whose app
 * holds both an unexpired and an expired password. Not knowing which service principals are
 * disabled, it tests those too. The time spent on those tests is returned apart, so the same run
 * also gives the baseline of a report without verification.
 */

import type { EmulatorUrls } from '../emulator';
import { testConnectionRequest } from '../lib/devops/test-connection';
import type { WorkerIdentity } from './org-shape';

interface Endpoint {
  id?: string;
  type?: string;
  description?: string | null;
  authorization?: { scheme?: string; parameters?: Record<string, string | null> };
}

interface Application {
  passwordCredentials?: Array<{ endDateTime?: string | null }>;
}

/** What the naive walk saw. */
export interface NaiveResult {
  projects: number;
  connections: number;
  applicationsRead: number;
  /** Connections whose earliest password expiry was read. */
  evaluated: number;
  requests: number;
  /** TestConnection requests sent (attribution checks), and the wall time they took. */
  checks: number;
  checksMs: number;
}

/** Runs the naive discovery against the emulated organization. */
export async function naiveDiscovery(urls: EmulatorUrls, identity: WorkerIdentity): Promise<NaiveResult> {
  let requests = 0;
  const call = async <T>(url: string, init: RequestInit): Promise<T> => {
    requests += 1;
    const response = await fetch(url, init);
    if (!response.ok)
      throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const devops = { authorization: `Bearer ${identity.jobToken}` };

  // The Graph token first, as a script signing in with the pipeline's federated identity would.
  const oidcUrl = new URL(
    `${urls.organization}${identity.homeProjectId}/_apis/distributedtask/hubs/build/plans/${crypto.randomUUID()}/jobs/${crypto.randomUUID()}/oidctoken`,
  );
  oidcUrl.searchParams.set('api-version', '7.1');
  oidcUrl.searchParams.set('serviceConnectionId', identity.rotatorConnectionId);
  const { oidcToken } = await call<{ oidcToken: string }>(oidcUrl.href, {
    method: 'POST',
    headers: { ...devops, 'content-type': 'application/json' },
    body: '{}',
  });
  const form = new URLSearchParams({
    client_id: identity.rotatorAppId,
    scope: `${urls.graph}/.default`,
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: oidcToken,
  });
  const { access_token } = await call<{ access_token: string }>(
    `${urls.authorityHost}/${identity.tenantId}/oauth2/v2.0/token`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    },
  );

  const projects: Array<{ id: string }> = [];
  for (let skip = 0; ; skip += 100) {
    const page = await call<{ value: Array<{ id: string }> }>(
      `${urls.organization}_apis/projects?$top=100&$skip=${skip}&api-version=7.1`,
      { headers: devops },
    );
    projects.push(...page.value);
    if (page.value.length < 100) break;
  }

  let connections = 0;
  let applicationsRead = 0;
  let evaluated = 0;
  let checks = 0;
  let checksMs = 0;
  // The body the library sends for a stored connection (lib/devops/test-connection.ts).
  const testBody = JSON.stringify(testConnectionRequest());
  for (const project of projects) {
    const list = await call<{ value: Endpoint[] }>(
      `${urls.organization}${project.id}/_apis/serviceendpoint/endpoints?type=azurerm&includeFailed=true&api-version=7.1`,
      { headers: devops },
    );
    for (const endpoint of list.value) {
      connections += 1;
      const parameters = endpoint.authorization?.parameters ?? {};
      const appId = parameters.serviceprincipalid;
      if (endpoint.authorization?.scheme !== 'ServicePrincipal' || !appId) continue;
      if (parameters.tenantid?.toLowerCase() !== identity.tenantId.toLowerCase()) continue;
      requests += 1;
      const response = await fetch(
        `${urls.graph}/v1.0/applications(appId='${appId}')?$select=id,appId,displayName,passwordCredentials`,
        { headers: { authorization: `Bearer ${access_token}` } },
      );
      // A deleted app is a 404: the script notes it and moves on.
      if (response.status === 404) {
        await response.text();
        continue;
      }
      if (!response.ok) throw new Error(`Graph GET for ${appId}: ${response.status}`);
      const app = (await response.json()) as Application;
      applicationsRead += 1;
      const ends = (app.passwordCredentials ?? [])
        .map((p) => Date.parse(p.endDateTime ?? ''))
        .filter(Number.isFinite);
      if (ends.length > 0) evaluated += 1;
      const now = Date.now();
      const clientSecret = (parameters.authenticationType ?? 'spnKey') !== 'spnCertificate';
      const recorded = (endpoint.description ?? '').includes('[sc-rotator:');
      if (clientSecret && !recorded && ends.some((end) => end > now) && ends.some((end) => end <= now)) {
        const started = performance.now();
        await call<{ statusCode?: string }>(
          `${urls.organization}${project.id}/_apis/serviceendpoint/endpointproxy?endpointId=${endpoint.id}&api-version=7.1`,
          { method: 'POST', headers: { ...devops, 'content-type': 'application/json' }, body: testBody },
        );
        checks += 1;
        checksMs += performance.now() - started;
      }
    }
  }
  return { projects: projects.length, connections, applicationsRead, evaluated, requests, checks, checksMs };
}

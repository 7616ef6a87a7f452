/**
 * The browser test's server on loopback: the host page (host-page.ts), the bundled hub as it ships
 * (hub/index.html, hub.css, hub.js), and the Build and Core REST routes the hub calls, answered
 * from fixtures: runs (builds) per project with their tags, and each run's artifacts as zips. It
 * checks what a real organization would (the bearer token the host handed out, the tag filter,
 * `Accept: application/zip` for an artifact) and records every request.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type HostConfig, hostPage } from './host-page';

/** A run of the fixture: what GET _apis/build/builds returns for it, and its artifacts. */
export interface FixtureRun {
  id: number;
  buildNumber: string;
  definition: { id: number; name: string };
  finishTime: string;
  tags: string[];
  /** Artifact name → zip bytes. */
  artifacts: Record<string, Buffer>;
}

export interface FixtureProject {
  id: string;
  name: string;
  runs: FixtureRun[];
  /** Answer the builds query of this project with this status (a failing project). */
  failWith?: number;
}

export interface Fixture {
  organization: { id: string; name: string };
  projects: FixtureProject[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  accept: string;
  authorization: string;
}

export interface TestHost {
  url: string;
  /** The host page URL for Organization settings (`project` null) or Project settings. */
  pageUrl(project: { id: string; name: string } | null): string;
  requests: RecordedRequest[];
  fixture: Fixture;
  close(): Promise<void>;
}

const TOKEN = 'page-token-0b1d';
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** Serves `hubDir` (the bundled page) and `fixture`. */
export async function startTestHost(hubDir: string, fixture: Fixture): Promise<TestHost> {
  const requests: RecordedRequest[] = [];
  const org = fixture.organization.name;
  let base = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    if (url.pathname === '/host.html') {
      const config = JSON.parse(query.config ?? '{}') as HostConfig;
      res.writeHead(200, { 'content-type': TYPES['.html']! });
      res.end(hostPage(config));
      return;
    }
    if (url.pathname.startsWith('/hub/')) {
      const file = path.join(hubDir, path.basename(url.pathname));
      if (!fs.existsSync(file)) return json(res, 404, { message: 'no such file' });
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      res.end(fs.readFileSync(file));
      return;
    }
    if (!url.pathname.startsWith(`/${org}/`)) return json(res, 404, { message: 'not a REST route' });
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query,
      accept: String(req.headers.accept ?? ''),
      authorization: String(req.headers.authorization ?? ''),
    });
    if (req.headers.authorization !== `Bearer ${TOKEN}`)
      return json(res, 401, { message: 'TF400813: not authorized' });
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (segments[0] !== org) return json(res, 404, { message: `no organization ${segments[0]}` });
    // GET {org}/_apis/projects?$top&$skip (noArrayWrap: a bare array)
    if (segments[1] === '_apis' && segments[2] === 'projects' && segments.length === 3) {
      const top = Number(query.$top ?? 100);
      const skip = Number(query.$skip ?? 0);
      return json(
        res,
        200,
        fixture.projects.slice(skip, skip + top).map((p) => ({ id: p.id, name: p.name, state: 1 })),
      );
    }
    const project = fixture.projects.find((p) => p.id === segments[1] || p.name === segments[1]);
    if (!project) return json(res, 404, { message: `TF200016: no project ${segments[1]}` });
    if (segments[2] !== '_apis' || segments[3] !== 'build' || segments[4] !== 'builds') {
      return json(res, 404, { message: `no route ${url.pathname}` });
    }
    // GET {org}/{project}/_apis/build/builds?statusFilter&tagFilters&$top&queryOrder
    if (segments.length === 5) {
      if (project.failWith)
        return json(res, project.failWith, { message: `TF246017: the build service is unavailable` });
      const tags = (query.tagFilters ?? '').split(',').filter(Boolean);
      const completed = query.statusFilter === '2';
      const newestFirst = query.queryOrder === '3';
      let runs = project.runs.filter((r) => tags.every((t) => r.tags.includes(t)) && completed);
      runs = [...runs].sort(
        (a, b) => (Date.parse(b.finishTime) - Date.parse(a.finishTime)) * (newestFirst ? 1 : -1),
      );
      runs = runs.slice(0, Number(query.$top ?? 1000));
      return json(
        res,
        200,
        runs.map((r) => ({
          id: r.id,
          buildNumber: r.buildNumber,
          status: 2,
          result: 2,
          finishTime: r.finishTime,
          tags: r.tags,
          definition: r.definition,
          project: { id: project.id, name: project.name },
          _links: {
            web: {
              href: `${base}/${org}/${encodeURIComponent(project.name)}/_build/results?buildId=${r.id}`,
            },
          },
        })),
      );
    }
    // GET {org}/{project}/_apis/build/builds/{id}/artifacts?artifactName=... (Accept: application/zip)
    if (segments.length === 7 && segments[6] === 'artifacts') {
      const run = project.runs.find((r) => String(r.id) === segments[5]);
      if (!run) return json(res, 404, { message: `no build ${segments[5]}` });
      const zip = run.artifacts[query.artifactName ?? ''];
      if (!zip) return json(res, 404, { message: `ArtifactNotFoundException: ${query.artifactName}` });
      if (!String(req.headers.accept).startsWith('application/zip'))
        return json(res, 406, { message: 'zip only' });
      res.writeHead(200, { 'content-type': 'application/zip' });
      res.end(zip);
      return;
    }
    return json(res, 404, { message: `no route ${url.pathname}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    fixture,
    pageUrl(project) {
      const config: HostConfig = {
        hubUrl: `${base}/hub/index.html`,
        root: `${base}/${org}/`,
        organization: fixture.organization,
        project,
        contributionId: `sc-rotator.service-connection-rotator.service-connection-health-${project ? 'project' : 'collection'}`,
        token: TOKEN,
      };
      return `${base}/host.html?config=${encodeURIComponent(JSON.stringify(config))}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

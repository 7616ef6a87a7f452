/**
 * The "Service connection health" page in a real browser (issue #18, "Must show"): Debian's
 * Chromium driven by playwright-core loads the bundled hub (as it ships in the .vsix) inside a
 * test host that answers the SDK handshake and serves the Build REST routes from fixtures made by
 * the real task. `npm run test:browser` (CI runs it); no Chromium is a failure, never a skip.
 * Screenshots go to dist/screenshots/.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Frame, type Page } from 'playwright-core';
import type { Emulator } from '../../emulator';
import { ISSUER_RETIREMENT } from '../../lib/federation/issuers';
import type { RunReport } from '../../lib/report/run-report';
import { bundleHub } from '../../scripts/package';
import { zipArchive } from '../support/zip-writer';
import { demoOrg, runJob, stagedTaskDir, startFor } from '../task/task-harness';
import { row, runReport } from '../unit/report/report-builders';
import { runFromTask } from './task-fixture';
import { type Fixture, type FixtureRun, startTestHost, type TestHost } from './test-host';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SHOTS = path.join(ROOT, 'dist', 'screenshots');
const DAY = 86_400_000;
const TAG = 'service-connection-rotator-report';
const ARTIFACT = 'ServiceConnectionRotatorReport';

/** Debian's Chromium; CHROMIUM_PATH overrides. Missing: throw, so the suite fails instead of skipping. */
function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((p): p is string => !!p && fs.existsSync(p));
  if (!found) {
    throw new Error(
      'Chromium not found (looked at CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser): apt-get install -y chromium',
    );
  }
  return found;
}

/** The status the page must show for a report row: a failure first, else the report's status. */
function expectedStatus(c: RunReport['connections'][number]): string {
  return c.failed ? 'failed' : c.status;
}

describe('the health page in Chromium', function () {
  this.timeout(300_000);
  let browser: Browser;
  let host: TestHost;
  let emulator: Emulator | undefined;
  let hubDir: string;
  let reportRun: FixtureRun;
  let rotateRun: FixtureRun;
  let latest: RunReport;
  let page: Page;

  before(async () => {
    const executablePath = chromiumPath();
    fs.mkdirSync(SHOTS, { recursive: true });
    hubDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scr-hub-'));
    bundleHub(hubDir);

    // Two runs of the real task on the demo organization: a report, then a rotation.
    stagedTaskDir();
    const org = demoOrg();
    emulator = await startFor(org, { propagationDelayMs: 0 });
    const reported = await runJob(emulator, org, { inputs: { action: 'report', projects: '*' } });
    const rotated = await runJob(emulator, org, { inputs: { action: 'rotate', projects: '*' } });
    await emulator.close();
    emulator = undefined;
    const definition = { id: 7, name: 'rotate-service-connections' };
    reportRun = runFromTask(reported, 101, definition, new Date(Date.now() - DAY).toISOString());
    rotateRun = runFromTask(rotated, 102, definition, new Date().toISOString());
    assert.deepEqual(rotateRun.tags, [TAG], 'the task tagged its run');
    latest = JSON.parse(fs.readFileSync(rotated.variables.ReportPath!.value, 'utf8')) as RunReport;

    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  });

  after(async () => {
    await emulator?.close();
    await browser?.close();
    await host?.close();
  });

  afterEach(async () => {
    await page?.close();
    await host?.close();
  });

  async function open(fixture: Fixture, project: { id: string; name: string } | null): Promise<Frame> {
    host = await startTestHost(hubDir, fixture);
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(host.pageUrl(project));
    const frame = await (await page.waitForSelector('iframe#hub')).contentFrame();
    assert.ok(frame);
    await frame.waitForSelector(
      'body[data-state="loaded"], body[data-state="empty"], body[data-state="error"]',
    );
    assert.deepEqual(errors, [], 'no script error in the page');
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { __host: { loaded: boolean } }).__host.loaded),
      true,
    );
    return frame;
  }

  async function tableRows(frame: Frame): Promise<Array<{ name: string; status: string; kind: string }>> {
    return frame.$$eval('#connections tbody tr[data-status]', (rows) =>
      rows.map((r) => ({
        name: r.querySelector('td.connection')!.textContent ?? '',
        status: r.getAttribute('data-status') ?? '',
        kind: r.getAttribute('data-kind') ?? '',
      })),
    );
  }

  const OPS = { id: '3b1e0c2a-0000-4000-8000-00000000000a', name: 'Ops' };

  it('Project settings: every connection with its status, the timeline, the changes, sorting and filtering', async () => {
    const frame = await open(
      { organization: { id: 'o-1', name: 'fabrikam' }, projects: [{ ...OPS, runs: [reportRun, rotateRun] }] },
      OPS,
    );
    assert.equal(await frame.getAttribute('body', 'data-state'), 'loaded');

    // The table: every connection of the newest report, with the status it says.
    const rows = await tableRows(frame);
    assert.equal(rows.length, latest.connections.length);
    assert.equal(rows.length, 11);
    assert.deepEqual(
      Object.fromEntries(rows.map((r) => [r.name, r.status])),
      Object.fromEntries(latest.connections.map((c) => [c.name, expectedStatus(c)])),
    );
    const failed = latest.connections.filter((c) => c.failed).length;
    assert.equal(failed, 3);
    assert.equal(await frame.textContent('#counts [data-status="failed"] .count-value'), '3');

    // The timeline: one point per secret or certificate expiring in the next 180 days (none expired
    // after the rotation; the three new secrets expire in 180 days, just inside the window).
    const now = Date.now();
    const inWindow = latest.connections.filter((c) => {
      if (c.expiresAt === null || c.scheme === 'WorkloadIdentityFederation') return false;
      const end = Date.parse(c.expiresAt);
      return end >= now && end <= now + 180 * DAY;
    });
    assert.ok(inWindow.length >= 3, `${inWindow.length} in the window`);
    assert.equal(await frame.locator('#timeline .point').count(), inWindow.length);

    // What changed since the report run: the three rotations.
    const acted = await frame.$$eval('#changes li[data-change="acted"] strong', (els) =>
      els.map((e) => e.textContent).sort(),
    );
    assert.deepEqual(acted, ['legacy-deploy', 'shared-deploy', 'staging-deploy']);
    assert.match((await frame.textContent('#changes h3')) ?? '', /#20261204\.102 since #20261204\.101/);

    // The federation findings of the real report (issue #11): the legacy-issuer countdown and the
    // dangling credentials, as many as the report has.
    const legacy = latest.connections.filter((c) => c.federation === 'legacy_issuer').map((c) => c.name);
    assert.equal(await frame.getAttribute('#countdown', 'data-connections'), String(legacy.length));
    for (const name of legacy) assert.match((await frame.textContent('#countdown')) ?? '', new RegExp(name));
    assert.equal(
      await frame.getAttribute('#dangling', 'data-count'),
      String(latest.danglingCredentials?.length ?? 0),
    );
    process.stdout.write(
      `      (fixture: ${legacy.length} legacy-issuer connection(s), ${latest.danglingCredentials?.length ?? 0} dangling credential(s), ${inWindow.length} timeline point(s))\n`,
    );

    await page.screenshot({ path: path.join(SHOTS, 'health-page.png'), fullPage: true });

    // Filtering: by status, by kind, by text, and back.
    await frame.selectOption('#filter-status', 'failed');
    assert.deepEqual(
      (await tableRows(frame)).map((r) => r.name).sort(),
      latest.connections
        .filter((c) => c.failed)
        .map((c) => c.name)
        .sort(),
    );
    await frame.selectOption('#filter-status', '');
    await frame.fill('#filter-text', 'shared');
    assert.deepEqual(
      (await tableRows(frame)).map((r) => r.name),
      ['shared-deploy'],
    );
    assert.equal(await frame.textContent('#shown'), '1 of 11 connections');
    await frame.fill('#filter-text', 'no-such-connection');
    assert.equal(await frame.locator('#connections tbody tr.none').count(), 1);
    await frame.fill('#filter-text', '');
    await frame.selectOption('#filter-kind', 'federation');
    const federation = latest.connections
      .filter((c) => c.scheme === 'WorkloadIdentityFederation')
      .map((c) => c.name)
      .sort();
    assert.ok(federation.length > 0);
    assert.deepEqual((await tableRows(frame)).map((r) => r.name).sort(), federation);
    await frame.selectOption('#filter-kind', '');

    // Sorting: by connection, then the same header again reverses it.
    await frame.click('button[data-sort="connection"]');
    const names = latest.connections.map((c) => c.name).sort((a, b) => a.localeCompare(b));
    assert.deepEqual(
      (await tableRows(frame)).map((r) => r.name),
      names,
    );
    await frame.click('button[data-sort="connection"]');
    assert.deepEqual(
      (await tableRows(frame)).map((r) => r.name),
      [...names].reverse(),
    );

    // Requests: one tagged-runs query, both artifacts as zips, all with the page's token, reads only.
    assert.deepEqual(
      host.requests.map((r) => [r.method, r.path, r.query.tagFilters ?? r.query.artifactName]).sort(),
      [
        ['GET', `/fabrikam/${OPS.id}/_apis/build/builds`, TAG],
        ['GET', `/fabrikam/${OPS.id}/_apis/build/builds/102/artifacts`, ARTIFACT],
        ['GET', `/fabrikam/${OPS.id}/_apis/build/builds/101/artifacts`, ARTIFACT],
      ].sort(),
    );
    assert.ok(host.requests.every((r) => r.authorization === 'Bearer page-token-0b1d'));
    assert.ok(
      host.requests
        .filter((r) => r.path.endsWith('/artifacts'))
        .every((r) => r.accept.startsWith('application/zip')),
    );
  });

  it('Organization settings: every project, federation findings, and a project that fails to answer', async () => {
    const fic = {
      appId: 'b1c2d3e4-0000-4000-8000-000000000001',
      appObjectId: 'b1c2d3e4-0000-4000-8000-0000000000ff',
      appDisplayName: 'web-deployer',
      name: 'old-pipeline',
      subject: 'sc://fabrikam/Web/old-pipeline',
      issuer: 'https://vstoken.dev.azure.com/0b5c0d2e-0000-4000-8000-000000000000',
      risk: 'A new connection named old-pipeline in Web would inherit the access of web-deployer.',
    };
    const now = Date.now();
    const web = runReport(
      [
        row({
          id: 'w1',
          name: 'wif-legacy',
          projects: ['Web'],
          scheme: 'WorkloadIdentityFederation',
          expiresAt: ISSUER_RETIREMENT,
          status: 'ok',
          keyId: null,
          federation: 'legacy_issuer',
        }),
        {
          ...row({
            id: 'w2',
            name: 'web-cert',
            projects: ['Web'],
            expiresAt: new Date(now + 45 * DAY).toISOString(),
            status: 'ok',
          }),
          credentialKind: 'certificate' as const,
        },
        row({
          id: 'w3',
          name: 'web-secret',
          projects: ['Web'],
          expiresAt: new Date(now + 20 * DAY).toISOString(),
          status: 'warning',
        }),
      ],
      { organizationUrl: latest.organizationUrl, projects: ['Web'], finishedAt: new Date(now).toISOString() },
    );
    web.danglingCredentials = [fic];
    const webRun: FixtureRun = {
      id: 201,
      buildNumber: '20261204.201',
      definition: { id: 9, name: 'web-connections' },
      finishTime: new Date(now).toISOString(),
      tags: [TAG],
      artifacts: {
        [ARTIFACT]: zipArchive([
          { name: `${ARTIFACT}/job-1/service-connection-rotator.json`, data: JSON.stringify(web) },
        ]),
      },
    };
    const frame = await open(
      {
        organization: { id: 'o-1', name: 'fabrikam' },
        projects: [
          { ...OPS, runs: [reportRun, rotateRun] },
          { id: 'p-web', name: 'Web', runs: [webRun] },
          { id: 'p-broken', name: 'Broken', runs: [], failWith: 503 },
        ],
      },
      null,
    );
    const rows = await tableRows(frame);
    assert.equal(rows.length, 11 + 3);
    assert.deepEqual(
      rows
        .filter((r) => ['web-cert', 'web-secret', 'wif-legacy'].includes(r.name))
        .map((r) => [r.name, r.status, r.kind])
        .sort(),
      [
        ['web-cert', 'ok', 'certificate'],
        ['web-secret', 'warning', 'secret'],
        ['wif-legacy', 'ok', 'federation'],
      ],
    );
    const legacy = latest.connections.filter((c) => c.federation === 'legacy_issuer').length;
    assert.equal(await frame.getAttribute('#countdown', 'data-connections'), String(legacy + 1));
    assert.match((await frame.textContent('#countdown')) ?? '', /2027-07-01.*wif-legacy/s);
    const dangling = latest.danglingCredentials?.length ?? 0;
    assert.equal(await frame.getAttribute('#dangling', 'data-count'), String(dangling + 1));
    assert.match(
      (await frame.textContent('#dangling tbody')) ?? '',
      /web-deployer.*old-pipeline.*sc:\/\/fabrikam\/Web\/old-pipeline.*would inherit the access of web-deployer/,
    );
    assert.match(
      (await frame.textContent('#problems')) ?? '',
      /Project Broken: the runs could not be listed: TF246017/,
    );
    // The demo organization's certificate connection (the report's credentialKind) and the fixture's.
    await frame.selectOption('#filter-kind', 'certificate');
    assert.deepEqual((await tableRows(frame)).map((r) => r.name).sort(), ['cert-deploy', 'web-cert']);
    const paths = host.requests.map((r) => r.path).filter((p) => !p.endsWith('/artifacts'));
    assert.equal(paths[0], '/fabrikam/_apis/projects', 'the projects first, once');
    assert.deepEqual(paths.slice(1).sort(), [
      `/fabrikam/${OPS.id}/_apis/build/builds`,
      '/fabrikam/p-broken/_apis/build/builds',
      '/fabrikam/p-web/_apis/build/builds',
    ]);
    await page.screenshot({ path: path.join(SHOTS, 'health-page-organization.png'), fullPage: true });
  });

  it('shows how to add the scheduled pipeline when no run published a report', async () => {
    const empty = { id: 'p-new', name: 'New' };
    const frame = await open(
      { organization: { id: 'o-1', name: 'fabrikam' }, projects: [{ ...empty, runs: [] }] },
      empty,
    );
    assert.equal(await frame.getAttribute('body', 'data-state'), 'empty');
    const text = (await frame.textContent('#empty')) ?? '';
    assert.match(text, /No pipeline run in Project New \(1 project searched\)/);
    assert.match(text, /task: ServiceConnectionRotator@1/);
    assert.match(text, /schedules:/);
    assert.equal(await frame.locator('#connections').count(), 0);
    assert.equal(host.requests.length, 1, 'one query for the tagged runs, nothing else');
    await page.screenshot({ path: path.join(SHOTS, 'health-page-empty.png'), fullPage: true });
  });
});

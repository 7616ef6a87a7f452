/**
 * Malformed answers (truncated JSON, expected fields missing, HTML error pages, HTTP 200 with an
 * error body from endpointproxy), each aimed at one connection's requests, every time they are
 * sent: that connection fails with a reason naming what was unreadable, the task does not crash
 * (it completes with a result and a report), nothing about that connection changes, and the
 * others rotate. A malformed answer that does not repeat is retried and rotates.
 */
import assert from 'node:assert/strict';
import type { Emulator, FaultRuleInput } from '../../emulator';
import { stagedTaskDir, startFor } from '../task/task-harness';
import { CredentialWitness } from './support/credential-witness';
import { assertInvariants, connectionState } from './support/invariants';
import { FULL } from './support/mode';
import { type SmallOrg, smallOrg } from './support/small-org';
import { survived } from './support/table';
import { rowOf, runTaskJob } from './support/task-runs';

const SECTION = 'malformed responses';

interface Case {
  name: string;
  what: string;
  fault: (o: SmallOrg) => FaultRuleInput;
  /** `failed`: the connection fails and is unchanged; `rotated`: it recovers. */
  expect: 'failed' | 'rotated';
  detail: RegExp;
  full?: boolean;
}

const CASES: readonly Case[] = [
  {
    name: 'm-get-truncated',
    what: 'connection GET: truncated JSON',
    fault: (o) => ({
      operation: 'devops.endpoints.get',
      match: { connectionId: o.ids['m-get-truncated']! },
      kind: 'malformed',
      malformed: 'truncated-json',
    }),
    expect: 'failed',
    // Six reads with backoff (~10 s): the full run only.
    full: true,
    detail:
      /devops\.endpoints\.get failed: unreadable response \(HTTP 200\).*The new password [0-9a-f-]{36} was removed; the connection keeps its previous secret/,
  },
  {
    name: 'm-get-no-authorization',
    what: 'connection GET: `authorization` missing',
    fault: (o) => ({
      operation: 'devops.endpoints.get',
      match: { connectionId: o.ids['m-get-no-authorization']! },
      kind: 'malformed',
      malformed: 'missing-fields',
      fields: ['authorization'],
      afterEffect: true,
    }),
    expect: 'failed',
    detail:
      /The details of service connection [0-9a-f-]{36} are not visible.*was removed; the connection keeps its previous secret/,
  },
  {
    name: 'm-proxy-error-200',
    what: 'endpointproxy: HTTP 200 with an error body',
    fault: (o) => ({
      operation: 'devops.endpointproxy.execute',
      match: { connectionId: o.ids['m-proxy-error-200']! },
      kind: 'malformed',
      malformed: 'error-200',
    }),
    expect: 'failed',
    detail:
      /TestConnection with the new secret answered internalServerError.*was removed; the connection keeps its previous secret/,
  },
  {
    name: 'm-mint-html',
    what: 'addPassword: HTML error page (502)',
    fault: (o) => ({
      operation: 'graph.applications.addPassword',
      match: { appId: o.apps['app-mint-html']!.appId },
      kind: 'malformed',
      malformed: 'html',
    }),
    expect: 'failed',
    detail:
      /addPassword failed: no answer after 4 attempt\(s\).*; 0 password\(s\) created without an answer were removed/,
  },
  {
    name: 'm-mint-no-secret',
    what: 'addPassword: created, answer without `secretText`',
    fault: (o) => ({
      operation: 'graph.applications.addPassword',
      match: { appId: o.apps['app-mint-no-secret']!.appId },
      kind: 'malformed',
      malformed: 'missing-fields',
      fields: ['secretText'],
      afterEffect: true,
    }),
    expect: 'failed',
    detail:
      /addPassword failed: no answer after 4 attempt\(s\).*; 4 password\(s\) created without an answer were removed/,
  },
  {
    name: 'm-lookup-truncated',
    what: 'application read in $batch: truncated JSON',
    fault: (o) => ({
      operation: 'graph.applications.get',
      match: { appId: o.apps['app-lookup-truncated']!.appId },
      kind: 'malformed',
      malformed: 'truncated-json',
    }),
    expect: 'failed',
    detail:
      /could not be looked up in Microsoft Graph \(graph\.applications\.get failed: unreadable response \(HTTP 200\)/,
  },
  {
    name: 'm-token-html-twice',
    what: 'token endpoint: HTML page twice, then fine',
    fault: (o) => ({
      operation: 'entra.token',
      match: { appId: o.apps['app-token-html-twice']!.appId },
      kind: 'malformed',
      malformed: 'html',
      times: 2,
    }),
    expect: 'rotated',
    detail: /^Rotated/,
  },
  {
    name: 'm-put-truncated-once',
    what: 'PUT: landed, its answer truncated once',
    fault: (o) => ({
      operation: 'devops.endpoints.update',
      match: { connectionId: o.ids['m-put-truncated-once']! },
      kind: 'malformed',
      malformed: 'truncated-json',
      afterEffect: true,
      times: 1,
    }),
    expect: 'rotated',
    detail: /^Rotated/,
  },
  {
    name: 'm-put-truncated',
    what: 'PUT: landed, every answer truncated',
    fault: (o) => ({
      operation: 'devops.endpoints.update',
      match: { connectionId: o.ids['m-put-truncated']! },
      kind: 'malformed',
      malformed: 'truncated-json',
      afterEffect: true,
    }),
    expect: 'rotated',
    detail: /^Rotated/,
    full: true,
  },
];

describe('reliability: malformed answers fail one connection cleanly', function () {
  this.timeout(240_000);
  let emulator: Emulator | undefined;
  let witness: CredentialWitness | undefined;

  before(() => {
    stagedTaskDir();
  });

  afterEach(async () => {
    witness?.stop();
    await emulator?.close();
    emulator = undefined;
  });

  it('each malformed answer fails only its connection, changes nothing, and the task completes', async () => {
    const cases = CASES.filter((c) => FULL || !c.full);
    const o = smallOrg([
      { name: 'control', app: 'app-control', daysLeft: 5 },
      ...cases.map((c) => ({ name: c.name, app: `app-${c.name.slice(2)}`, daysLeft: 5 })),
    ]);
    const e = await startFor(o.org);
    emulator = e;
    const w = new CredentialWitness(e);
    witness = w;
    const before = Object.fromEntries(cases.map((c) => [c.name, connectionState(e, w, o.ids[c.name]!)]));
    for (const c of cases) e.faults.add(c.fault(o));

    const run = await runTaskJob({
      section: SECTION,
      emulator: e,
      org: o.org,
      inputs: { action: 'rotate', projects: 'Platform', connections: '*' },
    });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(run.result, 'Failed', 'a completed run, failed by the failed connections');
    assert.ok(run.report, 'the report was written');
    assert.equal(rowOf(run, 'control').action, 'rotated');
    assert.deepEqual(w.violations, [], 'no password a connection stored was removed');
    for (const c of cases) {
      const row = rowOf(run, c.name);
      if (c.expect === 'failed') {
        assert.ok(row.failed, `${c.name} failed`);
        assert.match(row.detail, c.detail, c.name);
        assert.deepEqual(connectionState(e, w, o.ids[c.name]!), before[c.name], `${c.name} unchanged`);
      } else {
        assert.equal(row.action, 'rotated', c.name);
        assert.match(row.detail, c.detail, c.name);
      }
    }
    e.faults.clear();
    await assertInvariants(
      e,
      w,
      { connections: ['control', ...cases.map((c) => c.name)].map((n) => o.ids[n]!), graceHours: 24 },
      'after malformed answers',
    );
    for (const c of cases) {
      survived(
        SECTION,
        c.what,
        c.expect === 'failed'
          ? `that connection failed: "${clip(rowOf(run, c.name).detail)}"; unchanged`
          : 'retried: rotated',
      );
    }
  });
});

function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

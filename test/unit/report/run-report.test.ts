import assert from 'node:assert/strict';
import { renderSummary } from '../../../lib/report/markdown-summary';
import { type ConnectionRow, decideResult, reportTotals } from '../../../lib/report/run-report';
import { days, iso, NOW } from '../inventory/builders';
import { row, runReport } from './report-builders';

const ok = row({ name: 'ok-one' });
const warning = row({ name: 'warn-one', status: 'warning', daysLeft: 20, expiresAt: iso(NOW + days(20)) });
const critical = row({ name: 'crit-one', status: 'critical', daysLeft: 3, expiresAt: iso(NOW + days(3)) });
const expired = row({ name: 'gone-one', status: 'expired', daysLeft: -2, expiresAt: iso(NOW - days(1.5)) });
const failed = row({ name: 'fail-one', failed: true, action: 'failed', detail: 'Graph said no.' });
const needsAction = row({ name: 'auto-one', needsAction: true, action: 'skipped' });
const rotated = row({ name: 'new-one', action: 'rotated' });

describe('decideResult', () => {
  const table: Array<[string, ConnectionRow[], 'Succeeded' | 'SucceededWithIssues' | 'Failed', string]> = [
    ['nothing in scope', [], 'Succeeded', '0 service connections: all secrets ok.'],
    ['all ok', [ok], 'Succeeded', '1 service connection: all secrets ok.'],
    [
      'all ok after a rotation',
      [ok, rotated],
      'Succeeded',
      '2 service connections: all secrets ok; rotated 1.',
    ],
    [
      'a warning',
      [ok, warning],
      'SucceededWithIssues',
      '2 service connections: 1 expiring within 30 days. See the summary.',
    ],
    [
      'a skip the user must act on',
      [needsAction],
      'SucceededWithIssues',
      '1 service connection: 1 need you to act. See the summary.',
    ],
    [
      'a critical one',
      [critical, warning],
      'Failed',
      '2 service connections: 1 expiring within 7 days, 1 expiring within 30 days. See the summary.',
    ],
    ['an expired one', [expired], 'Failed', '1 service connection: 1 expired. See the summary.'],
    [
      'a failure, naming the first cause',
      [failed, ok],
      'Failed',
      '2 service connections: 1 failed. See the summary. First failure: fail-one: Graph said no.',
    ],
  ];
  for (const [label, rows, result, message] of table) {
    it(`is ${result} for ${label}`, () =>
      assert.deepEqual(decideResult(runReport(rows)), { result, message }));
  }
});

describe('reportTotals', () => {
  it('counts every kind and finds the soonest expiry', () => {
    assert.deepEqual(reportTotals(runReport([ok, warning, critical, expired, failed, rotated]), NOW), {
      expiryStatus: 'expired',
      connections: 6,
      expiring: 2,
      expired: 1,
      rotated: 1,
      failed: 1,
      migrated: 0,
      legacyIssuer: 0,
      dangling: 0,
      nextExpiry: iso(NOW - days(1.5)),
      daysUntilNextExpiry: -2,
    });
  });

  it('has no next expiry when nothing expires', () => {
    const none = row({ expiresAt: null, daysLeft: null, status: 'unknown' });
    assert.deepEqual(reportTotals(runReport([none]), NOW), {
      expiryStatus: 'ok',
      connections: 1,
      expiring: 0,
      expired: 0,
      rotated: 0,
      failed: 0,
      migrated: 0,
      legacyIssuer: 0,
      dangling: 0,
      nextExpiry: null,
      daysUntilNextExpiry: null,
    });
  });
});

describe('renderSummary', () => {
  it('lists failures first, then by status and days left, with pipes and line breaks escaped', () => {
    const piped = row({
      name: 'a|b',
      status: 'warning',
      daysLeft: 25,
      detail: 'line one\nline two',
      next: 'do | this',
    });
    const lines = renderSummary(runReport([ok, piped, failed, critical])).split('\n');
    assert.equal(lines[0], '## Service connection secrets: action needed');
    assert.equal(
      lines[4],
      'Mode: **rotate** · thresholds: warning ≤ 30 days, failure ≤ 7 days · rotate ≤ 30 days',
    );
    const rows = lines.filter((l) => l.startsWith('| ') && !l.startsWith('| status'));
    assert.deepEqual(
      rows.map((l) => l.split(' | ').slice(0, 3).join(' | ')),
      [
        '| ❌ failed | 100 | fail-one',
        '| 🔴 critical | 3 | crit-one',
        '| 🟠 warning | 25 | a\\|b',
        '| 🟢 ok | 100 | ok-one',
      ],
    );
    assert.ok(rows[2]!.includes('| line one line two | do \\| this |'));
  });

  it('says when no connection matched the filters', () => {
    const text = renderSummary(runReport([], { action: 'report' }));
    assert.match(text, /^## Service connection secrets: all good$/m);
    assert.match(text, /Mode: \*\*report only\*\*/);
    assert.match(text, /No AzureRM service connection matched the `projects` and `connections` filters\./);
  });

  it('names a dry run', () => {
    assert.match(
      renderSummary(runReport([ok], { dryRun: true })),
      /Mode: \*\*rotate, dry run \(nothing changed\)\*\*/,
    );
  });
});

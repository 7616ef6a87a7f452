import assert from 'node:assert/strict';
import { mergeScopes } from '../../../hub/model/merge-scopes';
import { buildRows, countByStatus, credentialKind, healthStatus } from '../../../hub/model/rows';
import { selectReports } from '../../../hub/model/select-reports';
import { filterRows, sortRows } from '../../../hub/model/table';
import type { HealthRow } from '../../../hub/model/types';
import { at, DAY, expiring, NOW, published, row } from './hub-builders';

const THRESHOLDS = { warningDays: 30, failureDays: 7 };

describe('health page: a row’s status and kind', () => {
  const cases: Array<{ name: string; r: Parameters<typeof row>[0]; status: string }> = [
    {
      name: 'a failure first, whatever its expiry',
      r: { failed: true, expiresAt: at(100) },
      status: 'failed',
    },
    {
      name: 'days counted from now, not from the run',
      r: { status: 'warning', expiresAt: at(5) },
      status: 'critical',
    },
    { name: 'expired since the run', r: { status: 'critical', expiresAt: at(-0.5) }, status: 'expired' },
    { name: 'warning window', r: { expiresAt: at(30) }, status: 'warning' },
    { name: 'beyond the warning window', r: { expiresAt: at(31) }, status: 'ok' },
    { name: 'unknown stays unknown', r: { status: 'unknown', expiresAt: null }, status: 'unknown' },
    {
      name: 'nothing to expire keeps the report’s status',
      r: { status: 'ok', expiresAt: null },
      status: 'ok',
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(healthStatus(row(c.r), THRESHOLDS, NOW), c.status));
  }

  it('tells secrets, certificates and federation apart', () => {
    assert.equal(credentialKind(row({ scheme: 'WorkloadIdentityFederation' })), 'federation');
    assert.equal(
      credentialKind(
        row({ detail: 'Certificate 1a2b3c4d valid until 2027-01-01 (28 days), recorded by this task.' }),
      ),
      'certificate',
    );
    assert.equal(
      credentialKind({ ...row(), credentialKind: 'certificate' } as ReturnType<typeof row>),
      'certificate',
    );
    assert.equal(credentialKind(row({ detail: 'Secret 1a2b3c4d valid until 2027-01-01.' })), 'secret');
  });
});

function rowsOf(...rs: ReturnType<typeof row>[]): HealthRow[] {
  return buildRows(mergeScopes(selectReports([published(1, rs)])), NOW);
}

describe('health page: rows, counts, sorting and filtering', () => {
  const rows = rowsOf(
    expiring('prod-deploy', 'c1', 100),
    expiring('staging-deploy', 'c2', 12, { next: 'Rotate it.' }),
    expiring('legacy-deploy', 'c3', -6),
    row({
      id: 'c4',
      name: 'old-sandbox',
      status: 'unknown',
      expiresAt: null,
      failed: true,
      next: 'Grant the role.',
      projects: ['Web'],
    }),
    row({ id: 'c5', name: 'wif-deploy', scheme: 'WorkloadIdentityFederation', expiresAt: null }),
    expiring('cert-deploy', 'c6', 3, { detail: 'Certificate 1a2b3c4d valid until soon.' }),
  );

  it('builds one row per connection with days left from now', () => {
    assert.deepEqual(
      rows.map((r) => [r.connection, r.status, r.daysLeft, r.kind]),
      [
        ['prod-deploy', 'ok', 100, 'secret'],
        ['staging-deploy', 'warning', 12, 'secret'],
        ['legacy-deploy', 'expired', -6, 'secret'],
        ['old-sandbox', 'failed', null, 'secret'],
        ['wif-deploy', 'ok', null, 'federation'],
        ['cert-deploy', 'critical', 3, 'certificate'],
      ],
    );
    assert.equal(rows[0]!.run.buildId, 1);
  });

  it('counts every status', () => {
    assert.deepEqual(countByStatus(rows), {
      failed: 1,
      expired: 1,
      critical: 1,
      warning: 1,
      unknown: 0,
      ok: 2,
    });
  });

  const names = (rs: HealthRow[]) => rs.map((r) => r.connection);
  const sorts: Array<[Parameters<typeof sortRows>[1], Parameters<typeof sortRows>[2], string[]]> = [
    [
      'status',
      'asc',
      ['old-sandbox', 'legacy-deploy', 'cert-deploy', 'staging-deploy', 'prod-deploy', 'wif-deploy'],
    ],
    [
      'status',
      'desc',
      ['prod-deploy', 'wif-deploy', 'staging-deploy', 'cert-deploy', 'legacy-deploy', 'old-sandbox'],
    ],
    [
      'daysLeft',
      'asc',
      ['legacy-deploy', 'cert-deploy', 'staging-deploy', 'prod-deploy', 'old-sandbox', 'wif-deploy'],
    ],
    [
      'connection',
      'asc',
      ['cert-deploy', 'legacy-deploy', 'old-sandbox', 'prod-deploy', 'staging-deploy', 'wif-deploy'],
    ],
    [
      'kind',
      'desc',
      ['wif-deploy', 'cert-deploy', 'old-sandbox', 'legacy-deploy', 'staging-deploy', 'prod-deploy'],
    ],
  ];
  for (const [key, direction, expected] of sorts) {
    it(`sorts by ${key} ${direction}`, () =>
      assert.deepEqual(names(sortRows(rows, key, direction)), expected));
  }

  const filters: Array<[string, Parameters<typeof filterRows>[1], string[]]> = [
    ['nothing: every row', {}, names(rows)],
    ['by text in the name, any case', { text: 'DEPLOY sta' }, ['staging-deploy']],
    ['by text in the next step', { text: 'grant' }, ['old-sandbox']],
    ['by text in a project', { text: 'web' }, ['old-sandbox']],
    ['by status', { statuses: ['expired', 'critical'] }, ['legacy-deploy', 'cert-deploy']],
    ['by kind', { kinds: ['federation', 'certificate'] }, ['wif-deploy', 'cert-deploy']],
    ['by status and kind together', { statuses: ['ok'], kinds: ['secret'] }, ['prod-deploy']],
    ['to nothing', { text: 'no-such-connection' }, []],
  ];
  for (const [name, filter, expected] of filters) {
    it(`filters ${name}`, () => assert.deepEqual(names(filterRows(rows, filter)), expected));
  }

  it('filters and sorts without changing the rows given', () => {
    const before = JSON.stringify(rows);
    sortRows(rows, 'connection', 'desc');
    filterRows(rows, { text: 'x' });
    assert.equal(JSON.stringify(rows), before);
    assert.ok(DAY > 0);
  });
});

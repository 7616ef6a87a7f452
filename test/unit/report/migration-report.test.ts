import assert from 'node:assert/strict';
import { migrationSkip } from '../../../lib/migration/skip-reasons';
import type { MigrationEntry, MigrationPlan, MigrationResult } from '../../../lib/migration/types';
import { buildMigrationReport } from '../../../lib/report/migration-report';
import { decideResult, reportTotals } from '../../../lib/report/run-report';
import { inventory, NOW, POLICY, report, uuid } from '../inventory/builders';

const reports = [1, 2, 3, 4, 5].map((n) =>
  report({ id: uuid(n), name: `c${n}`, daysLeft: 5, status: 'critical' }),
);

function entry(n: number, over: Partial<MigrationEntry>): MigrationEntry {
  return {
    connectionId: uuid(n),
    connectionName: `c${n}`,
    projectId: 'p',
    tenantId: 't',
    appId: 'a',
    appObjectId: 'o',
    action: 'convert',
    target: null,
    ficPresent: false,
    legacyFic: null,
    removeLegacyFic: false,
    removeKeyIds: [],
    foreignKeyIds: [],
    revertSchemeDeadline: null,
    portalUrl: null,
    skip: null,
    ...over,
  };
}

function result(n: number, over: Partial<MigrationResult>): MigrationResult {
  return {
    connectionId: uuid(n),
    connectionName: `c${n}`,
    outcome: 'converted',
    createdFic: null,
    removedFics: [],
    removedKeyIds: [],
    revertSchemeDeadline: null,
    portalUrl: null,
    error: null,
    skip: null,
    ...over,
  };
}

const entries = [
  entry(1, {}),
  entry(2, { action: 'prepare_issuer_move', portalUrl: 'https://portal/c2' }),
  entry(3, { action: 'skip', skip: migrationSkip('fic_limit', reports[2]!) }),
  entry(4, { action: 'skip', skip: migrationSkip('not_administrator', reports[3]!) }),
  entry(5, { action: 'skip', skip: migrationSkip('multitenant', reports[4]!, 'AzureADMultipleOrgs') }),
];
const plan: MigrationPlan = {
  kind: 'migrate',
  createdAt: '',
  organizationId: 'o',
  revokeAfterHours: 24,
  entries,
};
const input = {
  action: 'migrate' as const,
  version: '1.0.0',
  inventory: inventory(reports),
  plan,
  policy: POLICY,
  startedAt: NOW,
  finishedAt: NOW,
};

describe('migration run report', () => {
  it('turns results into rows: migrated is secretless, ready to switch needs a person, a permission fails', () => {
    const results = [
      result(1, { createdFic: 'sc-rotator-1', revertSchemeDeadline: '2026-11-30T03:00:00.000Z' }),
      result(2, { outcome: 'ready_to_switch', portalUrl: 'https://portal/c2' }),
      result(3, { outcome: 'skipped', skip: entries[2]!.skip }),
      result(4, { outcome: 'skipped', skip: entries[3]!.skip }),
      result(5, { outcome: 'skipped', skip: entries[4]!.skip }),
    ];
    const run = buildMigrationReport({ ...input, dryRun: false, results });
    assert.deepEqual(
      run.connections.map((r) => [r.name, r.action, r.status, r.failed, r.needsAction]),
      [
        ['c1', 'migrated', 'ok', false, false],
        ['c2', 'ready_to_switch', 'critical', false, true],
        ['c3', 'skipped', 'critical', false, true],
        ['c4', 'skipped', 'critical', true, true],
        ['c5', 'skipped', 'critical', false, false],
      ],
    );
    assert.match(run.connections[0]!.next, /until 2026-11-30T03:00:00.000Z/);
    assert.match(run.connections[1]!.next, /https:\/\/portal\/c2/);
    assert.equal(reportTotals(run, NOW).migrated, 1);
    assert.equal(decideResult(run).result, 'Failed');
  });

  it('in a dry run says what would happen and counts nothing as migrated', () => {
    const run = buildMigrationReport({ ...input, dryRun: true, results: null });
    assert.deepEqual(
      run.connections.map((r) => r.action),
      ['would_migrate', 'would_migrate', 'skipped', 'skipped', 'skipped'],
    );
    assert.equal(run.dryRun, true);
    assert.equal(reportTotals(run, NOW).migrated, 0);
  });
});

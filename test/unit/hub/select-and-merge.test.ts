import assert from 'node:assert/strict';
import { mergeScopes } from '../../../hub/model/merge-scopes';
import { readReportFile } from '../../../hub/model/read-report';
import { scopeKey, selectReports } from '../../../hub/model/select-reports';
import { at, expiring, published, row, runReport } from './hub-builders';

describe('health page: selecting reports per scope', () => {
  it('keys a scope by organization (case, trailing slash) and its set of projects', () => {
    const cases: Array<[Parameters<typeof runReport>[1], string]> = [
      [
        { organizationUrl: 'https://dev.azure.com/Fabrikam/', projects: ['Web', 'Ops'] },
        'https://dev.azure.com/fabrikam|ops,web',
      ],
      [
        { organizationUrl: 'https://dev.azure.com/fabrikam', projects: ['ops', 'Web', 'OPS'] },
        'https://dev.azure.com/fabrikam|ops,web',
      ],
      [
        { organizationUrl: 'https://tfs.contoso.com/DefaultCollection', projects: [] },
        'https://tfs.contoso.com/defaultcollection|',
      ],
    ];
    for (const [overrides, key] of cases) assert.equal(scopeKey(runReport([], overrides)), key);
  });

  it('takes the newest report of each scope and the one before it, whichever run wrote them', () => {
    const a1 = published(1, [], { projects: ['Ops'], finishedAt: at(-2) });
    const a2 = published(2, [], { projects: ['Ops'], finishedAt: at(-1) });
    const a3 = published(3, [], { projects: ['Ops'], finishedAt: at(-3) });
    const b1 = published(4, [], { projects: ['Web'], finishedAt: at(-5) }, { definitionName: 'web-check' });
    const scopes = selectReports([a1, b1, a3, a2]);
    assert.deepEqual(
      scopes.map((s) => [s.key, s.latest.run.buildId, s.previous?.run.buildId ?? null]),
      [
        ['https://dev.azure.com/fabrikam|ops', 2, 1],
        ['https://dev.azure.com/fabrikam|web', 4, null],
      ],
    );
  });

  it('breaks a tie of finishedAt by the newer run', () => {
    const scopes = selectReports([published(7, []), published(9, []), published(8, [])]);
    assert.deepEqual([scopes[0]!.latest.run.buildId, scopes[0]!.previous!.run.buildId], [9, 8]);
  });

  it('selects nothing from nothing (the empty state)', () => {
    assert.deepEqual(selectReports([]), []);
  });
});

describe('health page: merging scopes', () => {
  it('lists a connection seen by two scopes once, as the newest report says, in every project seen', () => {
    const shared = 'c-shared';
    const older = published(
      1,
      [
        expiring('shared-deploy', shared, 20, { status: 'warning', projects: ['Ops'] }),
        expiring('ops-only', 'c-ops', 90),
      ],
      { projects: ['Ops'], finishedAt: at(-3) },
    );
    const newer = published(
      2,
      [expiring('shared-deploy', shared, 170, { action: 'rotated', projects: ['Web'] })],
      { projects: ['Web'], finishedAt: at(-1) },
    );
    const merged = mergeScopes(selectReports([older, newer]));
    assert.deepEqual(
      merged.map((m) => [m.row.name, m.row.action, m.projects, m.source.run.buildId]),
      [
        ['shared-deploy', 'rotated', ['Ops', 'Web'], 2],
        ['ops-only', 'none', ['Ops'], 1],
      ],
    );
  });

  it('keeps the same connection id in two organizations apart', () => {
    const a = published(1, [row({ id: 'same', name: 'a' })], { organizationUrl: 'https://dev.azure.com/a' });
    const b = published(2, [row({ id: 'same', name: 'b' })], { organizationUrl: 'https://dev.azure.com/b' });
    assert.deepEqual(
      mergeScopes(selectReports([a, b]))
        .map((m) => m.key)
        .sort(),
      ['https://dev.azure.com/a|same', 'https://dev.azure.com/b|same'],
    );
  });
});

describe('health page: reading the files of the artifact', () => {
  const good = runReport([row()]);
  const cases: Array<{ name: string; text: string; reports: number; problems: string[] }> = [
    { name: 'a run report', text: JSON.stringify(good), reports: 1, problems: [] },
    {
      name: 'a merged report, flattened',
      text: JSON.stringify({
        schemaVersion: 1,
        kind: 'merged',
        reports: [good, good, { nope: 1 }],
        failures: [],
      }),
      reports: 2,
      problems: ['a.json: 1 report(s) of an unknown schema skipped'],
    },
    { name: 'not JSON', text: '{', reports: 0, problems: ['a.json: not JSON'] },
    {
      name: 'another schema version',
      text: JSON.stringify({ ...good, schemaVersion: 2 }),
      reports: 0,
      problems: ['a.json: not a Service Connection Rotator report of schemaVersion 1'],
    },
    {
      name: 'a row without a name',
      text: JSON.stringify({ ...good, connections: [{ id: 'x' }] }),
      reports: 0,
      problems: ['a.json: not a Service Connection Rotator report of schemaVersion 1'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const read = readReportFile('a.json', c.text);
      assert.equal(read.reports.length, c.reports);
      assert.deepEqual(read.problems, c.problems);
    });
  }
});

import assert from 'node:assert/strict';
import { danglingFics, issuerCountdown } from '../../../hub/model/federation';
import { mergeScopes } from '../../../hub/model/merge-scopes';
import { buildRows } from '../../../hub/model/rows';
import { selectReports } from '../../../hub/model/select-reports';
import { timelineSeries } from '../../../hub/model/timeline';
import type { HealthRow } from '../../../hub/model/types';
import { ISSUER_RETIREMENT } from '../../../lib/federation/issuers';
import { at, DAY, expiring, NOW, published, row } from './hub-builders';

function rowsAt(now: number, ...rs: ReturnType<typeof row>[]): HealthRow[] {
  return buildRows(mergeScopes(selectReports([published(1, rs)])), now);
}

const legacy = (id: string, name: string) =>
  row({ id, name, scheme: 'WorkloadIdentityFederation', expiresAt: ISSUER_RETIREMENT, keyId: null });

describe('health page: the 180-day timeline', () => {
  const rows = rowsAt(
    NOW,
    expiring('today', 'c1', 0),
    expiring('soon', 'c2', 12),
    expiring('last-day', 'c3', 180),
    expiring('beyond', 'c4', 181),
    expiring('expired', 'c5', -1),
    expiring('cert', 'c6', 40, { detail: 'Certificate 1a2b3c4d valid until then.' }),
    row({ id: 'c7', name: 'no-expiry', expiresAt: null }),
    legacy('c8', 'wif-legacy'),
  );

  it('has one point per secret or certificate expiring from now to day 180, in time order', () => {
    const series = timelineSeries(rows, NOW);
    assert.deepEqual(
      series.points.map((p) => [p.day, p.kind, p.label]),
      [
        [0, 'secret', 'today'],
        [12, 'secret', 'soon'],
        [40, 'certificate', 'cert'],
        [180, 'secret', 'last-day'],
      ],
    );
    assert.equal(series.from, new Date(NOW).toISOString());
    assert.equal(series.to, at(180));
  });

  it('adds the issuer retirement once it is within 180 days, for every connection on it', () => {
    const may = Date.parse('2027-05-01T00:00:00Z');
    const later = rowsAt(may, legacy('c8', 'wif-b'), legacy('c9', 'wif-a'), expiring('x', 'c1', 400));
    const points = timelineSeries(later, may).points;
    assert.deepEqual(
      points.map((p) => [p.day, p.kind, p.label, p.connections]),
      [[61, 'issuer', 'Azure DevOps issuer retired (2 connections)', ['wif-a', 'wif-b']]],
    );
  });

  it('has no issuer point when no connection is on the legacy issuer', () => {
    const may = Date.parse('2027-05-01T00:00:00Z');
    const none = rowsAt(may, row({ id: 'w', scheme: 'WorkloadIdentityFederation', expiresAt: null }));
    assert.deepEqual(timelineSeries(none, may).points, []);
  });
});

describe('health page: federation findings', () => {
  it('counts down to 2027-07-01 and names the connections still on the legacy issuer', () => {
    const rows = rowsAt(NOW, legacy('c8', 'wif-b'), legacy('c9', 'wif-a'), row({ id: 'c1' }));
    assert.deepEqual(issuerCountdown(rows, NOW), {
      retirement: ISSUER_RETIREMENT,
      daysLeft: 208,
      connections: ['wif-a', 'wif-b'],
    });
    assert.equal(issuerCountdown(rows, Date.parse(ISSUER_RETIREMENT) + DAY).daysLeft, -1);
  });

  it('takes the report’s finding, and in reports before findings the retirement as the expiry', () => {
    const wif = { scheme: 'WorkloadIdentityFederation', keyId: null } as const;
    const rows = rowsAt(
      NOW,
      row({ id: 'finding', ...wif, federation: 'legacy_issuer', expiresAt: ISSUER_RETIREMENT }),
      row({ id: 'out-of-scope', ...wif, federation: 'legacy_out_of_scope', expiresAt: null }),
      row({ id: 'federated', ...wif, federation: 'federated', expiresAt: null }),
      row({ id: 'old-report', ...wif, expiresAt: ISSUER_RETIREMENT }),
      row({ id: 'old-report-entra', ...wif, expiresAt: null }),
      row({ id: 'secret', expiresAt: ISSUER_RETIREMENT }),
    );
    assert.deepEqual(
      rows.map((r) => [r.key.split('|')[1], r.legacyIssuer]),
      [
        ['finding', true],
        ['out-of-scope', false],
        ['federated', false],
        ['old-report', true],
        ['old-report-entra', false],
        ['secret', false],
      ],
    );
  });

  it('lists the dangling credentials of the newest reports once, with the app and the risk', () => {
    const fic = {
      appId: 'app-1',
      appObjectId: 'obj-1',
      appDisplayName: 'deploy-web',
      name: 'old-fic',
      subject: 'sc://fabrikam/Ops/gone',
      issuer: 'https://vstoken.dev.azure.com/o',
      risk: 'A new connection named gone in Ops would inherit the access of deploy-web.',
    };
    const a = published(1, [], { projects: ['Ops'], danglingCredentials: [fic] });
    const b = published(2, [], {
      projects: ['Web'],
      danglingCredentials: [fic, { ...fic, appId: 'app-0', subject: 'sc://fabrikam/Web/y' }],
    });
    Object.assign(b.report, { danglingCredentials: [...b.report.danglingCredentials!, { name: 'no-app' }] });
    const found = danglingFics(selectReports([a, b]));
    assert.deepEqual(
      found.map((f) => [f.appId, f.appName, f.name, f.subject, f.run.buildId]),
      [
        ['app-0', 'deploy-web', 'old-fic', 'sc://fabrikam/Web/y', 2],
        ['app-1', 'deploy-web', 'old-fic', 'sc://fabrikam/Ops/gone', 1],
      ],
    );
    assert.equal(found[1]!.risk, fic.risk);
  });

  it('finds none in reports written before federation findings existed', () => {
    assert.deepEqual(danglingFics(selectReports([published(1, [row()])])), []);
  });
});

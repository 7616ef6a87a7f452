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

  it('reads a legacy-issuer flag or finding code too, and never calls a secret connection legacy', () => {
    const flagged = {
      ...row({ id: 'a', scheme: 'WorkloadIdentityFederation', expiresAt: null }),
      legacyIssuer: true,
    };
    const coded = row({
      id: 'b',
      scheme: 'WorkloadIdentityFederation',
      expiresAt: null,
      code: 'legacy_issuer',
    });
    const secret = row({ id: 'c', expiresAt: ISSUER_RETIREMENT });
    assert.deepEqual(
      rowsAt(NOW, flagged, coded, secret).map((r) => [r.key.split('|')[1], r.legacyIssuer]),
      [
        ['a', true],
        ['b', true],
        ['c', false],
      ],
    );
  });

  it('lists the dangling credentials of the newest reports once, wherever the report keeps them', () => {
    const fic = {
      appId: 'app-1',
      name: 'old-fic',
      subject: 'sc://fabrikam/Ops/gone',
      issuer: 'https://vstoken.dev.azure.com/o',
    };
    const a = published(1, [], { projects: ['Ops'] });
    Object.assign(a.report, {
      danglingFics: [fic, { appId: 'app-0', ficName: 'x', subject: 'sc://fabrikam/Ops/y' }],
    });
    const b = published(2, [], { projects: ['Web'] });
    Object.assign(b.report, { federation: { danglingFics: [fic, { name: 'no-app' }] } });
    const found = danglingFics(selectReports([a, b]));
    assert.deepEqual(
      found.map((f) => [f.appId, f.name, f.subject, f.issuer]),
      [
        ['app-0', 'x', 'sc://fabrikam/Ops/y', null],
        ['app-1', 'old-fic', 'sc://fabrikam/Ops/gone', 'https://vstoken.dev.azure.com/o'],
      ],
    );
  });

  it('finds none in reports written before federation findings existed', () => {
    assert.deepEqual(danglingFics(selectReports([published(1, [row()])])), []);
  });
});

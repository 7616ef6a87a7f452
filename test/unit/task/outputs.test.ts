import assert from 'node:assert/strict';
import type { RunReport } from '../../../lib';
import { OUTPUT_VARIABLES } from '../../../tasks/ServiceConnectionRotatorV1/output-names';
import { outputValues } from '../../../tasks/ServiceConnectionRotatorV1/outputs';
import { days, iso, NOW } from '../inventory/builders';
import { row, runReport } from '../report/report-builders';

describe('task output variables', () => {
  const table: Array<[string, RunReport['connections'], Record<string, string>]> = [
    [
      'nothing in scope',
      [],
      {
        ExpiryStatus: 'ok',
        ConnectionCount: '0',
        ExpiringCount: '0',
        ExpiredCount: '0',
        RotatedCount: '0',
        FailedCount: '0',
        MigratedCount: '0',
        LegacyIssuerCount: '0',
        NextExpiry: '',
        DaysUntilNextExpiry: '',
        ReportPath: '/r.json',
      },
    ],
    [
      'a rotated, a critical and a failed connection',
      [
        row({ action: 'rotated', expiresAt: iso(NOW + days(180)), daysLeft: 180 }),
        row({ status: 'critical', daysLeft: 2, expiresAt: iso(NOW + days(2.5)) }),
        row({ failed: true, expiresAt: null, daysLeft: null, status: 'unknown' }),
      ],
      {
        ExpiryStatus: 'critical',
        ConnectionCount: '3',
        ExpiringCount: '1',
        ExpiredCount: '0',
        RotatedCount: '1',
        FailedCount: '1',
        MigratedCount: '0',
        LegacyIssuerCount: '0',
        NextExpiry: iso(NOW + days(2.5)),
        DaysUntilNextExpiry: '2',
        ReportPath: '/r.json',
      },
    ],
  ];
  for (const [label, rows, expected] of table) {
    it(`sets every declared variable for ${label}`, () => {
      const values = outputValues(runReport(rows), '/r.json', NOW);
      assert.deepEqual(Object.keys(values).sort(), [...OUTPUT_VARIABLES].sort());
      assert.deepEqual(values, expected);
    });
  }
});

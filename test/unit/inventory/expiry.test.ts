import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  daysLeft,
  expiryStatus,
  parseThresholds,
  type ThresholdInput,
  worstStatus,
} from '../../../lib/inventory/expiry';
import type { ConnectionStatus, ExpiryStatus } from '../../../lib/inventory/types';
import type { InputProblem } from '../../../lib/options/invalid-input';
import { days, hours, NOW, THRESHOLDS } from './builders';

describe('expiry', () => {
  describe('daysLeft and expiryStatus (warningDays 30, failureDays 7)', () => {
    const table: Array<[string, number, number, ExpiryStatus]> = [
      ['far away', days(100), 100, 'ok'],
      ['one day more than warningDays', days(31), 31, 'ok'],
      ['exactly warningDays left', days(30), 30, 'warning'],
      ['a second short of warningDays', days(30) - 1000, 29, 'warning'],
      ['one day more than failureDays', days(8), 8, 'warning'],
      ['exactly failureDays left', days(7), 7, 'critical'],
      ['less than a day left', hours(5), 0, 'critical'],
      ['expiring exactly now', 0, 0, 'critical'],
      ['expired one second ago', -1000, -1, 'expired'],
      ['expired a day and a second ago', -days(1) - 1000, -2, 'expired'],
      ['expired exactly a day ago', -days(1), -1, 'expired'],
    ];
    for (const [label, offset, expectedDays, expectedStatus] of table) {
      it(`${label}: ${expectedDays} day(s), ${expectedStatus}`, () => {
        assert.equal(daysLeft(NOW + offset, NOW), expectedDays);
        assert.equal(expiryStatus(NOW + offset, NOW, THRESHOLDS), expectedStatus);
      });
    }

    it('is critical, not warning, when failureDays equals warningDays', () => {
      assert.equal(expiryStatus(NOW + days(5), NOW, { warningDays: 5, failureDays: 5 }), 'critical');
    });

    it('never rates a later expiry worse than an earlier one (property)', () => {
      const rank: Record<ExpiryStatus, number> = { ok: 0, warning: 1, critical: 2, expired: 3 };
      fc.assert(
        fc.property(
          fc.integer({ min: -days(400), max: days(400) }),
          fc.integer({ min: 0, max: days(50) }),
          fc.integer({ min: 0, max: 60 }),
          fc.integer({ min: 0, max: 60 }),
          (offset, later, a, b) => {
            const thresholds = { warningDays: Math.max(a, b), failureDays: Math.min(a, b) };
            const early = expiryStatus(NOW + offset, NOW, thresholds);
            const late = expiryStatus(NOW + offset + later, NOW, thresholds);
            return (
              rank[late] <= rank[early] && daysLeft(NOW + offset + later, NOW) >= daysLeft(NOW + offset, NOW)
            );
          },
        ),
      );
    });
  });

  describe('worstStatus', () => {
    const table: Array<[ConnectionStatus[], ExpiryStatus]> = [
      [[], 'ok'],
      [['ok', 'warning'], 'warning'],
      [['warning', 'critical', 'ok'], 'critical'],
      [['expired', 'critical'], 'expired'],
      [['unknown', 'ok'], 'ok'],
      [['unknown'], 'ok'],
    ];
    for (const [statuses, expected] of table) {
      it(`is ${expected} for [${statuses.join(', ')}]`, () => assert.equal(worstStatus(statuses), expected));
    }
  });

  describe('parseThresholds', () => {
    it('takes the defaults when nothing is given', () =>
      assert.deepEqual(parseThresholds({}), {
        thresholds: { warningDays: 30, failureDays: 7 },
        problems: [],
      }));
    it('reads numbers and their text alike', () =>
      assert.deepEqual(parseThresholds({ warningDays: ' 20 ', failureDays: 3 }), {
        thresholds: { warningDays: 20, failureDays: 3 },
        problems: [],
      }));
    const table: Array<[string, ThresholdInput, InputProblem[]]> = [
      [
        'failureDays above warningDays',
        { warningDays: 5, failureDays: 7 },
        [
          {
            option: 'failureDays',
            value: '7',
            allowed: 'expected a whole number from 0 to 5 (it may not exceed warningDays, 5)',
          },
        ],
      ],
      [
        'negative and fractional values',
        { warningDays: -1, failureDays: 1.5 },
        [
          { option: 'warningDays', value: '-1', allowed: 'expected a whole number from 0 to 3650' },
          { option: 'failureDays', value: '1.5', allowed: 'expected a whole number from 0 to 3650' },
        ],
      ],
      [
        'text that is not a number',
        { warningDays: 'soon' },
        [{ option: 'warningDays', value: 'soon', allowed: 'expected a whole number from 0 to 3650' }],
      ],
      [
        'more than ten years',
        { warningDays: 3651, failureDays: 0 },
        [{ option: 'warningDays', value: '3651', allowed: 'expected a whole number from 0 to 3650' }],
      ],
    ];
    for (const [label, input, problems] of table) {
      it(`rejects ${label}`, () => assert.deepEqual(parseThresholds(input).problems, problems));
    }
  });
});

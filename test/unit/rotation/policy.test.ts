import assert from 'node:assert/strict';
import { DEFAULT_ROTATION_POLICY, validatePolicy } from '../../../lib/rotation/policy';

describe('validatePolicy', () => {
  it('accepts the defaults', () => assert.deepEqual(validatePolicy({ ...DEFAULT_ROTATION_POLICY }), []));

  const table: Array<[string, Record<string, unknown>, string]> = [
    [
      'a zero lifetime',
      { secretLifetimeDays: 0 },
      'secretLifetimeDays must be a whole number from 1 to 730, got 0.',
    ],
    [
      'a lifetime over 730 days',
      { secretLifetimeDays: 731 },
      'secretLifetimeDays must be a whole number from 1 to 730, got 731.',
    ],
    [
      'a negative grace period',
      { revokeAfterHours: -1 },
      'revokeAfterHours must be a whole number ≥ 0, got -1.',
    ],
    [
      'a fractional rotateWithinDays',
      { rotateWithinDays: 1.5 },
      'rotateWithinDays must be a whole number ≥ 0, got 1.5.',
    ],
    [
      'an unknown Automatic policy',
      { automaticConnections: 'adopt' },
      'automaticConnections must be "report" or "takeOver", got adopt.',
    ],
    [
      'a lifetime that would be due at once',
      { secretLifetimeDays: 31, rotateWithinDays: 30 },
      'secretLifetimeDays (31) must be at least rotateWithinDays + 2 (32), or every run would rotate the new secret again.',
    ],
  ];
  for (const [label, change, message] of table) {
    it(`rejects ${label}`, () => {
      assert.deepEqual(validatePolicy({ ...DEFAULT_ROTATION_POLICY, ...change } as never), [message]);
    });
  }

  it('accepts the shortest lifetime that is not due at once', () =>
    assert.deepEqual(
      validatePolicy({ ...DEFAULT_ROTATION_POLICY, secretLifetimeDays: 32, rotateWithinDays: 30 }),
      [],
    ));
});

import assert from 'node:assert/strict';
import type { InputProblem } from '../../../lib/options/invalid-input';
import { DEFAULT_ROTATION_POLICY, type PolicyInput, parsePolicy } from '../../../lib/rotation/policy';

describe('parsePolicy', () => {
  it('takes the defaults when nothing is given', () =>
    assert.deepEqual(parsePolicy({}), { policy: { ...DEFAULT_ROTATION_POLICY }, problems: [] }));

  it('reads numbers and their text alike, and the Automatic policy in any case', () =>
    assert.deepEqual(
      parsePolicy({ rotateWithinDays: '45', secretLifetimeDays: 90, automaticConnections: 'TAKEOVER' })
        .policy,
      {
        ...DEFAULT_ROTATION_POLICY,
        rotateWithinDays: 45,
        secretLifetimeDays: 90,
        automaticConnections: 'takeOver',
      },
    ));

  const table: Array<[string, PolicyInput, InputProblem]> = [
    [
      'a zero lifetime',
      { secretLifetimeDays: 0 },
      { option: 'secretLifetimeDays', value: '0', allowed: 'expected a whole number from 1 to 730' },
    ],
    [
      'a lifetime over 730 days',
      { secretLifetimeDays: 731 },
      { option: 'secretLifetimeDays', value: '731', allowed: 'expected a whole number from 1 to 730' },
    ],
    [
      'a negative grace period',
      { revokeAfterHours: -1 },
      { option: 'revokeAfterHours', value: '-1', allowed: 'expected a whole number from 0 to 8760' },
    ],
    [
      'a fractional rotateWithinDays',
      { rotateWithinDays: 1.5 },
      { option: 'rotateWithinDays', value: '1.5', allowed: 'expected a whole number from 0 to 3650' },
    ],
    [
      'an unknown Automatic policy',
      { automaticConnections: 'adopt' },
      { option: 'automaticConnections', value: 'adopt', allowed: "expected one of 'report', 'takeOver'" },
    ],
    [
      'a lifetime that would be due at once',
      { secretLifetimeDays: 31, rotateWithinDays: 30 },
      {
        option: 'secretLifetimeDays',
        value: '31',
        allowed:
          'expected at least rotateWithinDays + 2 (32), or every run would rotate the new secret again',
      },
    ],
  ];
  for (const [label, change, problem] of table) {
    it(`rejects ${label}`, () => {
      assert.deepEqual(parsePolicy(change).problems, [problem]);
    });
  }

  it('accepts the shortest lifetime that is not due at once', () =>
    assert.deepEqual(parsePolicy({ secretLifetimeDays: 32, rotateWithinDays: 30 }).problems, []));
});

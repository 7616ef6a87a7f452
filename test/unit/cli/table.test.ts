import assert from 'node:assert/strict';
import { printable, renderTable, useColor } from '../../../cli/table';
import { row, runReport } from '../report/report-builders';

describe('the CLI table', () => {
  const table: Array<[string, string]> = [
    ['plain', 'plain'],
    ['esc\x1b[31mred', 'esc[31mred'],
    ['title\x1b]0;x\x07', 'title]0;x'],
    ['c1\u009bcsi', 'c1csi'],
    ['bidi\u202eevil\u2066', 'bidievil'],
    ['zero\u200bwidth', 'zerowidth'],
    ['tab\tnew\nline', 'tabnewline'],
    ['ümlaut ✓', 'ümlaut ✓'],
  ];
  for (const [input, expected] of table) {
    it(`prints ${JSON.stringify(input)} as ${JSON.stringify(expected)}`, () =>
      assert.equal(printable(input), expected));
  }

  it('colors the status only when asked, and aligns the columns', () => {
    const rows = [
      row({ name: 'a', status: 'expired', daysLeft: -3 }),
      row({ name: 'bb', status: 'ok', daysLeft: 100 }),
    ];
    assert.deepEqual(renderTable(runReport(rows), false), [
      'STATUS   DAYS  CONNECTION  PROJECTS  ACTION  DETAIL',
      'expired    -3  a           Alpha     none',
      'ok        100  bb          Alpha     none',
    ]);
    const colored = renderTable(runReport(rows), true);
    assert.equal(colored[1], '\x1b[31mexpired\x1b[0m    -3  a           Alpha     none');
    assert.equal(colored[0], 'STATUS   DAYS  CONNECTION  PROJECTS  ACTION  DETAIL');
  });

  const colorTable: Array<[boolean | undefined, string | undefined, boolean]> = [
    [true, undefined, true],
    [true, '', true],
    [true, '1', false],
    [false, undefined, false],
    [undefined, undefined, false],
  ];
  for (const [isTTY, noColor, expected] of colorTable) {
    it(`uses color ${expected ? '' : 'not '}on isTTY=${isTTY}, NO_COLOR=${JSON.stringify(noColor)}`, () =>
      assert.equal(
        useColor(isTTY === undefined ? {} : { isTTY }, noColor === undefined ? {} : { NO_COLOR: noColor }),
        expected,
      ));
  }
});

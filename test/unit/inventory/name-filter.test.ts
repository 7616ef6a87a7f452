import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  escapeNamePattern,
  matchesAnyName,
  matchesName,
  type NameFilter,
  parseNameFilter,
} from '../../../lib/inventory/name-filter';

function filter(text: string): NameFilter {
  const parsed = parseNameFilter(text);
  if (!parsed.ok) throw new Error(`unexpected errors: ${JSON.stringify(parsed.errors)}`);
  return parsed.filter;
}

function errors(text: string): string[] {
  const parsed = parseNameFilter(text);
  return parsed.ok ? [] : parsed.errors.map((e) => e.message);
}

const NAMES = [
  'deploy-prod',
  'deploy-test',
  'Deploy-PROD-2',
  'legacy-prod',
  'sql*admin',
  'a,b',
  '!bang',
  'corp\\deploy',
];

describe('name filter', () => {
  const table: Array<[string, string[]]> = [
    ['*', NAMES],
    ['', NAMES],
    [' ,\n , ', NAMES],
    ['deploy-prod', ['deploy-prod']],
    ['DEPLOY-PROD', ['deploy-prod']],
    ['deploy-*', ['deploy-prod', 'deploy-test', 'Deploy-PROD-2']],
    ['deploy-????', ['deploy-prod', 'deploy-test']],
    ['*prod*', ['deploy-prod', 'Deploy-PROD-2', 'legacy-prod']],
    ['deploy-*\n!*test', ['deploy-prod', 'Deploy-PROD-2']],
    ['!legacy-*', NAMES.filter((n) => n !== 'legacy-prod')],
    ['!legacy-*, !deploy-test', NAMES.filter((n) => n !== 'legacy-prod' && n !== 'deploy-test')],
    ['deploy-prod, legacy-prod', ['deploy-prod', 'legacy-prod']],
    ['  deploy-prod  \r\n\r\n', ['deploy-prod']],
    ['sql\\*admin', ['sql*admin']],
    ['a\\,b', ['a,b']],
    ['\\!bang', ['!bang']],
    ['! bang', NAMES],
    ['corp\\deploy', ['corp\\deploy']],
    ['corp\\\\deploy', ['corp\\deploy']],
    ['*, !*', []],
  ];
  for (const [pattern, expected] of table) {
    it(`${JSON.stringify(pattern)} selects ${JSON.stringify(expected)}`, () => {
      const f = filter(pattern);
      assert.deepEqual(
        NAMES.filter((n) => matchesName(f, n)),
        expected,
      );
    });
  }

  describe('malformed entries', () => {
    it('reports a lone "!" precisely', () => {
      assert.deepEqual(errors('deploy-*\n  !  '), [
        '"!": a "!" must be followed by the name or pattern to exclude, e.g. "!legacy-*".',
      ]);
    });

    it('reports a control character with its code point', () => {
      assert.deepEqual(errors('deploy\u0007prod'), [
        '"deploy\uFFFDprod": contains the control character U+0007, which cannot be in a service connection name.',
      ]);
    });

    it('reports every malformed entry, not only the first', () => {
      assert.equal(errors('!, ok, \u0001x, !').length, 3);
    });
  });

  describe('connections known under several names', () => {
    it('includes a connection when any of its names matches', () => {
      assert.equal(matchesAnyName(filter('shared-*'), ['alpha-conn', 'shared-conn']), true);
    });

    it('excludes a connection when any of its names is excluded', () => {
      assert.equal(matchesAnyName(filter('!old-conn'), ['new-conn', 'old-conn']), false);
    });

    // "*" with no exclusion answers without walking the names (discovery asks it of every
    // connection); the shortcut must not swallow an exclusion written beside a "*".
    it('"*" keeps every name, the empty one too; an exclusion beside it still excludes', () => {
      for (const text of ['*', '', '**', 'x, *']) {
        assert.equal(matchesAnyName(filter(text), ['', 'İstanbul', 'a,b', '!x']), true, text);
      }
      assert.equal(matchesAnyName(filter('*, !old-*'), ['new-conn', 'OLD-conn']), false);
      assert.equal(matchesAnyName(filter('!old-*, *'), ['new-conn']), true);
      assert.equal(matchesAnyName(filter('x'), ['']), false);
    });
  });

  describe('properties', () => {
    // Names as Azure DevOps allows them: printable, no leading or trailing blanks.
    const nameChar = fc.constantFrom(...'abcXYZ09 -_.*?,!\\é'.split(''));
    const name = fc
      .array(nameChar, { minLength: 1, maxLength: 12 })
      .map((cs) => cs.join('').trim())
      .filter((n) => n.length > 0);
    const patternChar = fc.constantFrom(...'abcAB*?-'.split(''));
    const pattern = fc.array(patternChar, { minLength: 1, maxLength: 8 }).map((cs) => cs.join(''));
    const shortName = fc
      .array(fc.constantFrom(...'abcAB-'.split('')), { maxLength: 8 })
      .map((cs) => cs.join(''));

    it('a name always matches its own escaped pattern', () => {
      fc.assert(fc.property(name, (n) => matchesName(filter(escapeNamePattern(n)), n)));
    });

    it('an escaped name matches only names equal to it ignoring case', () => {
      fc.assert(
        fc.property(
          name,
          name,
          (a, b) => matchesName(filter(escapeNamePattern(a)), b) === (a.toLowerCase() === b.toLowerCase()),
        ),
      );
    });

    it('"!x" excludes exactly what "x" includes', () => {
      fc.assert(
        fc.property(
          pattern,
          shortName,
          (p, n) => matchesName(filter(`!${p}`), n) === !matchesName(filter(p), n),
        ),
      );
    });

    it('the order of the lines does not matter', () => {
      const line = fc.tuple(fc.boolean(), pattern).map(([not, p]) => (not ? `!${p}` : p));
      const linesAndShuffle = fc
        .array(line, { minLength: 1, maxLength: 5 })
        .chain((lines) =>
          fc.tuple(
            fc.constant(lines),
            fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length }),
          ),
        );
      fc.assert(
        fc.property(linesAndShuffle, shortName, ([lines, shuffled], n) => {
          return matchesName(filter(lines.join('\n')), n) === matchesName(filter(shuffled.join(',')), n);
        }),
      );
    });

    it('agrees with a regular-expression reference implementation', () => {
      const reference = (p: string, n: string) =>
        new RegExp(`^${p.replace(/[-]/g, '\\-').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(n);
      fc.assert(fc.property(pattern, shortName, (p, n) => matchesName(filter(p), n) === reference(p, n)));
    });

    it('stays fast on patterns built to make backtracking explode', () => {
      const started = Date.now();
      const f = filter(`${'*a'.repeat(30)}*b`);
      assert.equal(matchesName(f, 'a'.repeat(5000)), false);
      assert.ok(Date.now() - started < 1000);
    });
  });
});

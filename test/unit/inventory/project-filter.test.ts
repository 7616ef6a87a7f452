import assert from 'node:assert/strict';
import type { ProjectInfo } from '../../../lib/devops/types';
import { parseProjectFilter, selectProjects } from '../../../lib/inventory/project-filter';

const PROJECTS: ProjectInfo[] = [
  { id: 'p1', name: 'Alpha' },
  { id: 'p2', name: 'Beta' },
  { id: 'p3', name: 'Gamma Ray' },
];

function select(text: string) {
  const parsed = parseProjectFilter(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const { selected, unknown } = selectProjects(PROJECTS, parsed.filter);
  return { selected: selected.map((p) => p.name), unknown };
}

describe('project filter', () => {
  it('"*" selects every project', () => {
    assert.deepEqual(select('*'), { selected: ['Alpha', 'Beta', 'Gamma Ray'], unknown: [] });
  });

  it('refuses "*" among names (one rule for the task, the CLI and the library)', () => {
    assert.deepEqual(parseProjectFilter('Alpha\n*'), {
      ok: false,
      errors: [{ entry: '*', message: 'Use either "*" alone (every project) or project names, not both.' }],
    });
  });

  it('matches names case-insensitively, comma or newline separated, in the organization order', () => {
    assert.deepEqual(select('gamma ray, ALPHA'), { selected: ['Alpha', 'Gamma Ray'], unknown: [] });
    assert.deepEqual(select('beta\r\n\r\nalpha'), { selected: ['Alpha', 'Beta'], unknown: [] });
  });

  it('returns the names that matched nothing, as written, once', () => {
    assert.deepEqual(select('Alpha, Delta, delta, Omega'), {
      selected: ['Alpha'],
      unknown: ['Delta', 'Omega'],
    });
  });

  it('rejects wildcards other than a lone "*"', () => {
    const parsed = parseProjectFilter('Al*, Beta');
    assert.deepEqual(parsed, {
      ok: false,
      errors: [
        {
          entry: 'Al*',
          message:
            '"Al*": project names cannot contain "*" or "?"; use "*" alone for every project, or list the names.',
        },
      ],
    });
  });

  it('rejects an empty input', () => {
    const parsed = parseProjectFilter(' , \n');
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : (parsed.errors[0]?.message ?? ''), /No project given/);
  });
});

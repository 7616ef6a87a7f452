/**
 * The `projects` input (spec §3): project names separated by commas or line breaks, matched
 * case-insensitively, or `*` for every project of the organization. Names are literal: project
 * names cannot contain `*` or `?`, so any wildcard other than a lone `*` is reported as malformed
 * rather than guessed at.
 */
import type { ProjectInfo } from '../devops/types';
import type { FilterError, FilterParseResult } from './name-filter';

/** A parsed `projects` input. */
export type ProjectFilter = { all: true } | { all: false; names: readonly string[] };

/** Which projects a filter selects, and which requested names matched no project. */
export interface ProjectSelection {
  /** Selected projects, in the order the organization listed them. */
  selected: ProjectInfo[];
  /** Requested names that matched no project, as the user wrote them. */
  unknown: string[];
}

/** Splits a comma- or newline-separated list, trimming and dropping empty entries. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\r\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

/** Parses the `projects` input. Never throws; malformed entries come back as `errors`. */
export function parseProjectFilter(text: string): FilterParseResult<ProjectFilter> {
  const entries = splitList(text);
  const errors: FilterError[] = [];
  for (const entry of entries) {
    if (entry === '*') continue;
    if (/[*?]/.test(entry)) {
      errors.push({
        entry,
        message: `"${entry}": project names cannot contain "*" or "?"; use "*" alone for every project, or list the names.`,
      });
    } else if (/\p{Cc}/u.test(entry)) {
      errors.push({
        entry,
        message: `"${entry}": contains a control character, which cannot be in a project name.`,
      });
    }
  }
  if (entries.length === 0) {
    errors.push({
      entry: '',
      message: 'No project given: name at least one project, or "*" for every project.',
    });
  }
  if (entries.includes('*') && entries.length > 1) {
    errors.push({ entry: '*', message: 'Use either "*" alone (every project) or project names, not both.' });
  }
  if (errors.length > 0) return { ok: false, errors };
  if (entries.includes('*')) return { ok: true, filter: { all: true } };
  const seen = new Set<string>();
  const names = entries.filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { ok: true, filter: { all: false, names } };
}

/** Applies `filter` to the organization's projects. */
export function selectProjects(projects: readonly ProjectInfo[], filter: ProjectFilter): ProjectSelection {
  if (filter.all) return { selected: [...projects], unknown: [] };
  const wanted = new Set(filter.names.map((name) => name.toLowerCase()));
  const selected = projects.filter((p) => wanted.has(p.name.toLowerCase()));
  const found = new Set(selected.map((p) => p.name.toLowerCase()));
  return { selected, unknown: filter.names.filter((name) => !found.has(name.toLowerCase())) };
}

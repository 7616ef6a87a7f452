/**
 * The connections of every scope as one list. A connection shared into projects of two scopes is
 * seen by both reports: the newest report says what it is now, and it is listed in every project
 * any of them saw it in.
 */
import { newestFirst, normaliseOrganization } from './select-reports';
import type { MergedConnection, ScopeHistory } from './types';

/** One entry per organization and connection id, in the order of the newest reports first. */
export function mergeScopes(scopes: readonly ScopeHistory[]): MergedConnection[] {
  const latest = scopes.map((s) => s.latest).sort(newestFirst);
  const merged = new Map<string, MergedConnection>();
  for (const source of latest) {
    const organizationUrl = normaliseOrganization(source.report.organizationUrl);
    for (const row of source.report.connections) {
      const key = `${organizationUrl}|${row.id.toLowerCase()}`;
      const seen = merged.get(key);
      if (seen) {
        seen.projects = [...new Set([...seen.projects, ...(row.projects ?? [])])].sort((a, b) =>
          a.localeCompare(b),
        );
        continue;
      }
      merged.set(key, {
        key,
        organizationUrl,
        row,
        projects: [...new Set(row.projects ?? [])].sort((a, b) => a.localeCompare(b)),
        thresholds: source.report.thresholds,
        source,
      });
    }
  }
  return [...merged.values()];
}

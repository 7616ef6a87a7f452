/**
 * Which reports the page shows: the newest report of each scope, and the one before it. A scope is
 * an organization and the projects a job watched (`projects: *` reports every project of the
 * organization, so its scope is every project it found). Two pipelines watching the same projects
 * are one scope: the newest report wins, whichever pipeline wrote it.
 */
import type { PublishedReport, ScopeHistory } from './types';

/** The organization URL as a key: lower case, no trailing slash. */
export function normaliseOrganization(url: string): string {
  return url.trim().replace(/\/+$/, '').toLowerCase();
}

/** The key of a report's scope. */
export function scopeKey(report: PublishedReport['report']): string {
  const projects = [...new Set((report.projects ?? []).map((p) => p.toLowerCase()))].sort();
  return `${normaliseOrganization(report.organizationUrl)}|${projects.join(',')}`;
}

/** Newest first: by the report's `finishedAt`, then by the run id (a re-run is newer). */
export function newestFirst(a: PublishedReport, b: PublishedReport): number {
  return Date.parse(b.report.finishedAt) - Date.parse(a.report.finishedAt) || b.run.buildId - a.run.buildId;
}

/** Each scope with its newest and previous report, ordered by organization, then projects. */
export function selectReports(published: readonly PublishedReport[]): ScopeHistory[] {
  const byScope = new Map<string, PublishedReport[]>();
  for (const item of published) {
    const key = scopeKey(item.report);
    const list = byScope.get(key) ?? [];
    list.push(item);
    byScope.set(key, list);
  }
  const scopes: ScopeHistory[] = [];
  for (const [key, list] of byScope) {
    list.sort(newestFirst);
    const latest = list[0]!;
    scopes.push({
      key,
      organizationUrl: latest.report.organizationUrl,
      projects: [...(latest.report.projects ?? [])].sort((a, b) => a.localeCompare(b)),
      latest,
      previous: list[1] ?? null,
    });
  }
  return scopes.sort((a, b) => a.key.localeCompare(b.key));
}

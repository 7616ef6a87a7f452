/**
 * Everything the page shows, from the reports the runs published and "now". The page calls this
 * once per load and renders the result; filtering and sorting (table.ts) work on its rows.
 */
import { type Change, diffRuns } from './diff-runs';
import { type DanglingFic, danglingFics, type IssuerCountdown, issuerCountdown } from './federation';
import { mergeScopes } from './merge-scopes';
import { buildRows, countByStatus } from './rows';
import { selectReports } from './select-reports';
import { type TimelineSeries, timelineSeries } from './timeline';
import type { HealthRow, HealthStatus, PublishedReport, RunRef, ScopeHistory } from './types';

/** A scope's changes since its previous run. */
export interface ScopeChanges {
  key: string;
  organizationUrl: string;
  projects: string[];
  latest: RunRef;
  latestFinishedAt: string;
  /** Null when the scope has one report so far. */
  previous: RunRef | null;
  changes: Change[];
}

export interface HealthView {
  /** No report found: the page shows how to add the scheduled pipeline. */
  empty: boolean;
  scopes: ScopeHistory[];
  rows: HealthRow[];
  counts: Record<HealthStatus, number>;
  timeline: TimelineSeries;
  changes: ScopeChanges[];
  dangling: DanglingFic[];
  countdown: IssuerCountdown;
}

/** The view of `published` at `nowMs`. */
export function buildHealth(published: readonly PublishedReport[], nowMs: number): HealthView {
  const scopes = selectReports(published);
  const rows = buildRows(mergeScopes(scopes), nowMs);
  return {
    empty: scopes.length === 0,
    scopes,
    rows,
    counts: countByStatus(rows),
    timeline: timelineSeries(rows, nowMs),
    changes: scopes.map((s) => ({
      key: s.key,
      organizationUrl: s.organizationUrl,
      projects: s.projects,
      latest: s.latest.run,
      latestFinishedAt: s.latest.report.finishedAt,
      previous: s.previous?.run ?? null,
      changes: diffRuns(s.previous?.report ?? null, s.latest.report),
    })),
    dangling: danglingFics(scopes),
    countdown: issuerCountdown(rows, nowMs),
  };
}

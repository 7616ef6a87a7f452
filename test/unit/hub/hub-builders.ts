// Builders for the health page's model tests: published reports of runs, over report rows.

import type { PublishedReport, RunRef } from '../../../hub/model/types';
import type { ConnectionRow, RunReport } from '../../../lib/report/run-report';
import { runReport as reportOf, row as reportRow } from '../report/report-builders';

/** 2026-12-04T12:00:00Z, the page's "now" in these tests. */
export const NOW = Date.parse('2026-12-04T12:00:00.000Z');
export const DAY = 86_400_000;

export function at(days: number): string {
  return new Date(NOW + days * DAY).toISOString();
}

/** A report row of a healthy connection in Ops, its secret expiring 100 days from NOW. */
export function row(overrides: Partial<ConnectionRow> = {}): ConnectionRow {
  return reportRow({ projects: ['Ops'], expiresAt: at(100), daysLeft: 100, ...overrides });
}

/** A run report of Ops that finished at NOW. */
export function runReport(rows: ConnectionRow[], overrides: Partial<RunReport> = {}): RunReport {
  return reportOf(rows, { projects: ['Ops'], startedAt: at(0), finishedAt: at(0), ...overrides });
}

export function run(buildId: number, overrides: Partial<RunRef> = {}): RunRef {
  return {
    buildId,
    buildNumber: `20261204.${buildId}`,
    projectId: 'p-ops',
    projectName: 'Ops',
    definitionName: 'rotate-secrets',
    finishTime: at(0),
    url: `https://dev.azure.com/fabrikam/Ops/_build/results?buildId=${buildId}`,
    ...overrides,
  };
}

export function published(
  buildId: number,
  rows: ConnectionRow[],
  overrides: Partial<RunReport> = {},
  runOverrides: Partial<RunRef> = {},
): PublishedReport {
  return { run: run(buildId, runOverrides), report: runReport(rows, overrides) };
}

/** A row expiring `days` from NOW with the status the report would have given it then. */
export function expiring(name: string, id: string, days: number, overrides: Partial<ConnectionRow> = {}) {
  return row({ name, id, expiresAt: at(days), daysLeft: days, ...overrides });
}

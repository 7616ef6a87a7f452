/**
 * The JSON files of a report artifact as run reports. The task writes a run report; the CLI's
 * `merge-reports` writes a merged one; both may be in an artifact. A file that is not a report of
 * a schema this page reads is named in `problems` and skipped, never fatal: one broken job must
 * not hide the others.
 */
import type { RunReport } from '../../lib/report/run-report';

/** The reports found in one file, and what could not be read. */
export interface ReadResult {
  reports: RunReport[];
  problems: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRunReport(value: unknown): value is RunReport {
  return (
    isObject(value) &&
    value.schemaVersion === 1 &&
    typeof value.organizationUrl === 'string' &&
    typeof value.finishedAt === 'string' &&
    !Number.isNaN(Date.parse(value.finishedAt)) &&
    Array.isArray(value.connections) &&
    value.connections.every((c) => isObject(c) && typeof c.id === 'string' && typeof c.name === 'string') &&
    isObject(value.thresholds)
  );
}

/** Reads the text of `file` (its name in the artifact, for messages). */
export function readReportFile(file: string, text: string): ReadResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { reports: [], problems: [`${file}: not JSON`] };
  }
  if (isObject(json) && json.kind === 'merged' && Array.isArray(json.reports)) {
    const reports = json.reports.filter(isRunReport);
    const skipped = json.reports.length - reports.length;
    return {
      reports,
      problems: skipped ? [`${file}: ${skipped} report(s) of an unknown schema skipped`] : [],
    };
  }
  if (isRunReport(json)) return { reports: [json], problems: [] };
  return {
    reports: [],
    problems: [`${file}: not a Service Connection Rotator report of schemaVersion 1`],
  };
}

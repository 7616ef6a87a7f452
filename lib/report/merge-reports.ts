/**
 * Several run reports as one: the organizations (or tenants) of a multi-organization job, or the
 * JSON reports of a pipeline matrix merged by `service-connection-rotator merge-reports`. Pure.
 * A merged report keeps every run report whole (its thresholds and policy stay its own) and adds
 * the runs that produced no report, by error code.
 */
import type { ErrorCode } from '../errors';
import { RotatorError } from '../errors';
import { renderSummary } from './markdown-summary';
import { decideResult, type RunReport } from './run-report';

/** A run that ended without a report (it could not list the organization, for example). */
export interface RunFailure {
  organizationUrl: string;
  code: ErrorCode;
  message: string;
}

/** Run reports merged. */
export interface MergedReport {
  schemaVersion: 1;
  kind: 'merged';
  tool: RunReport['tool'];
  reports: RunReport[];
  failures: RunFailure[];
}

/** Any report a run or a merge wrote. */
export type AnyReport = RunReport | MergedReport;

type Outcome = ReturnType<typeof decideResult>['result'];
const RANK: Record<Outcome, number> = { Succeeded: 0, SucceededWithIssues: 1, Failed: 2 };

/**
 * Merges reports (run reports, or merged ones: they are flattened) in the order given.
 *
 * @throws RotatorError `config.invalid_input` when a value is not a report this version reads.
 */
export function mergeReports(
  reports: readonly unknown[],
  tool: RunReport['tool'],
  failures: readonly RunFailure[] = [],
): MergedReport {
  const merged: MergedReport = {
    schemaVersion: 1,
    kind: 'merged',
    tool,
    reports: [],
    failures: [...failures],
  };
  reports.forEach((report, i) => {
    if (!isObject(report) || report.schemaVersion !== 1) {
      throw new RotatorError(
        'config.invalid_input',
        `Report ${i + 1} is not a Service Connection Rotator report of schemaVersion 1.`,
        { fix: 'Pass the JSON files the task (reportPath) or the CLI (--json) wrote.' },
      );
    }
    if (report.kind === 'merged') {
      const inner = report as unknown as MergedReport;
      merged.reports.push(...inner.reports);
      merged.failures.push(...inner.failures);
    } else {
      if (!Array.isArray(report.connections) || typeof report.organizationUrl !== 'string') {
        throw new RotatorError(
          'config.invalid_input',
          `Report ${i + 1} has no connections or organization.`,
          {
            fix: 'Pass the JSON files the task (reportPath) or the CLI (--json) wrote.',
          },
        );
      }
      merged.reports.push(report as unknown as RunReport);
    }
  });
  return merged;
}

/** The result over every run: the worst of them; a run without a report is a failure. */
export function decideMergedResult(merged: MergedReport): { result: Outcome; message: string } {
  const decided = merged.reports.map((r) => ({ url: r.organizationUrl, ...decideResult(r) }));
  let result: Outcome = merged.failures.length > 0 ? 'Failed' : 'Succeeded';
  for (const d of decided) if (RANK[d.result] > RANK[result]) result = d.result;
  const lines = [
    ...decided.map((d) => `${d.url}: ${d.message}`),
    ...merged.failures.map((f) => `${f.organizationUrl}: failed (${f.code}): ${f.message}`),
  ];
  const runs = merged.reports.length + merged.failures.length;
  return { result, message: `${runs} run${runs === 1 ? '' : 's'}. ${lines.join(' ')}` };
}

/** One Markdown summary: the overall result, then each run's own summary under its organization. */
export function renderMergedSummary(merged: MergedReport): string {
  const { result } = decideMergedResult(merged);
  const title = result === 'Succeeded' ? 'all good' : result === 'Failed' ? 'action needed' : 'attention';
  const lines = [
    `# Service connection secrets, ${merged.reports.length + merged.failures.length} runs: ${title}`,
    '',
  ];
  for (const failure of merged.failures) {
    lines.push(
      `## ${failure.organizationUrl}`,
      '',
      `❌ No report: ${failure.message} (\`${failure.code}\`)`,
      '',
    );
  }
  for (const report of merged.reports) {
    lines.push(`## ${report.organizationUrl}`, '', renderSummary(report).replace(/^## /, '### '));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

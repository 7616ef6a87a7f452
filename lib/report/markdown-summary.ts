/**
 * The run summary uploaded with `##vso[task.uploadsummary]`: a table of every connection with
 * what was done and what to do next, worst first, so a person can act on it from the run page.
 */
import { escapeControlCharacters } from '../log-text';
import { type ConnectionRow, decideResult, type RunReport, worstFirst } from './run-report';

const BADGE: Record<string, string> = {
  expired: '🔴 expired',
  critical: '🔴 critical',
  warning: '🟠 warning',
  ok: '🟢 ok',
  unknown: '⚪ unknown',
};

/**
 * One table cell of text that may come from a service (names, error texts): it stays one cell on
 * one row and renders as the literal text. Line breaks become spaces; HTML is entity-escaped (a
 * `<table>` or `<!--` in a name would swallow the rest of the summary); Markdown punctuation
 * (`|` would split the cell, `` ` ``, `*`, `_`, `[`, ... would format or link) is backslash-escaped
 * (CommonMark "Backslash escapes"; GFM tables honour `\|`); controls are shown as escapes.
 */
export function markdownCell(text: string): string {
  const flat = escapeControlCharacters(text.replace(/\r\n|\r|\n|\u2028|\u2029/g, ' ')).trim();
  const escaped = flat
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[`*_[\]()#!~|{}+]/g, (char) => `\\${char}`);
  return escaped || '—';
}

const cell = markdownCell;

function days(row: ConnectionRow): string {
  if (row.daysLeft === null) return row.scheme === 'ServicePrincipal' ? '—' : 'no secret';
  return String(row.daysLeft);
}

/**
 * The "Federation" section (spec §7), only when something was found: the connections on the
 * Azure DevOps issuer retired on 2027-07-01 with their days left, the broken ones, and the dangling
 * federated credentials with the risk of each.
 */
export function federationSection(report: RunReport): string[] {
  const legacy = report.connections
    .filter((r) => r.federation === 'legacy_issuer')
    .sort((a, b) => (a.daysLeft ?? 0) - (b.daysLeft ?? 0) || a.name.localeCompare(b.name));
  const broken = report.connections.filter((r) => r.code === 'federation_mismatch');
  const dangling = report.danglingCredentials ?? [];
  if (legacy.length + broken.length + dangling.length === 0) return [];
  const lines = ['', '### Federation', ''];
  if (legacy.length > 0) {
    lines.push(
      `${legacy.length} connection${legacy.length === 1 ? '' : 's'} on the Azure DevOps issuer, which stops working on 2027-07-01 (run action \`migrate\`):`,
      '',
      '| connection | project(s) | days left |',
      '|---|---|---|',
      ...legacy.map((r) => `| ${cell(r.name)} | ${cell(r.projects.join(', '))} | ${r.daysLeft ?? '—'} |`),
      '',
    );
  }
  if (broken.length > 0) {
    lines.push(
      `${broken.length} connection${broken.length === 1 ? '' : 's'} whose federated credential does not match: ${broken.map((r) => cell(r.name)).join(', ')} (see the table above).`,
      '',
    );
  }
  if (dangling.length > 0) {
    lines.push(
      `${dangling.length} dangling federated credential${dangling.length === 1 ? '' : 's'} (never deleted by this task; remove them once nothing needs them):`,
      '',
      '| app | credential | subject | risk |',
      '|---|---|---|---|',
      ...dangling.map(
        (d) => `| ${cell(d.appDisplayName)} | ${cell(d.name)} | ${cell(d.subject)} | ${cell(d.risk)} |`,
      ),
      '',
    );
  }
  return lines;
}

/** Renders the summary. */
export function renderSummary(report: RunReport): string {
  const { result, message } = decideResult(report);
  const mode =
    report.action === 'report'
      ? 'report only'
      : report.dryRun
        ? `${report.action}, dry run (nothing changed)`
        : report.action;
  const lines = [
    `## Service connection secrets: ${result === 'Succeeded' ? 'all good' : result === 'Failed' ? 'action needed' : 'attention'}`,
    '',
    `${message}`,
    '',
    `Mode: **${mode}** · thresholds: warning ≤ ${report.thresholds.warningDays} days, failure ≤ ${report.thresholds.failureDays} days` +
      (report.action === 'rotate' ? ` · rotate ≤ ${report.policy.rotateWithinDays} days` : ''),
    '',
  ];
  if (report.connections.length === 0) {
    lines.push('No AzureRM service connection matched the `projects` and `connections` filters.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    '| status | days left | connection | project(s) | action | next step |',
    '|---|---|---|---|---|---|',
  );
  for (const row of worstFirst(report.connections)) {
    const status = row.failed
      ? `❌ ${row.action === 'failed' ? 'failed' : 'action needed'}`
      : BADGE[row.status];
    lines.push(
      `| ${status} | ${days(row)} | ${cell(row.name)} | ${cell(row.projects.join(', '))} | ${cell(row.detail)} | ${cell(row.next)} |`,
    );
  }
  lines.push(...federationSection(report));
  lines.push('', `Report: \`${report.connections.length}\` connections · generated ${report.finishedAt}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The human table on stdout. Names and texts come from the services, so every control character
 * (C0, C1 — ESC starts a terminal escape sequence) and every invisible format character (bidi
 * overrides, zero-width) is stripped before printing: nobody can write to the terminal through a
 * connection name, and no pipeline agent runs a logging command from one. Color only on a terminal, and never with `NO_COLOR` (https://no-color.org).
 */
import { type ConnectionRow, neutraliseLoggingCommands, type RunReport, worstFirst } from '../lib';

const STRIP = /[\p{Cc}\p{Cf}]/gu;

/**
 * `text` without control or format characters, and with `##vso[` / `##[` broken up: the CLI runs
 * in pipelines too (examples/multi-org.yml), where the agent acts on those markers in any line.
 */
export function printable(text: string): string {
  return neutraliseLoggingCommands(text.replace(STRIP, ''));
}

const COLORS: Record<string, string> = {
  expired: '31',
  critical: '31',
  failed: '31',
  warning: '33',
  ok: '32',
  unknown: '90',
};

function label(row: ConnectionRow): string {
  if (row.failed) return 'failed';
  if (row.needsAction) return 'action';
  return row.status;
}

/** The rows of one report as aligned text lines, worst first. */
export function renderTable(report: RunReport, color: boolean): string[] {
  const rows = worstFirst(report.connections);
  const cells = rows.map((r) => [
    label(r),
    r.daysLeft === null ? '-' : String(r.daysLeft),
    printable(r.name),
    printable(r.projects.join(', ')),
    r.action,
    printable(r.next || r.detail),
  ]);
  const header = ['STATUS', 'DAYS', 'CONNECTION', 'PROJECTS', 'ACTION', 'DETAIL'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[], paint: boolean) =>
    c
      .map((text, i) => {
        const padded =
          i === 1 ? text.padStart(widths[i]!) : i === c.length - 1 ? text : text.padEnd(widths[i]!);
        const code = i === 0 && paint ? COLORS[text] : undefined;
        return code ? `\x1b[${code}m${padded}\x1b[0m` : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(header, false), ...cells.map((c) => line(c, color))];
}

/** Color is used only on a terminal and without NO_COLOR (any non-empty value). */
export function useColor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

/**
 * What every command ends with: the table of each run on stdout, the runs without a report, the
 * closing line, the files asked for (`--json`, `--summary`), and the exit code. Every line goes
 * through `write`, which redacts the secrets the CLI knows of.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  decideMergedResult,
  decideResult,
  type MergedReport,
  renderMergedSummary,
  renderSummary,
} from '../lib';
import type { CliIo, ParsedValues } from './io';
import { printable, renderTable, useColor } from './table';

/** Prints, writes the files, and returns the exit code (1 when the result is Failed). */
export function finish(
  merged: MergedReport,
  values: ParsedValues,
  io: CliIo,
  write: (stream: CliIo['stdout'], text: string) => void,
): number {
  const color = useColor(io.stdout, io.env);
  const single = merged.reports.length === 1 && merged.failures.length === 0 ? merged.reports[0]! : null;
  for (const report of merged.reports) {
    if (!single) write(io.stdout, `\n${printable(report.organizationUrl)}\n`);
    for (const line of renderTable(report, color)) write(io.stdout, `${line}\n`);
  }
  for (const failure of merged.failures) {
    write(
      io.stdout,
      `\n${printable(failure.organizationUrl)}\nfailed (${failure.code}): ${printable(failure.message)}\n`,
    );
  }
  const { result, message } = single ? decideResult(single) : decideMergedResult(merged);
  write(io.stdout, `\n${result}: ${printable(message)}\n`);

  const json = values.json as string | undefined;
  if (json) {
    writeFile(io, json, `${JSON.stringify(single ?? merged, null, 2)}\n`, write);
  }
  const summary = values.summary as string | undefined;
  if (summary) writeFile(io, summary, single ? renderSummary(single) : renderMergedSummary(merged), write);
  return result === 'Failed' ? 1 : 0;
}

function writeFile(
  io: CliIo,
  file: string,
  text: string,
  write: (stream: CliIo['stdout'], text: string) => void,
) {
  const target = path.resolve(io.cwd, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  write(io.stderr, `Wrote ${target}\n`);
}

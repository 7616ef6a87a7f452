/** `merge-reports`: the JSON reports of several runs as one table, report and summary. */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidInputError, mergeReports, RotatorError } from '../lib';
import { type CliIo, type ParsedValues, version } from './io';
import { finish } from './output';
import { UsageError } from './usage-error';

export async function mergeCommand(
  files: readonly string[],
  values: ParsedValues,
  io: CliIo,
): Promise<number> {
  if (files.length === 0) throw new UsageError("'merge-reports' needs the JSON report files to merge.");
  const reports = files.map((file) => {
    const target = path.resolve(io.cwd, file);
    let text: string;
    try {
      text = fs.readFileSync(target, 'utf8');
    } catch (error) {
      throw new UsageError(`Cannot read '${file}' (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new UsageError(`'${file}' is not JSON.`);
    }
  });
  let merged: ReturnType<typeof mergeReports>;
  try {
    merged = mergeReports(reports, { name: 'ServiceConnectionRotator', version: version() });
  } catch (error) {
    if (error instanceof RotatorError && !(error instanceof InvalidInputError)) {
      throw UsageError.from(error);
    }
    throw error;
  }
  return finish(merged, values, io, (stream, text) => stream.write(text));
}

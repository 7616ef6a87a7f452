/**
 * Finding and reading the published reports, through a port the page implements with the official
 * Build REST client (`hub/page/build-source.ts`) and the tests with a fake. The runs of a project
 * that published the artifact are found by their build tag, newest first; the newest two runs of
 * each pipeline are read (the latest report of a scope and the one before it), at most
 * `maxRunsPerProject` in all. A project or a run that cannot be read is a problem line on the page,
 * never the end of the others.
 */
import { REPORT_ARTIFACT_NAME } from '../../lib/report/report-artifact';
import { readReportFile } from './read-report';
import type { PublishedReport, RunRef } from './types';
import { type InflateRaw, unzip } from './zip';

/** A project the page looks in. */
export interface ProjectRef {
  id: string;
  name: string;
}

/** A finished run that published the artifact, and the pipeline it belongs to. */
export interface TaggedRun extends RunRef {
  definitionId: number;
}

/** What the page needs from Azure DevOps. */
export interface ReportSource {
  /** Finished runs tagged with the report tag in `project`, newest first. */
  taggedRuns(project: ProjectRef): Promise<TaggedRun[]>;
  /** The artifact as a zip, or null when the run has no such artifact (it was deleted). */
  artifactZip(run: TaggedRun): Promise<Uint8Array | null>;
}

export interface LoadOptions {
  inflateRaw: InflateRaw;
  /** Runs read per pipeline: the newest and the one before it. @default 2 */
  runsPerPipeline?: number;
  /** Runs read per project at most. @default 20 */
  maxRunsPerProject?: number;
  /** Requests in flight at most. @default 4 */
  parallel?: number;
}

export interface LoadResult {
  published: PublishedReport[];
  /** How many runs were read. */
  runsRead: number;
  problems: string[];
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs `work` over `items`, `parallel` at a time, results in the order of `items`. */
async function inParallel<T, R>(
  items: readonly T[],
  parallel: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return results;
}

/** The runs to read of a project: the newest `perPipeline` of each pipeline, `max` in all. */
export function runsToRead(runs: readonly TaggedRun[], perPipeline: number, max: number): TaggedRun[] {
  const taken = new Map<number, number>();
  const chosen: TaggedRun[] = [];
  for (const run of runs) {
    const n = taken.get(run.definitionId) ?? 0;
    if (n >= perPipeline) continue;
    taken.set(run.definitionId, n + 1);
    chosen.push(run);
    if (chosen.length >= max) break;
  }
  return chosen;
}

/** Every report the chosen runs of `projects` published. */
export async function loadReports(
  source: ReportSource,
  projects: readonly ProjectRef[],
  options: LoadOptions,
): Promise<LoadResult> {
  const parallel = options.parallel ?? 4;
  const problems: string[] = [];
  const listed = await inParallel(projects, parallel, async (project) => {
    try {
      return runsToRead(
        await source.taggedRuns(project),
        options.runsPerPipeline ?? 2,
        options.maxRunsPerProject ?? 20,
      );
    } catch (error) {
      problems.push(`Project ${project.name}: the runs could not be listed: ${message(error)}`);
      return [];
    }
  });
  const runs = listed.flat();
  const read = await inParallel(runs, parallel, async (run): Promise<PublishedReport[]> => {
    const where = `${run.definitionName} #${run.buildNumber} (${run.projectName})`;
    try {
      const zip = await source.artifactZip(run);
      if (!zip) {
        problems.push(`${where}: the artifact ${REPORT_ARTIFACT_NAME} is gone (retention or deleted).`);
        return [];
      }
      const files = await unzip(zip, options.inflateRaw, (name) => name.toLowerCase().endsWith('.json'));
      const found: PublishedReport[] = [];
      for (const file of files) {
        const result = readReportFile(file.name, new TextDecoder().decode(file.data));
        problems.push(...result.problems.map((p) => `${where}: ${p}`));
        found.push(...result.reports.map((report) => ({ run, report })));
      }
      return found;
    } catch (error) {
      problems.push(`${where}: the artifact could not be read: ${message(error)}`);
      return [];
    }
  });
  return { published: read.flat(), runsRead: runs.length, problems };
}

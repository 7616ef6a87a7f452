/**
 * The page's {@link ReportSource} over the official Build REST client
 * (`azure-devops-extension-api`): the finished runs tagged by the task, newest first, and the
 * report artifact of a run as a zip. Needs only the `vso.build` scope.
 */
import { BuildQueryOrder, type BuildRestClient, BuildStatus } from 'azure-devops-extension-api/Build';
import { REPORT_ARTIFACT_NAME, REPORT_BUILD_TAG } from '../../lib/report/report-artifact';
import type { ProjectRef, ReportSource, TaggedRun } from '../model/load-reports';

/** Runs listed per project at most; the loader reads the newest two per pipeline of them. */
const RUNS_LISTED = 50;

function iso(value: Date | string | undefined): string | null {
  if (!value) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** `root` is the organization's URL with a trailing slash, for run links the response lacks. */
export function buildSource(client: BuildRestClient, root: string): ReportSource {
  return {
    async taggedRuns(project: ProjectRef): Promise<TaggedRun[]> {
      const builds = await client.getBuilds(
        project.id,
        undefined, // definitions
        undefined, // queues
        undefined, // buildNumber
        undefined, // minTime
        undefined, // maxTime
        undefined, // requestedFor
        undefined, // reasonFilter
        BuildStatus.Completed,
        undefined, // resultFilter: a Failed run (an expired secret) has the most to show
        [REPORT_BUILD_TAG],
        undefined, // properties
        RUNS_LISTED,
        undefined, // continuationToken
        undefined, // maxBuildsPerDefinition
        undefined, // deletedFilter
        BuildQueryOrder.FinishTimeDescending,
      );
      return builds.map((b) => {
        const projectName = b.project?.name ?? project.name;
        const links = (b as { _links?: { web?: { href?: string } } })._links;
        return {
          buildId: b.id,
          buildNumber: b.buildNumber ?? String(b.id),
          projectId: b.project?.id ?? project.id,
          projectName,
          definitionId: b.definition?.id ?? 0,
          definitionName: b.definition?.name ?? '',
          finishTime: iso(b.finishTime),
          url: links?.web?.href ?? `${root}${encodeURIComponent(projectName)}/_build/results?buildId=${b.id}`,
        };
      });
    },
    async artifactZip(run: TaggedRun): Promise<Uint8Array | null> {
      try {
        return new Uint8Array(
          await client.getArtifactContentZip(run.projectId, run.buildId, REPORT_ARTIFACT_NAME),
        );
      } catch (error) {
        // A run keeps its tag when retention deletes its artifacts.
        if ((error as { status?: number }).status === 404) return null;
        throw error;
      }
    },
  };
}

/** Raw DEFLATE through the browser's DecompressionStream (Chromium 103+, Firefox 113, Safari 16.4). */
export async function inflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

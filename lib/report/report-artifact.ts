/**
 * Where the task publishes its JSON report for the "Service connection health" page (issue #18):
 * a build artifact with a fixed name, and a build tag on the run so the page finds the runs that
 * published it with one Build REST query per project (`tagFilters`), without opening every run.
 * Shared by the task (which publishes) and the page (which reads), so the two names never drift.
 */

/** Name of the build artifact that holds the JSON report(s) of a run. */
export const REPORT_ARTIFACT_NAME = 'ServiceConnectionRotatorReport';

/** Build tag added to every run that published {@link REPORT_ARTIFACT_NAME}. */
export const REPORT_BUILD_TAG = 'service-connection-rotator-report';

/**
 * The folder inside the artifact that one job's report goes to. Every job of a run (a matrix over
 * organizations or projects) uploads into the same artifact; its own folder keeps one job's
 * report from replacing another's. Only `[A-Za-z0-9_-]` is kept from the job id (a GUID), so the folder never climbs out.
 */
export function reportContainerFolder(jobId: string | undefined): string {
  const job = (jobId ?? '').replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64) || 'job';
  return `${REPORT_ARTIFACT_NAME}/${job}`;
}

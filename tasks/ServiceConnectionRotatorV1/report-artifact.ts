/**
 * Whether and where the task publishes its JSON report for the health page (issue #18). Pure:
 * the agent variables in, the logging commands to send (or why none) out.
 */
import { REPORT_ARTIFACT_NAME, REPORT_BUILD_TAG, reportContainerFolder } from '../../lib';

/** What `publish` sends the agent after writing the report. */
export type ArtifactDecision =
  | { publish: true; containerFolder: string; artifactName: string; tag: string }
  | { publish: false; reason: string };

/**
 * `publishReport` from the input; `variable` reads agent variables. Build artifacts and build tags
 * exist only in build jobs (`System.HostType` `build`, YAML deployment jobs included); a release or
 * a run outside an agent publishes nothing and says why in the debug log.
 */
export function decideReportArtifact(
  publishReport: boolean,
  variable: (name: string) => string | undefined,
): ArtifactDecision {
  if (!publishReport) return { publish: false, reason: 'publishReport is false' };
  const hostType = variable('System.HostType')?.trim().toLowerCase() ?? '';
  if (hostType !== 'build') {
    return {
      publish: false,
      reason: `System.HostType is '${hostType}', not 'build': build artifacts exist only in build pipelines`,
    };
  }
  return {
    publish: true,
    containerFolder: reportContainerFolder(variable('System.JobId')),
    artifactName: REPORT_ARTIFACT_NAME,
    tag: REPORT_BUILD_TAG,
  };
}

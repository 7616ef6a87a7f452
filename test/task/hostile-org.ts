/**
 * An organization whose service text tries to drive the agent (issue #14 §5): connection names,
 * a description and an application name carrying `##vso[...]` commands (setvariable,
 * task.complete, prependpath, artifact.upload) and `##[` formatting, plus a TestConnection error
 * text from the service carrying more. Shared by the task test and the reliability suite's
 * bad-input table; with the parser the agent uses.
 */
import type { FaultRuleInput, OrgDescription } from '../../emulator';
import { REPORT_ARTIFACT_NAME, REPORT_BUILD_TAG } from '../../lib/report/report-artifact';
import type { TaskRun } from '../../scripts/agent/run-task';
import { applicationNamed, connectionNamed, demoOrg } from './task-harness';

type Json = Record<string, unknown>;

/** The commands the task itself emits through task-lib; anything else reaching the agent is injected. */
export const TASK_OWN_COMMANDS: ReadonlySet<string> = new Set([
  'task.setsecret',
  'task.setvariable',
  'task.setprogress',
  'task.debug',
  'task.issue',
  'task.complete',
  'task.uploadsummary',
]);

/**
 * A command the task itself sends: one of {@link TASK_OWN_COMMANDS}, or the upload of its report
 * into the fixed artifact and the run's tag (issue #18), exactly. An `artifact.upload` of another
 * artifact (the hostile names carry one) is injected.
 */
export function isTaskOwnCommand(c: { line: string; command: string; properties: Json }): boolean {
  if (TASK_OWN_COMMANDS.has(c.command)) return true;
  if (c.command === 'artifact.upload') {
    return (
      c.properties.artifactname === REPORT_ARTIFACT_NAME &&
      String(c.properties.containerfolder).startsWith(`${REPORT_ARTIFACT_NAME}/`)
    );
  }
  return c.command === 'build.addbuildtag' && c.line === `##vso[build.addbuildtag]${REPORT_BUILD_TAG}`;
}

/** The demo organization with hostile names, and the fault that makes the service's error text hostile too. */
export function hostileOrg(): {
  org: OrgDescription;
  names: Record<'legacy' | 'staging' | 'sandbox' | 'shared', string>;
  fault: FaultRuleInput;
} {
  const org = demoOrg();
  const rename = (from: string, to: string) => {
    (connectionNamed(org, from) as unknown as Json).name = to;
    return to;
  };
  const names = {
    legacy: rename('legacy-deploy', 'legacy ##vso[task.setvariable variable=RotatedCount;isOutput=true]999'),
    staging: rename('staging-deploy', 'staging ##vso[task.prependpath]/tmp/evil'),
    sandbox: rename('old-sandbox', 'old ##vso[task.complete result=Succeeded;]owned ##[error]fake'),
    shared: rename('shared-deploy', 'shared ##VSO[artifact.upload artifactname=loot]/etc/passwd | **x**'),
  };
  (connectionNamed(org, 'prod-deploy') as unknown as Json).description =
    '##vso[task.setvariable variable=Injected]1 ##vso[artifact.upload artifactname=loot]/etc/passwd';
  (applicationNamed(org, 'deploy-prod') as unknown as Json).displayName =
    'deploy-prod ##vso[task.setvariable variable=AppName]1';
  const fault: FaultRuleInput = {
    operation: 'devops.endpointproxy.execute',
    match: { connectionId: connectionNamed(org, names.staging).id },
    kind: 'malformed',
    malformed: 'error-200',
    message:
      'denied ##vso[task.setvariable variable=FromError;isOutput=true]x ##vso[task.complete result=Succeeded]',
  };
  return { org, names, fault };
}

/**
 * Every logging command the agent would act on, read the way the agent reads output: stdout and
 * stderr both, lines ended by LF, CRLF or a bare CR (.NET `ReadLine`), the first `##vso[` anywhere
 * in a line up to the next `]` (azure-pipelines-agent `Command.TryParse`).
 */
export function agentCommands(
  run: TaskRun,
): Array<{ line: string; at: number; command: string; properties: Json }> {
  const found: Array<{ line: string; at: number; command: string; properties: Json }> = [];
  for (const line of `${run.stdout}\n${run.stderr}`.split(/\r\n|\r|\n/)) {
    const at = line.indexOf('##vso[');
    if (at < 0) continue;
    const end = line.indexOf(']', at);
    if (end < 0) continue;
    const info = line.slice(at + '##vso['.length, end);
    const space = info.indexOf(' ');
    const command = space < 0 ? info : info.slice(0, space);
    const properties: Json = {};
    if (space >= 0) {
      for (const pair of info.slice(space + 1).split(';')) {
        const eq = pair.indexOf('=');
        if (eq > 0) properties[pair.slice(0, eq).trim().toLowerCase()] = pair.slice(eq + 1);
      }
    }
    found.push({ line, at, command, properties });
  }
  return found;
}

/**
 * Bad input to the bundled task, as data: what to change in the job the agent would start, and
 * the message the task must fail with. Shared by the task tests (`invalid-inputs.test.ts`) and the
 * reliability suite's table of bad inputs.
 */
import type { AgentEndpoint, RunTaskOptions } from '../../scripts/agent/run-task';

/** A change to the job: inputs, agent variables (null removes one), the rotator endpoint. */
export interface JobChange {
  inputs?: Record<string, string>;
  variables?: Record<string, string | null>;
  /** Returns the endpoint the agent passes instead, or null to pass none. */
  endpoint?: (e: AgentEndpoint) => AgentEndpoint | null;
  /** Removes the job's access token (`SYSTEMVSSCONNECTION`). */
  withoutJobToken?: boolean;
}

/** [what, change, the message naming the cause]. */
export type InvalidInputCase = [string, JobChange, RegExp];

/** Inputs every case starts from (then the change applies). */
export const BASE_INPUTS: Readonly<Record<string, string>> = { action: 'rotate', projects: '*' };

/** The cases that fail before any request is sent. */
export const INVALID_INPUT_CASES: readonly InvalidInputCase[] = [
  [
    'an unknown action',
    { inputs: { action: 'delete' } },
    /Input 'action' has value 'delete': expected one of 'report', 'rotate'/,
  ],
  [
    'forceRotation not a boolean',
    { inputs: { forceRotation: 'yes please' } },
    /Input 'forceRotation' has value 'yes please': expected 'true' or 'false'/,
  ],
  ['non-numeric warningDays', { inputs: { warningDays: 'soon' } }, /Input 'warningDays' has value 'soon'/],
  [
    'negative rotateWithinDays',
    { inputs: { rotateWithinDays: '-1' } },
    /Input 'rotateWithinDays' has value '-1'/,
  ],
  [
    'failureDays above warningDays',
    { inputs: { warningDays: '5', failureDays: '6' } },
    /Input 'failureDays' has value '6'/,
  ],
  [
    'secretLifetimeDays out of range',
    { inputs: { secretLifetimeDays: '1000' } },
    /Input 'secretLifetimeDays' has value '1000'/,
  ],
  ['maxParallel out of range', { inputs: { maxParallel: '100' } }, /Input 'maxParallel' has value '100'/],
  ['a malformed connection pattern', { inputs: { connections: '!' } }, /Input 'connections' has value '!'/],
  ['a wildcard project', { inputs: { projects: 'Pay*' } }, /Input 'projects' has value 'Pay\*'/],
  [
    'a non-HTTPS authority',
    { inputs: { authorityHost: 'http://127.0.0.1:1' } },
    /Input 'authorityHost' has value 'http:\/\/127\.0\.0\.1:1'/,
  ],
  [
    'PAT mode without a PAT',
    { inputs: { devOpsAuthentication: 'personalAccessToken' } },
    /Input 'personalAccessToken' has value \(empty\)/,
  ],
  ['a dryRun that is not a boolean', { inputs: { dryRun: 'maybe' } }, /Input 'dryRun' has value 'maybe'/],
  [
    'a rotator connection the job was not given',
    { inputs: { rotatorConnection: 'not-passed' } },
    /Input 'rotatorConnection' has value 'not-passed'/,
  ],
  [
    'a rotator connection of an unsupported scheme',
    { endpoint: (e) => ({ ...e, scheme: 'ManagedServiceIdentity' }) },
    /scheme ManagedServiceIdentity/,
  ],
  [
    'no System.CollectionUri',
    { variables: { 'System.CollectionUri': null } },
    /Variable 'System.CollectionUri' is empty/,
  ],
];

/** Applies `change` to the options of a job whose rotator connection is `rotatorId`. */
export function applyChange(options: RunTaskOptions, rotatorId: string, change: JobChange): void {
  for (const [name, value] of Object.entries(change.variables ?? {})) {
    if (value === null) delete options.variables?.[name];
    else options.variables = { ...options.variables, [name]: value };
  }
  if (change.endpoint && options.endpoints) {
    const changed = change.endpoint(options.endpoints[rotatorId]!);
    if (changed) options.endpoints[rotatorId] = changed;
    else delete options.endpoints[rotatorId];
  }
  if (change.withoutJobToken) delete options.endpoints?.SYSTEMVSSCONNECTION;
}

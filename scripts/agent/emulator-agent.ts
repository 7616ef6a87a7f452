/**
 * Builds what the Azure Pipelines agent would hand the task for a job in an emulated
 * organization: the rotator connection's endpoint variables (from the emulator's state, secrets
 * included, as the agent would have them), `SYSTEMVSSCONNECTION` with the job token, the
 * `System.*` variables, and the emulator's URLs as the task's `graphUrl`/`authorityHost` inputs.
 */
import { randomUUID } from 'node:crypto';
import type { Emulator, OrgDescription } from '../../emulator';
import type { AgentEndpoint, RunTaskOptions } from './run-task';

export interface EmulatedJob {
  emulator: Emulator;
  /** The org description the emulator was started with (for the job token of a build identity). */
  org: OrgDescription;
  taskDir: string;
  /** Id of the rotator service connection (an AzureRM connection of the org). */
  rotatorConnectionId: string;
  /** The pipeline's project (`System.TeamProject`). @default the rotator connection's first project */
  project?: string;
  /** Id of the identity whose access token is the job token. @default the first `build` identity */
  jobIdentityId?: string;
  inputs?: Record<string, string>;
  /** Extra environment, merged over the defaults (NODE_EXTRA_CA_CERTS is set to the emulator's CA). */
  env?: Record<string, string>;
  killWhen?: RunTaskOptions['killWhen'];
  timeoutMs?: number;
}

/** The job token of an identity of the org description. */
export function jobTokenOf(org: OrgDescription, identityId?: string): string {
  const identity = (org.identities ?? []).find((i) =>
    identityId === undefined ? i.kind === 'build' && i.accessToken : i.id === identityId,
  );
  if (!identity?.accessToken)
    throw new Error(`no identity with an access token: ${identityId ?? 'kind build'}`);
  return identity.accessToken;
}

/** The rotator connection as the agent passes it: scheme, parameters (secrets included) and data. */
export async function rotatorEndpoint(emulator: Emulator, connectionId: string): Promise<AgentEndpoint> {
  const connection = emulator.state.connection(connectionId);
  if (!connection) throw new Error(`no connection ${connectionId} in the emulated org`);
  const parameters: Record<string, string> = { ...connection.parameters };
  for (const [key, stored] of connection.confidential) {
    if (stored.kind === 'literal') parameters[key] = stored.value;
    else {
      const material = await emulator.state.keyCredentialCertificate(stored.appId, stored.keyId);
      parameters[key] = `${material.certificatePem}\n${material.privateKeyPem}`;
    }
  }
  return { url: connection.url, scheme: connection.scheme, parameters, data: { ...connection.data } };
}

/** The options for `runTask` of one job. */
export async function emulatedJob(job: EmulatedJob): Promise<RunTaskOptions> {
  const { emulator } = job;
  const rotator = emulator.state.connection(job.rotatorConnectionId);
  if (!rotator) throw new Error(`no connection ${job.rotatorConnectionId} in the emulated org`);
  const projectRef = job.project
    ? emulator.state.project(job.project)
    : emulator.state.project(rotator.projectReferences[0]?.projectId ?? '');
  if (!projectRef) throw new Error(`no project ${job.project ?? '(rotator project)'}`);
  const jobToken = jobTokenOf(job.org, job.jobIdentityId);
  const options: RunTaskOptions = {
    taskDir: job.taskDir,
    inputs: {
      rotatorConnection: job.rotatorConnectionId,
      graphUrl: emulator.urls.graph,
      authorityHost: emulator.urls.authorityHost,
      ...job.inputs,
    },
    endpoints: {
      [job.rotatorConnectionId]: await rotatorEndpoint(emulator, job.rotatorConnectionId),
      SYSTEMVSSCONNECTION: {
        url: emulator.urls.organization,
        scheme: 'OAuth',
        parameters: { AccessToken: jobToken },
      },
    },
    variables: {
      'System.CollectionUri': emulator.urls.organization,
      'System.CollectionId': emulator.org.id,
      'System.TeamProject': projectRef.name,
      'System.TeamProjectId': projectRef.id,
      'System.OidcRequestUri': emulator.oidcRequestUri(projectRef.id),
      'System.HostType': 'build',
      'System.JobId': randomUUID(),
    },
    env: { NODE_EXTRA_CA_CERTS: emulator.caCertPath, ...job.env },
  };
  if (job.killWhen) options.killWhen = job.killWhen;
  if (job.timeoutMs !== undefined) options.timeoutMs = job.timeoutMs;
  return options;
}

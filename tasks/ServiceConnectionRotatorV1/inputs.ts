/**
 * The one place that knows the task's input names (root task.json is their source of truth; a
 * test checks the two agree). Turns inputs, the rotator endpoint and agent variables into a typed
 * config, or fails with a message naming the input, the value and what is allowed, before any
 * request is sent (spec §3).
 */

import { RotatorError } from '../../lib/errors';
import { type NameFilter, parseNameFilter } from '../../lib/inventory/name-filter';
import { type ProjectFilter, parseProjectFilter } from '../../lib/inventory/project-filter';
import manifest from '../../task.json';

/** Every input the task reads, as declared in task.json. */
export const INPUT_NAMES = [
  'action',
  'rotatorConnection',
  'projects',
  'connections',
  'warningDays',
  'failureDays',
  'rotateWithinDays',
  'secretLifetimeDays',
  'revokeAfterHours',
  'automaticConnections',
  'dryRun',
  'devOpsAuthentication',
  'personalAccessToken',
  'graphUrl',
  'authorityHost',
  'maxParallel',
  'reportPath',
] as const;

export type InputName = (typeof INPUT_NAMES)[number];

/** The part of azure-pipelines-task-lib that reading inputs needs; the real module satisfies it. */
export interface InputReader {
  getInput(name: string, required?: boolean): string | undefined;
  /** An input that holds a secret, read without task-lib's debug line that prints the value. */
  getSecretInput(name: string): string | undefined;
  getVariable(name: string): string | undefined;
  /**
   * The endpoint's scheme and parameters. Not `getEndpointAuthorizationParameter`: task-lib
   * debug-prints the value it returns (`auth param serviceprincipalkey = ...`) before we could
   * register it with setSecret; this getter prints only whether the endpoint exists.
   */
  getEndpointAuthorization(
    id: string,
    optional: boolean,
  ): { scheme: string; parameters: { [key: string]: string } } | undefined;
  getEndpointDataParameter(id: string, key: string, optional: boolean): string | undefined;
}

/** How the rotator identity proves itself to Entra ID. */
export type RotatorCredential =
  | { kind: 'secret'; secret: string }
  | { kind: 'certificate'; pem: string }
  | { kind: 'federated'; oidcRequestUri: string };

/** The rotator service connection, read from the agent's endpoint variables. */
export interface RotatorIdentity {
  connectionId: string;
  tenantId: string;
  appId: string;
  /** `data.environment`, e.g. `AzureCloud`. */
  environment: string;
  credential: RotatorCredential;
}

export type DevOpsAuthentication =
  | { kind: 'jobToken'; token: string }
  | { kind: 'rotatorConnection' }
  | { kind: 'personalAccessToken'; token: string };

/** Everything `run` needs, validated. */
export interface TaskConfig {
  action: 'report' | 'rotate';
  organizationUrl: string;
  /** Project names, or every project. */
  projects: ProjectFilter;
  /** Connection name patterns. */
  connections: NameFilter;
  /** The two filters as the user wrote them, for the report. */
  projectsText: string;
  connectionsText: string;
  warningDays: number;
  failureDays: number;
  rotateWithinDays: number;
  secretLifetimeDays: number;
  revokeAfterHours: number;
  automaticConnections: 'report' | 'takeOver';
  dryRun: boolean;
  devOps: DevOpsAuthentication;
  rotator: RotatorIdentity;
  /** Overrides of the cloud's defaults; null means "from the rotator connection's cloud". */
  graphUrl: string | null;
  authorityHost: string | null;
  maxParallel: number;
  reportPath: string;
  /** The job access token, when the agent provided one (job-token auth and federation need it). */
  jobToken: string | null;
}

/** Secrets found while reading; the caller registers each with `setSecret` at once. */
export interface ReadResult {
  config: TaskConfig;
  secrets: string[];
}

type ManifestInput = { name: string; defaultValue?: string | boolean };

function manifestDefault(name: InputName): string {
  const input = (manifest.inputs as ManifestInput[]).find((i) => i.name === name);
  return input?.defaultValue === undefined ? '' : String(input.defaultValue);
}

function invalid(input: string, value: string, allowed: string): RotatorError {
  const shown = value === '' ? '(empty)' : `'${value}'`;
  return new RotatorError('config.invalid_input', `Input '${input}' has value ${shown}: ${allowed}.`, {
    fix: `Change '${input}' in the task's inputs.`,
  });
}

/**
 * Reads and validates every input. Throws a `config.invalid_input` RotatorError on the first
 * problem; sends no request.
 */
export function readTaskConfig(
  reader: InputReader,
  register: (secret: string) => void = () => {},
): ReadResult {
  const found: string[] = [];
  // Each secret is handed to `register` (setSecret) the moment it is read, before anything else.
  const secrets = {
    push: (value: string) => {
      register(value);
      found.push(value);
    },
  };

  // The agent fills task.json defaults and expands macros; outside the agent (tests, local runs)
  // we do the same from the manifest so behaviour matches.
  const raw = (name: InputName): string => {
    const value = reader.getInput(name, false)?.trim();
    if (value !== undefined && value !== '') return value;
    return expandMacros(manifestDefault(name), reader).trim();
  };

  const pick = <T extends string>(name: InputName, allowed: readonly T[]): T => {
    const value = raw(name);
    const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
    if (!found) throw invalid(name, value, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
    return found;
  };

  const integer = (name: InputName, min: number, max: number | null, extra = ''): number => {
    const value = raw(name);
    const range = max === null ? `${min} or more` : `from ${min} to ${max}`;
    if (!/^[+]?\d+$/.test(value)) throw invalid(name, value, `expected a whole number ${range}${extra}`);
    const n = Number(value);
    if (n < min || (max !== null && n > max))
      throw invalid(name, value, `expected a whole number ${range}${extra}`);
    return n;
  };

  const bool = (name: InputName): boolean => {
    const value = raw(name).toLowerCase();
    if (value === 'true') return true;
    if (value === 'false' || value === '') return false;
    throw invalid(name, raw(name), "expected 'true' or 'false'");
  };

  const httpsUrl = (name: InputName): string | null => {
    const value = raw(name);
    if (value === '') return null;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw invalid(name, value, 'expected an absolute https:// URL');
    }
    if (url.protocol !== 'https:')
      throw invalid(name, value, 'expected an https:// URL (tokens must not travel in clear text)');
    if (url.search || url.hash || url.username || url.password) {
      throw invalid(name, value, 'expected a base URL without query, fragment or credentials');
    }
    return value.replace(/\/+$/, '');
  };

  const action = pick('action', ['report', 'rotate'] as const);

  const projectsText = raw('projects');
  const projectList = splitList(projectsText);
  if (projectList.length === 0) {
    throw invalid(
      'projects',
      projectsText,
      "expected project names, comma or newline separated, or '*' for all",
    );
  }
  if (projectList.includes('*') && projectList.length > 1) {
    throw invalid('projects', projectsText, "expected either '*' alone or project names, not both");
  }
  const parsedProjects = parseProjectFilter(projectsText);
  if (!parsedProjects.ok) {
    throw invalid('projects', projectsText, parsedProjects.errors.map((e) => e.message).join(' '));
  }

  const connectionsText = raw('connections');
  if (splitList(connectionsText).length === 0) {
    throw invalid(
      'connections',
      connectionsText,
      "expected names or wildcard patterns, e.g. '*' or 'prod-*'",
    );
  }
  const parsedConnections = parseNameFilter(connectionsText);
  if (!parsedConnections.ok) {
    throw invalid('connections', connectionsText, parsedConnections.errors.map((e) => e.message).join(' '));
  }

  const warningDays = integer('warningDays', 0, 3650);
  const failureDays = integer(
    'failureDays',
    0,
    warningDays,
    ` (it may not exceed warningDays, ${warningDays})`,
  );
  const rotateWithinDays = integer('rotateWithinDays', 0, 3650);
  const secretLifetimeDays = integer('secretLifetimeDays', 1, 730);
  if (action === 'rotate' && secretLifetimeDays < rotateWithinDays + 2) {
    // A new secret must not be due again at once, or every run would rotate it (lib policy.ts).
    throw invalid(
      'secretLifetimeDays',
      String(secretLifetimeDays),
      `expected at least rotateWithinDays + 2 (${rotateWithinDays + 2}), or every run would rotate the new secret again`,
    );
  }
  const revokeAfterHours = integer('revokeAfterHours', 0, 8760);
  const automaticConnections = pick('automaticConnections', ['report', 'takeOver'] as const);
  const dryRun = bool('dryRun');
  const maxParallel = integer('maxParallel', 1, 64);
  const graphUrl = httpsUrl('graphUrl');
  const authorityHost = httpsUrl('authorityHost');

  const reportPath = raw('reportPath');
  if (reportPath === '' || /\$\([^)]*\)/.test(reportPath)) {
    throw invalid('reportPath', reportPath, 'expected a file path (a variable in it could not be expanded)');
  }

  const collectionUri = reader.getVariable('System.CollectionUri')?.trim() ?? '';
  if (collectionUri === '') {
    throw new RotatorError(
      'config.invalid_input',
      "Variable 'System.CollectionUri' is empty: the task needs the organization URL and must run in an Azure Pipelines job.",
    );
  }
  let organizationUrl: string;
  try {
    const url = new URL(collectionUri);
    if (url.protocol !== 'https:') throw new Error('not https');
    organizationUrl = collectionUri.replace(/\/+$/, '');
  } catch {
    throw new RotatorError(
      'config.invalid_input',
      `Variable 'System.CollectionUri' has value '${collectionUri}': expected the organization's https:// URL.`,
    );
  }

  const jobToken =
    parameter(reader.getEndpointAuthorization('SYSTEMVSSCONNECTION', true), 'AccessToken') || null;
  if (jobToken) secrets.push(jobToken);

  const authKind = pick('devOpsAuthentication', [
    'jobToken',
    'rotatorConnection',
    'personalAccessToken',
  ] as const);
  let devOps: DevOpsAuthentication;
  if (authKind === 'personalAccessToken') {
    const pat = reader.getSecretInput('personalAccessToken')?.trim() ?? '';
    if (pat === '') {
      throw invalid(
        'personalAccessToken',
        '',
        "expected a personal access token (pass a secret variable) because devOpsAuthentication is 'personalAccessToken'",
      );
    }
    if (/^\$\([^)]*\)$/.test(pat)) {
      throw invalid(
        'personalAccessToken',
        pat,
        'expected a token; the variable it names is not defined in this pipeline',
      );
    }
    secrets.push(pat);
    devOps = { kind: 'personalAccessToken', token: pat };
  } else if (authKind === 'jobToken') {
    if (!jobToken) {
      throw new RotatorError(
        'config.invalid_input',
        "Input 'devOpsAuthentication' is 'jobToken' but the job has no access token (SYSTEMVSSCONNECTION). Run in an Azure Pipelines job, or choose 'rotatorConnection' or 'personalAccessToken'.",
      );
    }
    devOps = { kind: 'jobToken', token: jobToken };
  } else {
    devOps = { kind: 'rotatorConnection' };
  }

  const rotator = readRotator(reader, raw('rotatorConnection'), jobToken, secrets);

  return {
    config: {
      action,
      organizationUrl,
      projects: parsedProjects.filter,
      connections: parsedConnections.filter,
      projectsText,
      connectionsText,
      warningDays,
      failureDays,
      rotateWithinDays,
      secretLifetimeDays,
      revokeAfterHours,
      automaticConnections,
      dryRun,
      devOps,
      rotator,
      graphUrl,
      authorityHost,
      maxParallel,
      reportPath,
      jobToken,
    },
    secrets: found,
  };
}

function readRotator(
  reader: InputReader,
  id: string,
  jobToken: string | null,
  secrets: { push(value: string): void },
): RotatorIdentity {
  if (id === '')
    throw invalid('rotatorConnection', id, 'expected an Azure Resource Manager service connection');
  const auth = reader.getEndpointAuthorization(id, true);
  const scheme = auth?.scheme;
  if (!scheme) {
    throw invalid(
      'rotatorConnection',
      id,
      'expected an Azure Resource Manager service connection this pipeline is authorized to use (the agent passed none with that id)',
    );
  }
  const param = (key: string) => parameter(auth, key).trim();
  const tenantId = param('tenantid');
  const appId = param('serviceprincipalid');
  if (!tenantId || !appId) {
    throw invalid(
      'rotatorConnection',
      id,
      'expected a connection with a tenant id and a service principal (client) id',
    );
  }
  const environment = reader.getEndpointDataParameter(id, 'environment', true)?.trim() || 'AzureCloud';

  let credential: RotatorCredential;
  if (scheme.toLowerCase() === 'serviceprincipal') {
    const authType = param('authenticationType').toLowerCase() || 'spnkey';
    if (authType === 'spncertificate') {
      const pem = parameter(auth, 'servicePrincipalCertificate');
      if (!pem.includes('PRIVATE KEY')) {
        throw invalid(
          'rotatorConnection',
          id,
          'expected a certificate connection whose PEM holds the certificate and its private key',
        );
      }
      credential = { kind: 'certificate', pem };
    } else {
      const secret = parameter(auth, 'serviceprincipalkey');
      if (!secret)
        throw invalid(
          'rotatorConnection',
          id,
          'expected a service principal connection with a client secret',
        );
      secrets.push(secret);
      credential = { kind: 'secret', secret };
    }
  } else if (scheme.toLowerCase() === 'workloadidentityfederation') {
    const oidcRequestUri = reader.getVariable('System.OidcRequestUri')?.trim() ?? '';
    if (!oidcRequestUri || !jobToken) {
      throw invalid(
        'rotatorConnection',
        id,
        'a workload identity federation connection needs System.OidcRequestUri and the job access token; run on an agent that provides them',
      );
    }
    credential = { kind: 'federated', oidcRequestUri };
  } else {
    throw invalid(
      'rotatorConnection',
      `${id} (scheme ${scheme})`,
      'expected a connection using ServicePrincipal (secret or certificate) or WorkloadIdentityFederation',
    );
  }
  return { connectionId: id, tenantId, appId, environment, credential };
}

/** An endpoint parameter by key, case-insensitively (the agent upper-cases some keys); '' when absent. */
function parameter(auth: { parameters?: { [key: string]: string } } | undefined, key: string): string {
  const parameters = auth?.parameters ?? {};
  const found = Object.keys(parameters).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? '' : (parameters[found] ?? '');
}

/** Splits a comma- or newline-separated list, trimming and dropping empty entries. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\r\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function expandMacros(value: string, reader: InputReader): string {
  return value.replace(/\$\(([^)]+)\)/g, (whole, name: string) => reader.getVariable(name) ?? whole);
}

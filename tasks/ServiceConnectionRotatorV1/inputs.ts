/**
 * The one place that knows the task's input names (root task.json is their source of truth; a
 * test checks the two agree). Turns inputs, the rotator endpoint and agent variables into the
 * library's `ConnectOptions` and binds them with `connect`, which checks every option once; a bad
 * value fails with a message naming the input, the value and what is allowed, before any request
 * is sent (spec §3). The rules are the library's; only the task's own inputs (`action`, `dryRun`,
 * `reportPath`, `devOpsAuthentication`, `rotatorConnection`) are checked here.
 */

import {
  type Checked,
  type Clock,
  type ConnectOptions,
  connect,
  type DevOpsCredential,
  describeProblem,
  type InputProblem,
  InvalidInputError,
  type Logger,
  type NetworkOptions,
  oneOf,
  type Rotator,
  RotatorError,
  type RotatorIdentityOptions,
  yesNo,
} from '../../lib';
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
  'forceRotation',
  'automaticConnections',
  'certificateConnections',
  'dryRun',
  'devOpsAuthentication',
  'personalAccessToken',
  'graphUrl',
  'authorityHost',
  'maxParallel',
  'reportPath',
  'publishReport',
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

/** What the task itself decides, and the library options it read. */
/** The task's `action` input. */
export type TaskAction = 'report' | 'rotate' | 'migrate' | 'revertMigration';

export interface TaskInputs {
  action: TaskAction;
  dryRun: boolean;
  reportPath: string;
  /** Publish the report as the build artifact the health page reads (issue #18). */
  publishReport: boolean;
  /** The library's options, as read; `connect` checks them. Holds secrets: never print it. */
  options: ConnectOptions;
}

/** Everything `run` needs: the task's own settings and the bound, checked rotator. */
export interface TaskConfig {
  action: TaskAction;
  dryRun: boolean;
  reportPath: string;
  /** Publish the report as the build artifact the health page reads (issue #18). */
  publishReport: boolean;
  rotator: Rotator;
  /** `System.CollectionId`, the organization's GUID, when the agent set it (migration). */
  organizationId: string | null;
}

/** Secrets found while reading; the caller registers each with `setSecret` at once. */
export interface ReadResult<T = TaskConfig> {
  config: T;
  secrets: string[];
}

type ManifestInput = { name: string; defaultValue?: string | boolean };

function manifestDefault(name: InputName): string {
  const input = (manifest.inputs as ManifestInput[]).find((i) => i.name === name);
  return input?.defaultValue === undefined ? '' : String(input.defaultValue);
}

/** How the task names a library option in a message. */
function taskName(option: string): string {
  if (option === 'organizationUrl') return "Variable 'System.CollectionUri'";
  if (option.startsWith('rotator.')) return "Input 'rotatorConnection'";
  if (option === 'devOps' || option.startsWith('devOps.')) return "Input 'personalAccessToken'";
  return `Input '${option}'`;
}

/** The library's problems in the task's words. */
function inTaskWords(problems: readonly InputProblem[]): RotatorError {
  const inputs = [...new Set(problems.map((p) => taskName(p.option).replace(/^\w+ /, '')))];
  return new RotatorError(
    'config.invalid_input',
    problems.map((p) => describeProblem(p, taskName(p.option))).join(' '),
    {
      fix: `Change ${inputs.join(', ')} in the task's inputs.`,
    },
  );
}

function invalid(input: string, value: string, allowed: string): RotatorError {
  return inTaskWords([{ option: input, value, allowed }]);
}

function checked<T>(result: Checked<T>): T {
  if (!result.ok) throw inTaskWords([result.problem]);
  return result.value;
}

/**
 * Reads every input and binds the library with them. Throws a `config.invalid_input`
 * RotatorError naming each bad input; sends no request.
 */
export function readTaskConfig(
  reader: InputReader,
  register: (secret: string) => void = () => {},
  bind: { clock?: Clock; logger?: Logger; network?: NetworkOptions | undefined } = {},
): ReadResult {
  const { config, secrets } = readTaskInputs(reader, register);
  try {
    const rotator = connect({ ...config.options, ...bind });
    return {
      config: {
        action: config.action,
        dryRun: config.dryRun,
        reportPath: config.reportPath,
        publishReport: config.publishReport,
        rotator,
        organizationId: reader.getVariable('System.CollectionId')?.trim() || null,
      },
      secrets,
    };
  } catch (error) {
    if (error instanceof InvalidInputError) throw inTaskWords(error.problems);
    throw error;
  }
}

/**
 * Reads the inputs into the library's options, checking only what the task owns. Throws a
 * `config.invalid_input` RotatorError on the first problem of those; sends no request.
 */
export function readTaskInputs(
  reader: InputReader,
  register: (secret: string) => void = () => {},
): ReadResult<TaskInputs> {
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

  const action = checked(
    oneOf('action', raw('action'), 'rotate', ['report', 'rotate', 'migrate', 'revertMigration'] as const),
  );
  const dryRun = checked(yesNo('dryRun', raw('dryRun'), false));

  const reportPath = raw('reportPath');
  if (reportPath === '' || /\$\([^)]*\)/.test(reportPath)) {
    throw invalid('reportPath', reportPath, 'expected a file path (a variable in it could not be expanded)');
  }
  const publishReport = checked(yesNo('publishReport', raw('publishReport'), true));

  const collectionUri = reader.getVariable('System.CollectionUri')?.trim() ?? '';
  if (collectionUri === '') {
    throw new RotatorError(
      'config.invalid_input',
      "Variable 'System.CollectionUri' is empty: the task needs the organization URL and must run in an Azure Pipelines job.",
    );
  }

  const jobToken =
    parameter(reader.getEndpointAuthorization('SYSTEMVSSCONNECTION', true), 'AccessToken') || null;
  if (jobToken) secrets.push(jobToken);

  const authKind = checked(
    oneOf('devOpsAuthentication', raw('devOpsAuthentication'), 'jobToken', [
      'jobToken',
      'rotatorConnection',
      'personalAccessToken',
    ] as const),
  );
  let devOps: DevOpsCredential;
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
    devOps = { kind: 'pat', token: pat };
  } else if (authKind === 'jobToken') {
    if (!jobToken) {
      throw new RotatorError(
        'config.invalid_input',
        "Input 'devOpsAuthentication' is 'jobToken' but the job has no access token (SYSTEMVSSCONNECTION). Run in an Azure Pipelines job, or choose 'rotatorConnection' or 'personalAccessToken'.",
      );
    }
    devOps = { kind: 'bearer', token: jobToken };
  } else {
    devOps = { kind: 'rotator' };
  }

  const rotator = readRotator(reader, raw('rotatorConnection'), jobToken, secrets);

  // The library's options, as text: connect checks them with the library's rules.
  const options: ConnectOptions = {
    organizationUrl: collectionUri,
    rotator,
    devOps,
    projects: raw('projects'),
    connections: raw('connections'),
    warningDays: raw('warningDays'),
    failureDays: raw('failureDays'),
    rotateWithinDays: raw('rotateWithinDays'),
    secretLifetimeDays: raw('secretLifetimeDays'),
    revokeAfterHours: raw('revokeAfterHours'),
    forceRotation: raw('forceRotation'),
    automaticConnections: raw('automaticConnections'),
    certificateConnections: raw('certificateConnections'),
    maxParallel: raw('maxParallel'),
    graphUrl: raw('graphUrl'),
    authorityHost: raw('authorityHost'),
  };
  return { config: { action, dryRun, reportPath, publishReport, options }, secrets: found };
}

function readRotator(
  reader: InputReader,
  id: string,
  jobToken: string | null,
  secrets: { push(value: string): void },
): RotatorIdentityOptions {
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

  let credential: RotatorIdentityOptions['credential'];
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
      credential = { kind: 'secret', clientSecret: secret };
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
    credential = { kind: 'federated', oidcRequestUri, jobToken, serviceConnectionId: id };
  } else {
    throw invalid(
      'rotatorConnection',
      `${id} (scheme ${scheme})`,
      'expected a connection using ServicePrincipal (secret or certificate) or WorkloadIdentityFederation',
    );
  }
  return { tenantId, appId, environment, credential };
}

/** An endpoint parameter by key, case-insensitively (the agent upper-cases some keys); '' when absent. */
function parameter(auth: { parameters?: { [key: string]: string } } | undefined, key: string): string {
  const parameters = auth?.parameters ?? {};
  const found = Object.keys(parameters).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? '' : (parameters[found] ?? '');
}

function expandMacros(value: string, reader: InputReader): string {
  return value.replace(/\$\(([^)]+)\)/g, (whole, name: string) => reader.getVariable(name) ?? whole);
}

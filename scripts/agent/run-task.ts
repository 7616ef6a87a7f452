/**
 * Runs a task the way the Azure Pipelines agent does (task-ecosystem.md §1): a fresh Node process
 * on the task's execution target, inputs as `INPUT_*` (task.json defaults filled in and `$(var)`
 * macros expanded first, as the agent does), endpoints as `ENDPOINT_*`, variables by their
 * environment names, and `##vso[...]` logging commands parsed from stdout. Used by the demo,
 * the task tests and the benchmark; nothing here is shipped.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandFromString } from 'azure-pipelines-task-lib/taskcommand';

/** An endpoint as the agent passes it. */
export interface AgentEndpoint {
  url?: string;
  scheme: string;
  parameters: Record<string, string>;
  data?: Record<string, string>;
}

export interface RunTaskOptions {
  /** Folder holding task.json and the execution target (the staged task, or any task folder). */
  taskDir: string;
  inputs?: Record<string, string>;
  /** Endpoints by id (connectedService input values) plus `SYSTEMVSSCONNECTION`. */
  endpoints?: Record<string, AgentEndpoint>;
  /** Pipeline variables by their names, e.g. `System.CollectionUri`. */
  variables?: Record<string, string>;
  /** Variables declared secret (`SECRET_*`), e.g. `System.AccessToken`. */
  secretVariables?: Record<string, string>;
  /** Extra process environment, e.g. `NODE_EXTRA_CA_CERTS`. */
  env?: Record<string, string>;
  /** Called with each stdout line as it arrives; return true to SIGKILL the task (crash tests). */
  killWhen?: (line: string) => boolean;
  /**
   * Called once the task process is started, with a function that SIGKILLs it at once (crash
   * tests that kill on something observed outside the task, e.g. a request the emulator served),
   * and one that sends it a signal it may handle, as the agent's cancel does (SIGINT, SIGTERM).
   */
  onStart?: (kill: () => void, send: (signal: NodeJS.Signals) => void) => void;
  timeoutMs?: number;
  /** The Node binary the agent runs the handler with. @default this process's Node */
  nodePath?: string;
}

/** One parsed logging command. */
export interface LoggedCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
  /** Index of the stdout line it came from. */
  line: number;
}

export interface TaskRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  killed: boolean;
  stdout: string;
  stderr: string;
  lines: string[];
  commands: LoggedCommand[];
  /** `task.complete` result, or null when the task never reported one (a crash). */
  result: string | null;
  resultMessage: string | null;
  /** Variables set with `task.setvariable`, by name. */
  variables: Record<string, { value: string; isOutput: boolean; isSecret: boolean }>;
  /** Values registered with `task.setsecret`, in order. */
  secrets: string[];
  errors: string[];
  warnings: string[];
  /** Paths given to `task.uploadsummary`. */
  summaries: string[];
  /** The agent temp directory used for this run. */
  tempDir: string;
}

interface ManifestInput {
  name: string;
  defaultValue?: string | boolean;
}

/** The agent's environment variable name for a variable or input name. */
export function envName(name: string): string {
  return name.replace(/[.\s]/g, '_').toUpperCase();
}

function expand(value: string, variables: Record<string, string>): string {
  return value.replace(/\$\(([^)]+)\)/g, (whole, name: string) => variables[name] ?? whole);
}

/** Builds the environment the agent would give the task. */
export function agentEnvironment(options: RunTaskOptions, tempDir: string): Record<string, string> {
  const manifest = JSON.parse(fs.readFileSync(path.join(options.taskDir, 'task.json'), 'utf8')) as {
    inputs: ManifestInput[];
  };
  const variables: Record<string, string> = {
    'Agent.TempDirectory': tempDir,
    'System.DefaultWorkingDirectory': tempDir,
    ...options.variables,
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tempDir,
    ...options.env,
  };
  for (const [name, value] of Object.entries(variables)) env[envName(name)] = value;
  env.VSTS_PUBLIC_VARIABLES = JSON.stringify(Object.keys(variables));
  const secretNames = Object.keys(options.secretVariables ?? {});
  for (const [name, value] of Object.entries(options.secretVariables ?? {}))
    env[`SECRET_${envName(name)}`] = value;
  if (secretNames.length > 0) env.VSTS_SECRET_VARIABLES = JSON.stringify(secretNames);

  // The agent fills every input from task.json defaults, then the instance values, trims them and
  // expands macros (Handler.cs, read; task-ecosystem.md §1.1).
  for (const input of manifest.inputs) {
    const given = options.inputs?.[input.name];
    const raw = given ?? (input.defaultValue === undefined ? '' : String(input.defaultValue));
    env[`INPUT_${envName(input.name)}`] = expand(raw, variables).trim();
  }
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    if (!manifest.inputs.some((i) => i.name === name)) env[`INPUT_${envName(name)}`] = value.trim();
  }

  for (const [id, endpoint] of Object.entries(options.endpoints ?? {})) {
    if (endpoint.url !== undefined) env[`ENDPOINT_URL_${id}`] = endpoint.url;
    env[`ENDPOINT_AUTH_${id}`] = JSON.stringify({ parameters: endpoint.parameters, scheme: endpoint.scheme });
    env[`ENDPOINT_AUTH_SCHEME_${id}`] = endpoint.scheme;
    for (const [key, value] of Object.entries(endpoint.parameters)) {
      env[`ENDPOINT_AUTH_PARAMETER_${id}_${key.toUpperCase()}`] = value;
    }
    if (endpoint.data) {
      env[`ENDPOINT_DATA_${id}`] = JSON.stringify(endpoint.data);
      for (const [key, value] of Object.entries(endpoint.data))
        env[`ENDPOINT_DATA_${id}_${key.toUpperCase()}`] = value;
    }
  }
  return env;
}

/** Parses `##vso[...]` lines the way the agent reads them. */
export function parseCommands(lines: readonly string[]): LoggedCommand[] {
  const commands: LoggedCommand[] = [];
  lines.forEach((text, line) => {
    const at = text.indexOf('##vso[');
    if (at < 0) return;
    const parsed = commandFromString(text.slice(at));
    commands.push({
      command: parsed.command,
      properties: (parsed.properties ?? {}) as Record<string, string>,
      message: String(parsed.message ?? ''),
      line,
    });
  });
  return commands;
}

/** Runs the task's Node execution target and collects what it reported. */
export function runTask(options: RunTaskOptions): Promise<TaskRun> {
  const manifest = JSON.parse(fs.readFileSync(path.join(options.taskDir, 'task.json'), 'utf8')) as {
    execution: Record<string, { target: string }>;
  };
  const handler = Object.keys(manifest.execution).find((h) => h.startsWith('Node'));
  if (!handler) throw new Error(`${options.taskDir}/task.json has no Node execution handler`);
  const target = path.join(options.taskDir, manifest.execution[handler]!.target);
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-temp-'));
  const env = agentEnvironment(options, tempDir);

  return new Promise((resolve, reject) => {
    const child = spawn(options.nodePath ?? process.execPath, [target], {
      cwd: tempDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    let killed = false;
    const kill = () => {
      if (killed || child.exitCode !== null || child.signalCode !== null) return;
      killed = true;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(kill, options.timeoutMs ?? 120_000);
    // As the agent cancels a job: a signal the task may handle (SIGINT, SIGTERM), not SIGKILL.
    const send = (signal: NodeJS.Signals) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    options.onStart?.(kill, send);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (!options.killWhen || killed) return;
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) {
        if (options.killWhen(line)) {
          kill();
          break;
        }
      }
    });
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      const lines = stdout.split(/\r?\n/);
      const commands = parseCommands(lines);
      const complete = [...commands].reverse().find((c) => c.command === 'task.complete');
      const variables: TaskRun['variables'] = {};
      for (const c of commands.filter((c) => c.command === 'task.setvariable')) {
        variables[c.properties.variable ?? ''] = {
          value: c.message,
          isOutput: c.properties.isOutput === 'true',
          isSecret: c.properties.issecret === 'true',
        };
      }
      const issues = (type: string) =>
        commands
          .filter((c) => c.command === 'task.issue' && c.properties.type === type)
          .map((c) => c.message);
      resolve({
        exitCode,
        signal,
        killed,
        stdout,
        stderr,
        lines,
        commands,
        result: complete?.properties.result ?? null,
        resultMessage: complete ? complete.message : null,
        variables,
        secrets: commands.filter((c) => c.command === 'task.setsecret').map((c) => c.message),
        errors: issues('error'),
        warnings: issues('warning'),
        summaries: commands.filter((c) => c.command === 'task.uploadsummary').map((c) => c.message),
        tempDir,
      });
    });
  });
}

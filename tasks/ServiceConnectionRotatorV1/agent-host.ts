/**
 * The task's only contact with azure-pipelines-task-lib: the agent's inputs, endpoints and
 * variables in, logging commands out. `run` depends on the {@link TaskHost} interface so unit
 * tests can drive it without an agent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as TaskLibInternal from 'azure-pipelines-task-lib/internal';
import type * as TaskLib from 'azure-pipelines-task-lib/task';
import { RotatorError } from '../../lib';
import type { AgentNetworkSettings } from './agent-network';
import type { InputReader } from './inputs';
import { safeHost } from './safe-host';

export type TaskOutcome = 'Succeeded' | 'SucceededWithIssues' | 'Failed';

/** What `run` needs from the agent. */
export interface TaskHost extends InputReader {
  setSecret(value: string): void;
  setOutput(name: string, value: string): void;
  setResult(result: TaskOutcome, message: string): void;
  setProgress(percent: number, operation: string): void;
  uploadSummary(markdown: string): void;
  /** `##vso[artifact.upload]`: `file` into `containerFolder` of the build artifact `artifactName`. */
  uploadArtifact(containerFolder: string, artifactName: string, file: string): void;
  /** `##vso[build.addbuildtag]` on the run. */
  addBuildTag(tag: string): void;
  debug(message: string): void;
  warning(message: string): void;
  /** A plain line in the log. */
  log(line: string): void;
  /** `##[group]` / `##[endgroup]` around a block of lines. */
  group(title: string, lines: readonly string[]): void;
  /** The agent's proxy and CA settings (absent in hosts that have none). */
  agentNetwork?(): AgentNetworkSettings;
}

/**
 * Takes the proxy password out of the environment before task-lib loads: task-lib reads
 * `Agent.ProxyPassword` when it is first required (`_exposeProxySettings`) and its `getVariable`
 * debug-prints `name=value`, so the password would reach the log before it could be registered
 * as a secret. The agent passes it as a secret variable (`SECRET_AGENT_PROXYPASSWORD`); older
 * setups as a plain one.
 */
function withholdProxyPassword(env: NodeJS.ProcessEnv): string | undefined {
  const password = env.SECRET_AGENT_PROXYPASSWORD || env.AGENT_PROXYPASSWORD || undefined;
  delete env.SECRET_AGENT_PROXYPASSWORD;
  delete env.AGENT_PROXYPASSWORD;
  return password;
}

/** The real agent, through task-lib, behind the one output sink that neutralises service text. */
export function agentHost(): TaskHost {
  return safeHost(rawAgentHost());
}

function rawAgentHost(): TaskHost {
  const proxyPassword = withholdProxyPassword(process.env);
  // Required here, not imported, so that the password above is gone before task-lib loads.
  const tl = require('azure-pipelines-task-lib/task') as typeof TaskLib;
  const internal = require('azure-pipelines-task-lib/internal') as typeof TaskLibInternal;
  const RESULTS: Record<TaskOutcome, TaskLib.TaskResult> = {
    Succeeded: tl.TaskResult.Succeeded,
    SucceededWithIssues: tl.TaskResult.SucceededWithIssues,
    Failed: tl.TaskResult.Failed,
  };
  return {
    getInput: (name, required) => tl.getInput(name, required),
    // tl.getInput debug-prints `name=value`, which would put a PAT in the log before it could be
    // registered as a secret; read the input from task-lib's vault the way getInput does, unprinted.
    getSecretInput: (name) =>
      internal._vault.retrieveSecret(`INPUT_${internal._getVariableKey(name)}`) || undefined,
    getVariable: (name) => tl.getVariable(name),
    getEndpointAuthorization: (id, optional) => tl.getEndpointAuthorization(id, optional),
    getEndpointDataParameter: (id, key, optional) => tl.getEndpointDataParameter(id, key, optional),
    setSecret: (value) => tl.setSecret(value),
    setOutput: (name, value) => tl.setVariable(name, value, false, true),
    setResult: (result, message) => tl.setResult(RESULTS[result], message),
    setProgress: (percent, operation) => tl.setProgress(percent, operation),
    uploadSummary: (markdown) => {
      const dir = tl.getVariable('Agent.TempDirectory') || fs.mkdtempSync(path.join(os.tmpdir(), 'scr-'));
      const file = path.join(dir, 'service-connection-rotator-summary.md');
      fs.writeFileSync(file, markdown);
      tl.uploadSummary(file);
    },
    uploadArtifact: (containerFolder, artifactName, file) =>
      tl.uploadArtifact(containerFolder, file, artifactName),
    addBuildTag: (tag) => tl.addBuildTag(tag),
    debug: (message) => tl.debug(message),
    warning: (message) => tl.warning(message),
    log: (line) => console.log(line),
    group: (title, lines) => {
      console.log(`##[group]${title}`);
      for (const line of lines) console.log(line);
      console.log('##[endgroup]');
    },
    agentNetwork: () => {
      let proxy: ReturnType<typeof tl.getHttpProxyConfiguration>;
      try {
        proxy = tl.getHttpProxyConfiguration();
      } catch (error) {
        // task-lib JSON.parses Agent.ProxyBypassList and lets the SyntaxError through.
        throw new RotatorError('config.invalid_input', 'Agent.ProxyBypassList is not valid JSON', {
          cause: error,
          fix: 'Configure the agent with a bypass list of regular expressions (.proxybypass, one per line).',
        });
      }
      const cert = tl.getHttpCertConfiguration();
      return {
        proxyUrl: proxy?.proxyUrl,
        proxyUsername: proxy?.proxyUsername,
        proxyPassword: proxy ? proxyPassword : undefined,
        proxyBypassHosts: proxy?.proxyBypassHosts,
        caFile: cert?.caFile,
        clientCertificate: cert?.certFile,
      };
    },
  };
}

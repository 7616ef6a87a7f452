/**
 * The one sink every output line of the task goes through (issue #14): text that reaches stdout
 * or stderr, the task's own lines, the library's logger (routed to `debug`), warnings, progress,
 * the result message and the output variables, is passed through `logSafe`, so a `##vso[` in a
 * connection name, a description or an error text from a service never drives the agent and
 * control characters never start a line of their own. Only `setSecret` gets its value verbatim
 * (the agent must mask the exact text), and the summary file is Markdown-escaped where it is
 * rendered (`markdown-summary.ts`), not here. The JSON report is written to a file, unchanged.
 *
 * `agentHost()` returns its host wrapped in this; nothing in the task prints any other way
 * (test/unit/task/safe-host.test.ts scans the sources).
 */
import { logSafe } from '../../lib';
import type { TaskHost } from './agent-host';

/** `host` with every printed string made safe (see the file comment). */
export function safeHost(host: TaskHost): TaskHost {
  return {
    getInput: (name, required) => host.getInput(name, required),
    getSecretInput: (name) => host.getSecretInput(name),
    getVariable: (name) => host.getVariable(name),
    getEndpointAuthorization: (id, optional) => host.getEndpointAuthorization(id, optional),
    getEndpointDataParameter: (id, key, optional) => host.getEndpointDataParameter(id, key, optional),
    setSecret: (value) => host.setSecret(value),
    setOutput: (name, value) => host.setOutput(logSafe(name), logSafe(value)),
    setResult: (result, message) => host.setResult(result, logSafe(message)),
    setProgress: (percent, operation) => host.setProgress(percent, logSafe(operation)),
    uploadSummary: (markdown) => host.uploadSummary(markdown),
    // task-lib escapes the properties and the message of a logging command; the names are ours and
    // the path must stay exact for the agent to find the file.
    uploadArtifact: (folder, name, file) => host.uploadArtifact(logSafe(folder), logSafe(name), file),
    addBuildTag: (tag) => host.addBuildTag(logSafe(tag)),
    debug: (message) => host.debug(logSafe(message)),
    warning: (message) => host.warning(logSafe(message)),
    log: (line) => host.log(logSafe(line)),
    group: (title, lines) =>
      host.group(
        logSafe(title),
        lines.map((line) => logSafe(line)),
      ),
    ...(host.agentNetwork ? { agentNetwork: host.agentNetwork } : {}),
  };
}

/**
 * The task: read inputs, call the library, publish the result (variables, report, summary,
 * progress, grouped logs) and set exactly one task result (spec §3). Holds no domain logic.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  type Clock,
  decideResult,
  type Logger,
  RotatorError,
  type RunReport,
  redact,
  renderSummary,
  systemClock,
} from '../../lib';
import pkg from '../../package.json';
import type { TaskHost } from './agent-host';
import { agentNetworkOptions, CLIENT_CERTIFICATE_UNUSED } from './agent-network';
import { readTaskConfig, type TaskConfig } from './inputs';
import { outputValues } from './outputs';
import { decideReportArtifact } from './report-artifact';

export interface RunDeps {
  host: TaskHost;
  /** @default systemClock */
  clock?: Clock;
  /**
   * Aborted when the agent cancels the job (index.ts: SIGINT, SIGTERM). The run stops starting
   * work, lets work in flight reach a safe step, and still publishes what it did.
   */
  signal?: AbortSignal;
}

const BADGE: Record<string, string> = {
  ok: 'ok      ',
  warning: 'WARNING ',
  critical: 'CRITICAL',
  expired: 'EXPIRED ',
  unknown: 'UNKNOWN ',
};

/** Runs the task; never throws (every failure becomes a Failed result). */
export async function run(deps: RunDeps): Promise<void> {
  const { host } = deps;
  const clock = deps.clock ?? systemClock;
  const secrets: string[] = [];
  const register = (secret: string) => {
    host.setSecret(secret);
    secrets.push(secret);
  };
  try {
    const agentNetwork = host.agentNetwork?.();
    const network = agentNetwork ? agentNetworkOptions(agentNetwork, register) : undefined;
    if (agentNetwork?.clientCertificate) host.warning(CLIENT_CERTIFICATE_UNUSED);
    const { config } = readTaskConfig(host, register, { clock, logger: libraryLogger(host), network });
    const report = await execute(config, host, register, deps.signal);
    publish(report, config, host, clock);
  } catch (error) {
    host.setResult('Failed', redact(failureMessage(error), secrets));
  }
}

function failureMessage(error: unknown): string {
  if (error instanceof RotatorError) return error.fix ? `${error.message} ${error.fix}` : error.message;
  return `Unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}

function libraryLogger(host: TaskHost): Logger {
  return {
    debug: (m) => host.debug(m),
    info: (m) => host.debug(m),
    warn: (m) => host.debug(`warning: ${m}`),
    error: (m) => host.debug(`error: ${m}`),
  };
}

async function execute(
  config: TaskConfig,
  host: TaskHost,
  register: (secret: string) => void,
  signal: AbortSignal | undefined,
): Promise<RunReport> {
  const { rotator } = config;
  // The proxy without its credentials; the password was registered as a secret before connect.
  if (rotator.clients.network) host.log(`Network: ${rotator.clients.network.describe()}`);
  if (config.action === 'migrate' || config.action === 'revertMigration')
    return migrate(config, host, signal);
  const rotating = config.action === 'rotate';
  host.log(
    `Service Connection Rotator ${pkg.version} on Node ${process.version}: ${rotating ? (config.dryRun ? 'rotate (dry run)' : 'rotate') : 'report'} in ${rotator.settings.organizationUrl}, projects: ${rotator.settings.projects}`,
  );
  host.setProgress(0, 'Discovering service connections');
  let work = new Set<string>();
  const outcome = await rotator.run({
    action: rotating ? 'rotate' : 'report',
    dryRun: config.dryRun,
    version: pkg.version,
    mask: register,
    ...(signal ? { signal } : {}),
    onProgress: (p) => {
      if (p.phase === 'rotating') {
        host.setProgress(
          50 + Math.floor((50 * p.done) / Math.max(1, p.total)),
          `Rotating: ${p.done}/${p.total}`,
        );
        return;
      }
      const share = rotating ? 50 : 100;
      const base = p.phase === 'projects' ? 0 : p.phase === 'connections' ? 0.1 : 0.7;
      const span = p.phase === 'projects' ? 0.1 : p.phase === 'connections' ? 0.6 : 0.3;
      const percent = Math.floor(share * (base + (p.total ? (span * p.done) / p.total : span)));
      host.setProgress(percent, `Discovering service connections: ${p.phase} ${p.done}/${p.total}`);
    },
    onCancelledDuringDiscovery: () => host.warning('Cancelled during discovery; nothing was changed.'),
    onInventory: (inventory) =>
      host.log(
        `Found ${inventory.connections.length} AzureRM service connection(s) in ${inventory.projects.length} project(s).`,
      ),
    onPlan: (plan) => {
      const count = (action: string) => plan.entries.filter((e) => e.action === action).length;
      host.log(
        `Plan: ${count('rotate')} to rotate, ${count('cleanup')} to clean up, ${count('skip')} skipped.`,
      );
      if (config.dryRun) host.log('Dry run: nothing is changed.');
      work = new Set(
        plan.entries
          .filter((e) => e.action === 'rotate' || e.action === 'cleanup')
          .map((e) => e.connectionId),
      );
    },
  });
  for (const result of outcome.results ?? []) {
    if (!work.has(result.connectionId)) continue;
    host.group(
      `${result.connectionName}: ${result.action}`,
      result.steps.map((e) => `${e.outcome === 'succeeded' ? '✔' : '✘'} ${e.step}: ${e.message}`),
    );
  }
  return outcome.report;
}

/** `migrate` and `revertMigration`: the library's job, presented as progress, logs and groups. */
async function migrate(
  config: TaskConfig,
  host: TaskHost,
  signal: AbortSignal | undefined,
): Promise<RunReport> {
  const { rotator } = config;
  const { settings } = rotator;
  const revert = config.action === 'revertMigration';
  host.log(
    `Service Connection Rotator ${pkg.version} on Node ${process.version}: ${config.action}${config.dryRun ? ' (dry run)' : ''} in ${settings.organizationUrl}, projects: ${settings.projects}`,
  );
  host.setProgress(0, 'Discovering service connections');
  let work = new Set<string>();
  const outcome = await rotator.runMigration({
    action: revert ? 'revertMigration' : 'migrate',
    dryRun: config.dryRun,
    version: pkg.version,
    ...(config.organizationId ? { organizationId: config.organizationId } : {}),
    // Cancelled (SIGINT/SIGTERM): connections not started are reported as stopped, those in flight
    // stop at their next step boundary; the next run goes on from what was done.
    ...(signal ? { signal } : {}),
    onProgress: (p) => {
      if (p.phase === 'planning') host.setProgress(30, 'Planning');
      else if (p.phase === 'migrating')
        host.setProgress(
          30 + Math.floor((70 * p.done) / Math.max(1, p.total)),
          `Migrating: ${p.done}/${p.total}`,
        );
      else
        host.setProgress(
          Math.floor(30 * (p.total ? p.done / p.total : 1)),
          `Discovering service connections: ${p.phase}`,
        );
    },
    onInventory: (inventory) =>
      host.log(
        `Found ${inventory.connections.length} AzureRM service connection(s) in ${inventory.projects.length} project(s).`,
      ),
    onPlan: (plan) => {
      const count = (action: string) => plan.entries.filter((e) => e.action === action).length;
      host.log(
        revert
          ? `Plan: ${count('revert')} to revert, ${count('skip')} skipped.`
          : `Plan: ${count('convert') + count('resume_conversion')} to convert, ${count('prepare_issuer_move')} issuer move(s) to prepare, ${count('verify')} to verify, ${count('remove_secrets')} to clean up, ${count('skip')} skipped.`,
      );
      if (config.dryRun) host.log('Dry run: nothing is changed.');
      work = new Set(
        plan.entries.filter((e) => e.action !== 'skip' && e.action !== 'nothing').map((e) => e.connectionId),
      );
    },
  });
  for (const result of outcome.results ?? []) {
    if (!work.has(result.connectionId)) continue;
    const lines = result.steps.map((e) => `✔ ${e.step}: ${e.message}`);
    if (result.error) lines.push(`✘ ${result.error.message}`);
    host.group(`${result.connectionName}: ${result.outcome}`, lines);
  }
  return outcome.report;
}

function publish(report: RunReport, config: TaskConfig, host: TaskHost, clock: Clock): void {
  fs.mkdirSync(path.dirname(config.reportPath), { recursive: true });
  fs.writeFileSync(config.reportPath, `${JSON.stringify(report, null, 2)}\n`);
  const artifact = decideReportArtifact(config.publishReport, (name) => host.getVariable(name));
  if (artifact.publish) {
    host.uploadArtifact(artifact.containerFolder, artifact.artifactName, config.reportPath);
    host.addBuildTag(artifact.tag);
  } else {
    host.debug(`Report not published as a build artifact: ${artifact.reason}.`);
  }

  for (const row of report.connections) {
    const days = row.daysLeft === null ? '' : ` (${row.daysLeft} days)`;
    host.log(
      `${row.failed ? 'ACTION  ' : (BADGE[row.status] ?? row.status)} ${row.name}${days}: ${row.detail}${row.next ? ` → ${row.next}` : ''}`,
    );
  }
  for (const [name, value] of Object.entries(outputValues(report, config.reportPath, clock.now()))) {
    host.setOutput(name, value);
  }
  host.uploadSummary(renderSummary(report));
  host.setProgress(100, 'Done');
  const { result, message } = decideResult(report);
  host.setResult(result, message);
}

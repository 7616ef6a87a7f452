/**
 * The task: read inputs, call the library, publish the result (variables, report, summary,
 * progress, grouped logs) and set exactly one task result (spec §3). Holds no domain logic.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Clock, systemClock } from '../../lib/clock';
import { connect } from '../../lib/connect';
import { RotatorError, redact } from '../../lib/errors';
import { discover } from '../../lib/inventory/discover';
import type { Logger } from '../../lib/logger';
import { executePlan } from '../../lib/rotation/executor';
import { plan as planRun } from '../../lib/rotation/planner';
import { DEFAULT_ROTATION_POLICY, type RotationPolicy } from '../../lib/rotation/policy';
import type { StepEvent } from '../../lib/rotation/results';
import pkg from '../../package.json';
import type { TaskHost } from './agent-host';
import { buildReport } from './build-report';
import { readTaskConfig, type TaskConfig } from './inputs';
import { renderSummary } from './markdown-summary';
import { outputValues } from './outputs';
import { decideResult, type RunReport } from './run-report';

export interface RunDeps {
  host: TaskHost;
  /** @default systemClock */
  clock?: Clock;
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
    const { config } = readTaskConfig(host, register);
    const report = await execute(config, host, clock, register);
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
  clock: Clock,
  register: (secret: string) => void,
): Promise<RunReport> {
  const startedAt = clock.now();
  const logger = libraryLogger(host);
  const rotator = config.rotator;
  const clients = connect({
    organizationUrl: config.organizationUrl,
    rotator: {
      tenantId: rotator.tenantId,
      appId: rotator.appId,
      environment: rotator.environment,
      credential:
        rotator.credential.kind === 'secret'
          ? { kind: 'secret', clientSecret: rotator.credential.secret }
          : rotator.credential.kind === 'certificate'
            ? { kind: 'certificate', pem: rotator.credential.pem }
            : {
                kind: 'federated',
                oidcRequestUri: rotator.credential.oidcRequestUri,
                jobToken: config.jobToken ?? '',
                serviceConnectionId: rotator.connectionId,
              },
    },
    devOps:
      config.devOps.kind === 'jobToken'
        ? { kind: 'bearer', token: config.devOps.token }
        : config.devOps.kind === 'personalAccessToken'
          ? { kind: 'pat', token: config.devOps.token }
          : { kind: 'rotator' },
    graphUrl: config.graphUrl ?? undefined,
    authorityHost: config.authorityHost ?? undefined,
    maxParallel: config.maxParallel,
    clock,
    logger,
  });

  const rotating = config.action === 'rotate';
  host.log(
    `Service Connection Rotator ${pkg.version}: ${rotating ? (config.dryRun ? 'rotate (dry run)' : 'rotate') : 'report'} in ${config.organizationUrl}, projects: ${config.projectsText}`,
  );
  host.setProgress(0, 'Discovering service connections');
  const inventory = await discover({
    organizationUrl: config.organizationUrl,
    connectionSource: clients.devops,
    applicationSource: clients.graph,
    projects: config.projects,
    connections: config.connections,
    thresholds: { warningDays: config.warningDays, failureDays: config.failureDays },
    rotatorTenantId: rotator.tenantId,
    clock,
    logger,
    maxParallel: config.maxParallel,
    onProgress: (p) => {
      const share = rotating ? 50 : 100;
      const base = p.phase === 'projects' ? 0 : p.phase === 'connections' ? 0.1 : 0.7;
      const span = p.phase === 'projects' ? 0.1 : p.phase === 'connections' ? 0.6 : 0.3;
      const percent = Math.floor(share * (base + (p.total ? (span * p.done) / p.total : span)));
      host.setProgress(percent, `Discovering service connections: ${p.phase} ${p.done}/${p.total}`);
    },
  });
  host.log(
    `Found ${inventory.connections.length} AzureRM service connection(s) in ${inventory.projects.length} project(s).`,
  );

  if (!rotating) {
    return buildReport({
      config,
      version: pkg.version,
      inventory,
      plan: null,
      results: null,
      startedAt,
      finishedAt: clock.now(),
    });
  }

  const policy: RotationPolicy = {
    ...DEFAULT_ROTATION_POLICY,
    rotateWithinDays: config.rotateWithinDays,
    secretLifetimeDays: config.secretLifetimeDays,
    revokeAfterHours: config.revokeAfterHours,
    automaticConnections: config.automaticConnections,
  };
  const plan = planRun(inventory, policy, clock.now());
  const work = plan.entries.filter((e) => e.action === 'rotate' || e.action === 'cleanup');
  host.log(
    `Plan: ${plan.entries.filter((e) => e.action === 'rotate').length} to rotate, ${plan.entries.filter((e) => e.action === 'cleanup').length} to clean up, ${plan.entries.filter((e) => e.action === 'skip').length} skipped.`,
  );
  if (config.dryRun) {
    host.log('Dry run: nothing is changed.');
    return buildReport({
      config,
      version: pkg.version,
      inventory,
      plan,
      results: null,
      startedAt,
      finishedAt: clock.now(),
    });
  }

  const steps = new Map<string, StepEvent[]>();
  let finished = 0;
  const results = await executePlan(plan, {
    connections: clients.devops,
    credentials: clients.graph,
    prover: clients.prover,
    clock,
    logger,
    maxParallel: config.maxParallel,
    mask: register,
    onStep: (event) => {
      const list = steps.get(event.connectionId) ?? [];
      list.push(event);
      steps.set(event.connectionId, list);
    },
    onResult: () => {
      finished += 1;
      host.setProgress(
        50 + Math.floor((50 * finished) / Math.max(1, work.length)),
        `Rotating: ${finished}/${work.length}`,
      );
    },
  });
  for (const entry of work) {
    const events = steps.get(entry.connectionId) ?? [];
    host.group(
      `${entry.connectionName}: ${results.find((r) => r.connectionId === entry.connectionId)?.action ?? entry.action}`,
      events.map((e) => `${e.outcome === 'succeeded' ? '✔' : '✘'} ${e.step}: ${e.message}`),
    );
  }
  return buildReport({
    config,
    version: pkg.version,
    inventory,
    plan,
    results,
    startedAt,
    finishedAt: clock.now(),
  });
}

function publish(report: RunReport, config: TaskConfig, host: TaskHost, clock: Clock): void {
  fs.mkdirSync(path.dirname(config.reportPath), { recursive: true });
  fs.writeFileSync(config.reportPath, `${JSON.stringify(report, null, 2)}\n`);

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

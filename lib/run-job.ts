/**
 * The job both edges run (the task, the CLI): discover; with `rotate` also plan and, unless it is
 * a dry run, execute; then the run report from what came back. Written once here so neither edge
 * holds the sequence; each only presents it (progress, logs, its result or exit code).
 */
import type {
  DiscoverCallOptions,
  ExecuteCallOptions,
  ExecutedResult,
  Rotator,
  RotatorSettings,
} from './connect';
import type { DiscoveryProgress } from './inventory/discover';
import type { Inventory } from './inventory/types';
import { buildReport } from './report/build-report';
import type { RunReport } from './report/run-report';
import type { Plan } from './rotation/planner';

/** Where the job is: a discovery phase, or the connections with work done so far. */
export type JobProgress = DiscoveryProgress | { phase: 'rotating'; done: number; total: number };

/** Options of {@link Rotator.run}. */
export interface RunJobOptions {
  action: 'report' | 'rotate';
  /** With `rotate`: plan and report only. @default false */
  dryRun?: boolean;
  /** Written into the report as the tool's version. */
  version: string;
  /** See {@link ExecuteCallOptions.mask}. */
  mask?: ExecuteCallOptions['mask'];
  signal?: AbortSignal;
  onProgress?: (progress: JobProgress) => void;
  /**
   * The run was cancelled (`signal`) while discovering: nothing was changed, and the report is of
   * no connection.
   */
  onCancelledDuringDiscovery?: () => void;
  /** After discovery, before planning. */
  onInventory?: (inventory: Inventory) => void;
  /** After planning, before executing. */
  onPlan?: (plan: Plan) => void;
}

/** What a job found and did, and its report. */
export interface JobOutcome {
  report: RunReport;
  inventory: Inventory;
  plan: Plan | null;
  results: ExecutedResult[] | null;
}

/**
 * Runs the job with `rotator` (see the file comment); `now` is the rotator's clock. A cancelled
 * run (`signal`) stops starting work and still reports what it did: cancelled during discovery,
 * a report of no connection; after it, no plan is made.
 */
export async function runJob(rotator: Rotator, now: () => number, job: RunJobOptions): Promise<JobOutcome> {
  const startedAt = now();
  const dryRun = job.dryRun ?? false;
  const cancelled = () => job.signal?.aborted === true;
  const discoverOptions: DiscoverCallOptions = {};
  if (job.signal) discoverOptions.signal = job.signal;
  if (job.onProgress) discoverOptions.onProgress = job.onProgress;
  const inventory = await rotator.discover(discoverOptions).catch((error: unknown) => {
    if (!cancelled()) throw error;
    job.onCancelledDuringDiscovery?.();
    return emptyInventory(rotator.settings, now());
  });
  job.onInventory?.(inventory);

  let plan: Plan | null = null;
  let results: ExecutedResult[] | null = null;
  if (job.action === 'rotate' && !cancelled()) {
    plan = rotator.plan(inventory);
    job.onPlan?.(plan);
    if (!dryRun) {
      const total = plan.entries.filter((e) => e.action === 'rotate' || e.action === 'cleanup').length;
      let done = 0;
      const executeOptions: ExecuteCallOptions = {
        onResult: () => {
          done += 1;
          job.onProgress?.({ phase: 'rotating', done, total });
        },
      };
      if (job.mask) executeOptions.mask = job.mask;
      if (job.signal) executeOptions.signal = job.signal;
      results = await rotator.execute(plan, executeOptions);
    }
  }
  const report = buildReport({
    action: job.action,
    dryRun,
    version: job.version,
    inventory,
    plan,
    results,
    policy: rotator.settings.policy,
    startedAt,
    finishedAt: now(),
    cancelled: cancelled(),
  });
  return { report, inventory, plan, results };
}

function emptyInventory(settings: RotatorSettings, nowMs: number): Inventory {
  return {
    organizationUrl: settings.organizationUrl,
    evaluatedAt: new Date(nowMs).toISOString(),
    thresholds: settings.thresholds,
    projects: [],
    connections: [],
    applications: {},
  };
}

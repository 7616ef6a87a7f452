/**
 * The `migrate` / `revertMigration` job both edges run (the task, the CLI), like `runJob` for
 * rotation: discover; plan (`migrate` reads first, a revert plan sends nothing); unless a dry run,
 * execute; then the run report from what came back. Each edge only presents it.
 */
import type { MigrateCallOptions, Rotator } from '../connect';
import type { DiscoveryProgress } from '../inventory/discover';
import type { Inventory } from '../inventory/types';
import { buildMigrationReport } from '../report/migration-report';
import type { RunReport } from '../report/run-report';
import type { MigrationPlan, MigrationResult, MigrationStep } from './types';

/** Where the job is: a discovery phase, planning, or the connections with work done so far. */
export type MigrationJobProgress =
  | DiscoveryProgress
  | { phase: 'planning'; done: 0; total: 0 }
  | { phase: 'migrating'; done: number; total: number };

/** Options of {@link Rotator.runMigration}. */
export interface MigrationJobOptions {
  action: 'migrate' | 'revertMigration';
  /** Plan and report only. @default false */
  dryRun?: boolean;
  /** Written into the report as the tool's version. */
  version: string;
  /** The organization's GUID when the edge knows it (`System.CollectionId`). */
  organizationId?: string;
  issuerSwitch?: MigrateCallOptions['issuerSwitch'];
  /** Cancels: nothing new starts; work in flight stops at its next step boundary. */
  signal?: AbortSignal;
  onProgress?: (progress: MigrationJobProgress) => void;
  onInventory?: (inventory: Inventory) => void;
  onPlan?: (plan: MigrationPlan) => void;
}

/** One connection's result with the steps it went through, in order. */
export interface MigrationJobResult extends MigrationResult {
  steps: { step: MigrationStep; message: string }[];
}

/** What the job found and did, and its report. */
export interface MigrationJobOutcome {
  report: RunReport;
  inventory: Inventory;
  plan: MigrationPlan;
  /** Null in a dry run. */
  results: MigrationJobResult[] | null;
}

/** Runs the job with `rotator`; `now` is the rotator's clock. */
export async function runMigrationJob(
  rotator: Rotator,
  now: () => number,
  job: MigrationJobOptions,
): Promise<MigrationJobOutcome> {
  const startedAt = now();
  const dryRun = job.dryRun ?? false;
  const inventory = await rotator.discover({
    ...(job.signal ? { signal: job.signal } : {}),
    ...(job.onProgress ? { onProgress: job.onProgress } : {}),
  });
  job.onInventory?.(inventory);
  job.onProgress?.({ phase: 'planning', done: 0, total: 0 });
  const plan = await rotator.planMigration(inventory, {
    revert: job.action === 'revertMigration',
    ...(job.organizationId ? { organizationId: job.organizationId } : {}),
  });
  job.onPlan?.(plan);
  let results: MigrationJobResult[] | null = null;
  if (!dryRun) {
    const total = plan.entries.filter((e) => e.action !== 'skip' && e.action !== 'nothing').length;
    const steps = new Map<string, MigrationJobResult['steps']>();
    let done = 0;
    const finished = await rotator.migrate(plan, {
      ...(job.signal ? { signal: job.signal } : {}),
      ...(job.issuerSwitch ? { issuerSwitch: job.issuerSwitch } : {}),
      onStep: (e) =>
        steps.set(e.connectionId, [
          ...(steps.get(e.connectionId) ?? []),
          { step: e.step, message: e.message },
        ]),
      onResult: () => {
        done += 1;
        job.onProgress?.({ phase: 'migrating', done, total });
      },
    });
    results = finished.map((r) => ({ ...r, steps: steps.get(r.connectionId) ?? [] }));
  }
  const report = buildMigrationReport({
    action: job.action,
    dryRun,
    version: job.version,
    inventory,
    plan,
    results,
    policy: rotator.settings.policy,
    startedAt,
    finishedAt: now(),
  });
  return { report, inventory, plan, results };
}

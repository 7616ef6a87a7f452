/**
 * Runs the attribution checks discovery needs (issue #14 §4): one TestConnection of the stored
 * details per connection {@link needsAttributionCheck} selects, at most `maxParallel` in flight
 * (the Azure DevOps limiter bounds them again with every other request), and folds each answer
 * into the report with {@link applyAttributionCheck}. A failed check never fails discovery: the
 * connection keeps today's inference and says it is unverified.
 */
import pLimit from 'p-limit';
import { HttpError, hasCode } from '../errors';
import type { ApplicationInfo } from '../graph/types';
import type { Logger } from '../logger';
import type { ConnectionSource } from './ports';
import { applicationKey, type ConnectionReport } from './types';
import { type AttributionTest, applyAttributionCheck, needsAttributionCheck } from './verify-attribution';

/** What {@link checkAttributions} needs. */
export interface CheckAttributionsOptions {
  /** False: nothing is checked (see `DiscoverOptions.verifyAttribution`). */
  enabled: boolean;
  source: ConnectionSource;
  /** Keyed as {@link Inventory.applications}. */
  applications: Readonly<Record<string, ApplicationInfo>>;
  rotatorTenantId: string;
  nowMs: number;
  logger: Logger;
  /** @default 8 */
  maxParallel?: number;
  signal?: AbortSignal;
}

/** The reports, in the same order, with the checked ones replaced. */
export async function checkAttributions(
  reports: readonly ConnectionReport[],
  options: CheckAttributionsOptions,
): Promise<ConnectionReport[]> {
  const test = options.source.testStoredConnection?.bind(options.source);
  if (!test || !options.enabled) return [...reports];
  const appOf = (r: ConnectionReport) =>
    r.appId === null ? undefined : options.applications[applicationKey(options.rotatorTenantId, r.appId)];
  const due = reports.filter((r) => needsAttributionCheck(r, appOf(r), options.nowMs));
  if (due.length === 0) return [...reports];
  options.logger.info(
    `Verifying the attribution of ${due.length} connection(s) whose application also holds an expired secret (TestConnection).`,
  );
  const limit = pLimit(Math.max(1, options.maxParallel ?? 8));
  const checked = new Map<string, ConnectionReport>();
  try {
    await Promise.all(
      due.map((report) =>
        limit(async () => {
          options.signal?.throwIfAborted();
          const projectId = report.projects[0]!.projectId;
          const answer: AttributionTest = await test(projectId, report.id, options.signal).then(
            (result) => ({ kind: 'answered', result }),
            (error: unknown) => {
              options.signal?.throwIfAborted();
              return failed(error);
            },
          );
          checked.set(report.id, applyAttributionCheck(report, appOf(report)!, answer, options.nowMs));
        }),
      ),
    );
  } finally {
    limit.clearQueue();
  }
  return reports.map((r) => checked.get(r.id) ?? r);
}

function failed(error: unknown): AttributionTest {
  const message = error instanceof Error ? error.message : String(error);
  const forbidden =
    hasCode(error, 'devops.forbidden', 'devops.not_admin') ||
    (error instanceof HttpError && error.status === 403);
  return forbidden ? { kind: 'forbidden', message } : { kind: 'failed', message };
}

/**
 * Runs the attribution checks discovery needs (issue #14 §4): one TestConnection of the stored
 * details per connection {@link needsAttributionCheck} selects, at most `maxParallel` in flight
 * (the Azure DevOps limiter bounds them again with every other request), and folds each answer
 * into the report with {@link applyAttributionCheck}. A failed check never fails discovery: the
 * connection keeps today's inference and says it is unverified.
 *
 * A check can start early ({@link AttributionChecks.offer}): as soon as a connection's app has
 * been read, while Azure DevOps is still listing other projects (issue #13). The lists keep the
 * client busy parsing and the checks mostly wait on the network, so running them side by side
 * instead of one phase after the other is what keeps a large report near its latency bound.
 * {@link AttributionChecks.apply} then decides on the final reports: an early answer is used only
 * where the final report needs a check, and a report that needs one and has none is checked then.
 */
import pLimit from 'p-limit';
import { HttpError, hasCode } from '../errors';
import type { ApplicationInfo } from '../graph/types';
import type { Logger } from '../logger';
import type { ConnectionSource } from './ports';
import { applicationKey, type ConnectionReport } from './types';
import { type AttributionTest, applyAttributionCheck, needsAttributionCheck } from './verify-attribution';

/** What {@link AttributionChecks} needs. */
export interface AttributionChecksOptions {
  /** False: nothing is checked (see `DiscoverOptions.verifyAttribution`). */
  enabled: boolean;
  source: ConnectionSource;
  rotatorTenantId: string;
  nowMs: number;
  logger: Logger;
  /** @default 8 */
  maxParallel?: number;
  signal?: AbortSignal;
}

/** See the file comment. One instance per discovery. */
export class AttributionChecks {
  private readonly test: ConnectionSource['testStoredConnection'];
  private readonly limit: ReturnType<typeof pLimit>;
  /** By connection id: the answer of its check, started early or by {@link apply}. */
  private readonly answers = new Map<string, Promise<AttributionTest>>();
  /** Offers still waiting for what decides them (see {@link offerLater}). */
  private readonly pending: Promise<void>[] = [];

  constructor(private readonly options: AttributionChecksOptions) {
    this.test = options.enabled ? options.source.testStoredConnection?.bind(options.source) : undefined;
    this.limit = pLimit(Math.max(1, options.maxParallel ?? 8));
  }

  /** Whether checks run at all (enabled, and the source can test). */
  get active(): boolean {
    return this.test !== undefined;
  }

  /**
   * Starts the check of `report` now when it needs one and none was started for its connection.
   * `app` is the connection's application as read (its passwords decide).
   */
  offer(report: ConnectionReport, app: ApplicationInfo | undefined): void {
    const test = this.test;
    if (!test || this.answers.has(report.id) || !needsAttributionCheck(report, app, this.options.nowMs))
      return;
    const projectId = report.projects[0]!.projectId;
    const { signal } = this.options;
    const answer = this.limit(async (): Promise<AttributionTest> => {
      signal?.throwIfAborted();
      return test(projectId, report.id, signal).then(
        (result) => ({ kind: 'answered', result }),
        (error: unknown) => {
          signal?.throwIfAborted();
          return failed(error);
        },
      );
    });
    // Only a cancellation rejects; `apply` rethrows it, and a discovery that failed before
    // `apply` must not leave it unhandled.
    answer.catch(() => {});
    this.answers.set(report.id, answer);
  }

  /**
   * {@link offer}s what `pending` resolves to, once it does (nothing for null or a rejection: a
   * lookup that failed is the final reports' problem). {@link apply} waits for every one.
   */
  offerLater(pending: Promise<{ report: ConnectionReport; app: ApplicationInfo | undefined } | null>): void {
    this.pending.push(
      pending.then(
        (offered) => {
          if (offered) this.offer(offered.report, offered.app);
        },
        () => {},
      ),
    );
  }

  /**
   * The reports, in the same order, with every one that needs a check replaced by its checked
   * version. `applications` is keyed as {@link Inventory.applications}.
   */
  async apply(
    reports: readonly ConnectionReport[],
    applications: Readonly<Record<string, ApplicationInfo>>,
  ): Promise<ConnectionReport[]> {
    if (!this.test) return [...reports];
    await Promise.all(this.pending);
    const appOf = (r: ConnectionReport) =>
      r.appId === null ? undefined : applications[applicationKey(this.options.rotatorTenantId, r.appId)];
    const due = reports.filter((r) => needsAttributionCheck(r, appOf(r), this.options.nowMs));
    const early = due.filter((r) => this.answers.has(r.id)).length;
    for (const report of due) this.offer(report, appOf(report));
    // Every check started is awaited, also an early one the final report turned out not to need:
    // discovery leaves no request in flight behind it.
    const answers = new Map(
      await Promise.all([...this.answers].map(async ([id, answer]) => [id, await answer] as const)),
    );
    if (due.length === 0) return [...reports];
    const checked = new Map<string, ConnectionReport>();
    for (const report of due) {
      checked.set(
        report.id,
        applyAttributionCheck(report, appOf(report)!, answers.get(report.id)!, this.options.nowMs),
      );
    }
    const outcomes = [...checked.values()];
    const rejected = outcomes.filter((r) => r.attributionCheck?.outcome === 'rejected').length;
    const unverified = outcomes.filter((r) => r.attributionCheck?.outcome === 'unverified').length;
    this.options.logger.info(
      `Verified the attribution of ${due.length} connection(s) whose application also holds an expired secret ` +
        `(TestConnection, ${early} started while listing): ${rejected} use an expired or invalid secret, ` +
        `${unverified} could not be verified.`,
    );
    return reports.map((r) => checked.get(r.id) ?? r);
  }

  /** Drops the checks not started yet (discovery failed or was cancelled). */
  dispose(): void {
    this.limit.clearQueue();
  }
}

function failed(error: unknown): AttributionTest {
  const message = error instanceof Error ? error.message : String(error);
  const forbidden =
    hasCode(error, 'devops.forbidden', 'devops.not_admin') ||
    (error instanceof HttpError && error.status === 403);
  return forbidden ? { kind: 'forbidden', message } : { kind: 'failed', message };
}

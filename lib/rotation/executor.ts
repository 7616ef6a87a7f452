/**
 * Runs a {@link Plan} against the ports: rotations and cleanups, one connection's failure never
 * stopping the others (spec §5.4). Skipped and `nothing` entries cause no request at all, so a run
 * with nothing due and nothing to retire writes (and reads) nothing.
 *
 * Connections in progress are not requests in flight (spec §6, issue #13). Most of a rotation is
 * waiting for a new secret to propagate, which holds no request slot; the adapters bound requests
 * per service (`maxParallel`, lib/http/limiter.ts) and pace Graph writes (write-pacer.ts). So many
 * connections are in progress at once, bounded by {@link DEFAULT_MAX_IN_PROGRESS}, and the run
 * takes about one propagation delay plus the time its requests need, not one delay per
 * `maxParallel` connections.
 *
 * Cancellation (`signal`): no connection starts after it; those in progress stop at their next
 * safe step boundary (rotate-connection.ts says which), and after `cancelGraceMs` the run resolves
 * with what is known, the rest reported as stopped.
 *
 * A dry run is the plan itself: do not call this.
 */
import pLimit from 'p-limit';
import type { CertificateRequest, GeneratedCertificate } from '../certificates/generate-certificate';
import type { Clock } from '../clock';
import { type Logger, silentLogger } from '../logger';
import { waitOrGiveUp } from './cancel-grace';
import { cleanUpConnection } from './cleanup';
import type { Plan, PlanEntry } from './planner';
import type { CertificateStore, ConnectionStore, CredentialProver, CredentialStore } from './ports';
import { abortedIssue, emptyResult, type RotationResult, type RotationStep, type StepEvent } from './results';
import { rotateConnection } from './rotate-connection';
import { type RunContext, StepLog } from './run-context';

/** What {@link executePlan} needs. */
export interface ExecuteOptions {
  connections: ConnectionStore;
  credentials: CredentialStore;
  prover: CredentialProver;
  /**
   * Application certificates (the Graph adapter implements it). Without it, certificate
   * connections planned for rotation fail with nothing changed.
   */
  certificates?: CertificateStore;
  /** Generates the certificates of certificate connections. @default generateCertificate */
  generateCertificate?: (request: CertificateRequest) => Promise<GeneratedCertificate>;
  /** keyIds for new certificates (tests). @default crypto.randomUUID */
  newKeyId?: () => string;
  clock: Clock;
  /**
   * Registers a new secret as a secret (the task: `setSecret`). Called with each secret the moment
   * Graph returns it, before anything else sees it. If it throws, the password is removed again.
   */
  mask: (secret: string) => void;
  /** @default silentLogger */
  logger?: Logger;
  /**
   * Connections in progress at once (not requests: the adapters' limiters bound those).
   * @default DEFAULT_MAX_IN_PROGRESS
   */
  maxInProgress?: number;
  /**
   * Unused since issue #13 (requests are bounded by the adapters' per-service limiters, and a
   * connection waiting for its secret to propagate holds none); kept so callers still compile.
   * @deprecated use `maxInProgress`, or `maxParallel` of `connect`.
   */
  maxParallel?: number;
  /**
   * After `signal` aborts, how long to wait for connections in progress to reach a safe step
   * boundary before resolving anyway (their results then say they stopped).
   * @default 5000
   */
  cancelGraceMs?: number;
  /**
   * After a switching PUT with an ambiguous outcome whose record is not visible at once, how long
   * to wait before reading the connection a second time and only then removing the new password.
   * @default 5000
   */
  ambiguousRecheckMs?: number;
  /**
   * Cancels the run: nothing new starts; a connection between minting and switching removes its
   * new password, one past the switch stops at the next step boundary (the next run converges).
   */
  signal?: AbortSignal;
  /** Called after each step of each connection, in order. */
  onStep?: (event: StepEvent) => void;
  /**
   * Called as each entry with work (`rotate`, `cleanup`) finishes, in completion order (for
   * progress). Skipped and `nothing` entries need no work and are not reported here.
   */
  onResult?: (result: RotationResult) => void;
  /**
   * Test hook simulating a crash: called after each successful step; when it returns true that
   * connection stops there, as if the process had died.
   */
  stopAfter?: (step: RotationStep, connectionId: string) => boolean;
}

/**
 * Connections in progress at once by default. Each can need two Graph writes (its mint, and the
 * removal of that password when it fails or the run is cancelled); 1,000 in progress keep those
 * within two thirds of Graph's write bucket of 3,000 (write-pacer.ts), so a cancelled run's
 * removals do not wait for the bucket to refill. Memory is a few kilobytes per connection.
 * @default 1000
 */
export const DEFAULT_MAX_IN_PROGRESS = 1000;

/** Executes `plan`; one result per entry, in the plan's order. Never rejects for one connection's failure. */
export async function executePlan(plan: Plan, options: ExecuteOptions): Promise<RotationResult[]> {
  const ctx: RunContext = {
    connections: options.connections,
    credentials: options.credentials,
    prover: options.prover,
    certificates: options.certificates,
    generateCertificate: options.generateCertificate,
    newKeyId: options.newKeyId,
    clock: options.clock,
    logger: options.logger ?? silentLogger,
    mask: options.mask,
    policy: plan.policy,
    ambiguousRecheckMs: options.ambiguousRecheckMs ?? 5000,
    signal: options.signal,
    onStep: options.onStep,
    stopAfter: options.stopAfter,
  };
  const limit = pLimit(Math.max(1, options.maxInProgress ?? DEFAULT_MAX_IN_PROGRESS));
  const settled: (RotationResult | undefined)[] = plan.entries.map(() => undefined);
  const started = new Set<number>();
  const all = Promise.all(
    plan.entries.map((entry, index): RotationResult | Promise<RotationResult> => {
      switch (entry.action) {
        case 'skip':
          return { ...emptyResult(entry, 'skipped'), skip: entry.skip };
        case 'nothing':
          return emptyResult(entry, 'nothing');
        default:
          return limit(async () => {
            started.add(index);
            const result = await runEntry(entry, ctx);
            settled[index] = result;
            options.onResult?.(result);
            return result;
          });
      }
    }),
  );
  const finished = await waitOrGiveUp(all, {
    clock: ctx.clock,
    signal: options.signal,
    graceMs: options.cancelGraceMs ?? 5000,
  });
  if (finished) return finished;
  limit.clearQueue();
  ctx.logger.warn('Cancelled: connections still in progress after the grace period are reported as stopped.');
  return plan.entries.map((entry, index) => {
    if (entry.action === 'skip') return { ...emptyResult(entry, 'skipped'), skip: entry.skip };
    if (entry.action === 'nothing') return emptyResult(entry, 'nothing');
    const result = settled[index];
    if (result) return result;
    return started.has(index)
      ? stoppedInFlight(entry)
      : { ...emptyResult(entry, 'skipped'), error: abortedIssue({ step: null }) };
  });
}

/** A connection still working when the grace period ended: what it left is for the next run. */
function stoppedInFlight(entry: PlanEntry): RotationResult {
  return {
    ...emptyResult(entry, 'failed'),
    error: {
      code: 'rotation.aborted',
      message:
        'The run was cancelled while this connection was in progress and it did not reach a safe step in time; a password minted for it may be unused.',
      fix: 'Run the task again: it finishes the work or removes what this run left (passwords no record names).',
    },
  };
}

async function runEntry(entry: PlanEntry, ctx: RunContext): Promise<RotationResult> {
  if (ctx.signal?.aborted) {
    return { ...emptyResult(entry, 'skipped'), error: abortedIssue({ step: null }) };
  }
  const steps = new StepLog(entry, ctx);
  return entry.action === 'rotate'
    ? rotateConnection(entry, ctx, steps)
    : cleanUpConnection(entry, ctx, steps);
}

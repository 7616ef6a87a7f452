/**
 * Runs a {@link Plan} against the ports: rotations and cleanups with bounded concurrency, one
 * connection's failure never stopping the others (spec §5.4). Skipped and `nothing` entries cause
 * no request at all, so a run with nothing due and nothing to retire writes (and reads) nothing.
 *
 * A dry run is the plan itself: do not call this.
 */
import pLimit from 'p-limit';
import type { Clock } from '../clock';
import { type Logger, silentLogger } from '../logger';
import { cleanUpConnection } from './cleanup';
import type { Plan, PlanEntry } from './planner';
import type { ConnectionStore, CredentialProver, CredentialStore } from './ports';
import { abortedIssue, emptyResult, type RotationResult, type RotationStep, type StepEvent } from './results';
import { rotateConnection } from './rotate-connection';
import { type RunContext, StepLog } from './run-context';

/** What {@link executePlan} needs. */
export interface ExecuteOptions {
  connections: ConnectionStore;
  credentials: CredentialStore;
  prover: CredentialProver;
  clock: Clock;
  /**
   * Registers a new secret as a secret (the task: `setSecret`). Called with each secret the moment
   * Graph returns it, before anything else sees it. If it throws, the password is removed again.
   */
  mask: (secret: string) => void;
  /** @default silentLogger */
  logger?: Logger;
  /** Connections worked on at once. @default 8 */
  maxParallel?: number;
  /**
   * After a switching PUT with an ambiguous outcome whose record is not visible at once, how long
   * to wait before reading the connection a second time and only then removing the new password.
   * @default 5000
   */
  ambiguousRecheckMs?: number;
  /** Cancels the run at the next step boundary (nothing is undone; the next run converges). */
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

/** Executes `plan`; one result per entry, in the plan's order. Never rejects for one connection's failure. */
export async function executePlan(plan: Plan, options: ExecuteOptions): Promise<RotationResult[]> {
  const ctx: RunContext = {
    connections: options.connections,
    credentials: options.credentials,
    prover: options.prover,
    clock: options.clock,
    logger: options.logger ?? silentLogger,
    mask: options.mask,
    policy: plan.policy,
    ambiguousRecheckMs: options.ambiguousRecheckMs ?? 5000,
    signal: options.signal,
    onStep: options.onStep,
    stopAfter: options.stopAfter,
  };
  const limit = pLimit(Math.max(1, options.maxParallel ?? 8));
  return Promise.all(
    plan.entries.map((entry): RotationResult | Promise<RotationResult> => {
      switch (entry.action) {
        case 'skip':
          return { ...emptyResult(entry, 'skipped'), skip: entry.skip };
        case 'nothing':
          return emptyResult(entry, 'nothing');
        default:
          return limit(async () => {
            const result = await runEntry(entry, ctx);
            options.onResult?.(result);
            return result;
          });
      }
    }),
  );
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

/**
 * When to ask Entra again whether a new secret works (spec §5.1 step 2, §6; issue #13).
 *
 * A new secret is refused (AADSTS7000215) until it has propagated, 4–18 s in practice
 * (azure-apis.md §2.2), and then accepted for good. An exponential backoff overshoots that moment
 * by up to its last step (15 s before issue #13), which made each connection wait far longer than
 * the propagation itself. Instead the prover polls at a short, fixed interval, so it overshoots by
 * at most one interval (about a second) plus one round trip.
 *
 * Polling every second costs requests, which are bounded per service (`maxParallel`), so a run that
 * rotates thousands of connections would spend its Entra slots on answers it could have predicted.
 * Within one run the secrets of one tenant propagate in similar times, so the schedule learns: a
 * proof skips the polls before the shortest time-to-accept seen so far in that tenant, less one
 * interval. A secret that is faster than every one before it is then accepted up to one interval
 * plus the gap late; the learning never delays a proof past the budget.
 */

/** Options of {@link PropagationSchedule}. */
export interface PropagationScheduleOptions {
  /**
   * Interval between proofs while a secret propagates.
   * @default 1000
   */
  pollMs?: number;
  /** `[0, 1)`; spreads polls of connections minted together. @default Math.random */
  random?: () => number;
}

/** The shortest time-to-accept seen per tenant, and the delay before each next proof. */
export class PropagationSchedule {
  readonly pollMs: number;
  private readonly random: () => number;
  private readonly fastestMs = new Map<string, number>();

  constructor(options: PropagationScheduleOptions = {}) {
    this.pollMs = options.pollMs ?? 1000;
    this.random = options.random ?? Math.random;
    if (!(this.pollMs > 0)) throw new RangeError('pollMs must be > 0');
  }

  /**
   * How long to wait before the next proof of a secret of `tenantId` refused `elapsedMs` after
   * its first proof: at least 80–100 % of one interval (jittered), and until one interval before the
   * fastest acceptance seen in that tenant.
   */
  nextDelayMs(tenantId: string, elapsedMs: number): number {
    const poll = Math.round(this.pollMs * (0.8 + 0.2 * this.random()));
    const fastest = this.fastestMs.get(tenantId.toLowerCase());
    const learned = fastest === undefined ? 0 : fastest - this.pollMs - elapsedMs;
    return Math.max(poll, learned);
  }

  /** A secret of `tenantId` was accepted `elapsedMs` after its first proof. */
  accepted(tenantId: string, elapsedMs: number): void {
    const key = tenantId.toLowerCase();
    const fastest = this.fastestMs.get(key);
    if (fastest === undefined || elapsedMs < fastest) this.fastestMs.set(key, elapsedMs);
  }
}

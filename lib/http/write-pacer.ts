/**
 * Paces Graph writes to the service's write budget instead of bouncing off 429s (spec §6).
 *
 * Graph meters identity writes (applications, service principals) with a token bucket of 3,000
 * writes per 2 min 30 s per app and tenant (GRAPHDOCS `concepts/throttling-limits.md`, "Identity
 * and access service limits"; azure-apis.md §2.8). The rotator is one app, so one bucket per
 * tenant: {@link WritePacer.acquire} takes a token, waiting on the injected clock until one has
 * refilled. Waiters are served first come, first served.
 */
import type { Clock } from '../clock';

/** Options of {@link WritePacer}. */
export interface WritePacerOptions {
  /**
   * Writes the bucket holds (and allows in a burst).
   * @default 3000
   */
  capacity?: number;
  /**
   * Time in which an empty bucket refills completely.
   * @default 150000
   */
  windowMs?: number;
  clock: Clock;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  /** Tail of the FIFO of acquisitions. */
  tail: Promise<void>;
}

/** A token bucket per tenant for Graph writes. */
export class WritePacer {
  readonly capacity: number;
  readonly windowMs: number;
  private readonly clock: Clock;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: WritePacerOptions) {
    this.capacity = options.capacity ?? 3000;
    this.windowMs = options.windowMs ?? 150_000;
    this.clock = options.clock;
    if (!(this.capacity >= 1) || !(this.windowMs > 0)) {
      throw new RangeError('WritePacer needs capacity >= 1 and windowMs > 0');
    }
  }

  /** Resolves when one write to `tenantId` may be sent; rejects if `signal` aborts first. */
  acquire(tenantId: string, signal?: AbortSignal): Promise<void> {
    const bucket = this.bucket(tenantId.toLowerCase());
    const turn = bucket.tail.then(() => this.take(bucket, signal));
    // A cancelled waiter must not block the ones behind it.
    bucket.tail = turn.catch(() => {});
    return turn;
  }

  /** Whole tokens available to `tenantId` now (for diagnostics and tests). */
  available(tenantId: string): number {
    const bucket = this.bucket(tenantId.toLowerCase());
    this.refill(bucket);
    return Math.floor(bucket.tokens);
  }

  private async take(bucket: Bucket, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.refill(bucket);
    if (bucket.tokens < 1) {
      const perMs = this.capacity / this.windowMs;
      await this.clock.sleep(Math.ceil((1 - bucket.tokens) / perMs), signal);
      this.refill(bucket);
      // Rounding may leave a hair below one token; the wait above was for a whole one.
      bucket.tokens = Math.max(bucket.tokens, 1);
    }
    bucket.tokens -= 1;
  }

  private refill(bucket: Bucket): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (elapsed * this.capacity) / this.windowMs);
    bucket.updatedAt = now;
  }

  private bucket(key: string): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.capacity, updatedAt: this.clock.now(), tail: Promise.resolve() };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}

import type { EmulatorClock } from '../clock';

/** Graph quotas the emulator enforces; tests shrink them. */
export interface ThrottlingOptions {
  /** Writes per caller app and tenant per window. @default 3000 */
  readonly writesPerWindow?: number;
  /** @default 150000 (2 min 30 s) */
  readonly writeWindowMs?: number;
  /** Application reads selecting `keyCredentials` per tenant per window. @default 150 */
  readonly keyCredentialReadsPerWindow?: number;
  /** @default 60000 */
  readonly keyCredentialWindowMs?: number;
}

/** A refused request: when to try again. */
export interface Throttled {
  readonly retryAfterMs: number;
}

/** A token bucket that refills continuously, on the emulator clock (so `clock.advance` refills it). */
class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
    private readonly clock: EmulatorClock,
  ) {
    this.tokens = capacity;
    this.updatedAt = clock.nowMs();
  }

  take(): Throttled | null {
    const now = this.clock.nowMs();
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.capacity) / this.windowMs);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return null;
    }
    return { retryAfterMs: Math.ceil(((1 - this.tokens) * this.windowMs) / this.capacity) };
  }
}

/**
 * Graph's identity-and-access quotas that matter to a rotator (GRAPHDOCS
 * `concepts/throttling-limits.md`, azure-apis.md §2.8, §2.1): 3,000 writes per 150 s per app and
 * tenant, and `$select=keyCredentials` on applications limited to 150 requests per minute per tenant.
 */
export class GraphThrottles {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly options: ThrottlingOptions | false,
    private readonly clock: EmulatorClock,
  ) {}

  /** Takes one write for (caller app, tenant); null when allowed. */
  write(appId: string, tenantId: string): Throttled | null {
    if (this.options === false) return null;
    const { writesPerWindow = 3000, writeWindowMs = 150_000 } = this.options;
    return this.bucket(`write|${appId}|${tenantId}`.toLowerCase(), writesPerWindow, writeWindowMs).take();
  }

  /** Takes one `keyCredentials` read for the tenant; null when allowed. */
  keyCredentialRead(tenantId: string): Throttled | null {
    if (this.options === false) return null;
    const { keyCredentialReadsPerWindow = 150, keyCredentialWindowMs = 60_000 } = this.options;
    return this.bucket(
      `keys|${tenantId}`.toLowerCase(),
      keyCredentialReadsPerWindow,
      keyCredentialWindowMs,
    ).take();
  }

  private bucket(key: string, capacity: number, windowMs: number): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(capacity, windowMs, this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}

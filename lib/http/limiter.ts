/**
 * Bounds the requests in flight to one service (spec §3 `maxParallel`, §6 "requests bounded by
 * maxParallel per service"). One limiter per service, shared by every adapter talking to it.
 * Adapters take a slot per *attempt*, not per retried operation, so a request waiting out a
 * `Retry-After` does not hold a slot.
 */
import pLimit from 'p-limit';
import type { ServiceName } from '../errors';

/** Runs functions with bounded concurrency. */
export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Functions running now. */
  readonly active: number;
  /** Functions waiting for a slot. */
  readonly pending: number;
}

/**
 * The default bound per service (the task's `maxParallel` default).
 * @default 8
 */
export const DEFAULT_MAX_PARALLEL = 8;

/** A limiter allowing `concurrency` functions at once (an integer ≥ 1). */
export function createLimiter(concurrency: number = DEFAULT_MAX_PARALLEL): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
  }
  const limit = pLimit(concurrency);
  return {
    run: (fn) => limit(fn),
    get active() {
      return limit.activeCount;
    },
    get pending() {
      return limit.pendingCount;
    },
  };
}

/** A limiter that never waits; for code paths that need a {@link Limiter} but no bound. */
export const unlimited: Limiter = {
  run: (fn) => fn(),
  active: 0,
  pending: 0,
};

/** One limiter per service. */
export type ServiceLimiters = Readonly<Record<ServiceName, Limiter>>;

/** A limiter per service, each allowing `maxParallel` requests at once. */
export function createServiceLimiters(maxParallel: number = DEFAULT_MAX_PARALLEL): ServiceLimiters {
  return {
    devops: createLimiter(maxParallel),
    graph: createLimiter(maxParallel),
    entra: createLimiter(maxParallel),
  };
}

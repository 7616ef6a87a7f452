/**
 * The one retry policy of the library, as a pure decision: state in, decision out (the shape of
 * Azure SDK `core-rest-pipeline` retry strategies). It never sleeps and never reads a clock; the
 * loop that performs requests ({@link ./retry-loop}) does, with an injected clock.
 *
 * Rules (STYLE "HTTP, retries, throttling"; spec §5.4):
 * - 429 and 503 honour `retry-after-ms`, `x-ms-retry-after-ms` and `Retry-After`, capped.
 * - Transient failures (408, 500, 502, 503, 504, network errors, unreadable responses) back off
 *   exponentially with jitter.
 * - A request that is not idempotent (Graph `addPassword`) is retried only after a *definite
 *   refusal*: the service said it did not perform it (429, Graph `Directory_ConcurrencyViolation`,
 *   whatever the status it comes with) or the request provably never reached it (DNS failure,
 *   connection refused). Never after an ambiguous failure (timeout, reset, 5xx): the write may
 *   have happened, and the caller must reconcile instead.
 * - Attempts and total time are bounded.
 */

import type { ProxyFailure } from './proxy-failure';
import { type HeaderBag, retryAfterMs } from './retry-after';

/**
 * How a request failed below HTTP.
 * - `dns`: the host name did not resolve; `refused`: the connection was refused;
 *   `connect_timeout`: no connection within the connect timeout. In these three the request
 *   never reached the service.
 * - `reset`: the connection dropped; `timeout`: no (complete) answer in time; `other`: anything
 *   else. In these the service may have received and performed the request.
 */
/** `proxy`: the proxy refused, could not be reached or would not tunnel (see `proxy-failure.ts`). */
export type NetworkErrorKind =
  | 'dns'
  | 'refused'
  | 'connect_timeout'
  | 'reset'
  | 'timeout'
  | 'proxy'
  | 'other';

/** Network failures in which the request provably never reached the service. */
const NOT_SENT: ReadonlySet<NetworkErrorKind> = new Set(['dns', 'refused', 'connect_timeout', 'proxy']);

/** Graph's "concurrent requests" refusal (spec §5.4). Seen with 400, 409 and 503: match the code. */
export const CONCURRENCY_VIOLATION = 'Directory_ConcurrencyViolation';

/** What one attempt ended with. */
export type AttemptOutcome =
  /** The service answered with a failure status. `serviceCode` is its error code, if any. */
  | { kind: 'status'; status: number; headers?: HeaderBag; serviceCode?: string }
  /** No answer arrived. `proxy` says which proxy failed for which host (kind `proxy`). */
  | { kind: 'network'; error: NetworkErrorKind; proxy?: ProxyFailure }
  /** An answer arrived but could not be read (HTML from a gateway, truncated JSON). */
  | { kind: 'malformed'; status: number };

/** Input of {@link decideRetry}. */
export interface RetryState {
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  /** Milliseconds since the first attempt started. */
  elapsedMs: number;
  /** Wall-clock time now (only used to read an HTTP-date `Retry-After`). */
  nowMs: number;
  outcome: AttemptOutcome;
  /** True when repeating the request cannot do harm (GET, PUT of a whole document, ...). */
  idempotent: boolean;
  /**
   * Overrides the policy's own reading of whether the service definitely refused the request
   * (see {@link isDefiniteRefusal}).
   */
  definiteRefusal?: boolean;
}

/** Why a failure is or is not retried. */
export type RetryReason =
  | 'throttled'
  | 'refused'
  | 'transient'
  | 'not_retryable'
  | 'ambiguous'
  | 'attempts_exhausted'
  | 'time_exhausted';

/** Output of {@link decideRetry}. */
export interface RetryDecision {
  retry: boolean;
  /** How long to wait before the next attempt (0 when not retrying). */
  delayMs: number;
  reason: RetryReason;
}

/** Tunables of the policy. */
export interface RetryOptions {
  /**
   * Attempts in all, the first included.
   * @default 6
   */
  maxAttempts: number;
  /**
   * The policy stops when the next attempt would start later than this after the first.
   * @default 300000 (5 minutes)
   */
  maxElapsedMs: number;
  /**
   * First backoff step; doubles per attempt.
   * @default 500
   */
  baseDelayMs: number;
  /**
   * Upper bound of one exponential backoff step.
   * @default 30000
   */
  maxDelayMs: number;
  /**
   * Upper bound of a wait the service asks for; longer requests are clamped to it.
   * @default 60000
   */
  maxRetryAfterMs: number;
  /**
   * Source of jitter in [0, 1). Injected so tests are exact.
   * @default Math.random
   */
  random: () => number;
}

/** The defaults documented on {@link RetryOptions}. */
export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 6,
  maxElapsedMs: 300_000,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  random: Math.random,
});

/** Statuses that mean "try again later" when the request may be repeated. */
const TRANSIENT_STATUS: ReadonlySet<number> = new Set([408, 500, 502, 503, 504]);

/**
 * True when the outcome says the service did not perform the request: 429, Graph's concurrency
 * violation code with any status, or a network failure before the request was sent.
 */
export function isDefiniteRefusal(outcome: AttemptOutcome): boolean {
  switch (outcome.kind) {
    case 'status':
      return outcome.status === 429 || outcome.serviceCode === CONCURRENCY_VIOLATION;
    case 'network':
      return NOT_SENT.has(outcome.error);
    case 'malformed':
      return false;
  }
}

/** Decides whether and when to repeat a failed attempt. Pure. */
export function decideRetry(state: RetryState, options: Readonly<RetryOptions>): RetryDecision {
  const refused = state.definiteRefusal ?? isDefiniteRefusal(state.outcome);
  const classification = classify(state.outcome, refused);
  if (classification === 'not_retryable') return stop('not_retryable');
  if (!state.idempotent && !refused) return stop('ambiguous');
  if (state.attempt >= options.maxAttempts) return stop('attempts_exhausted');

  const asked = serviceAskedDelay(state, options);
  const delayMs = asked ?? backoff(state.attempt, options);
  if (state.elapsedMs + delayMs > options.maxElapsedMs) return stop('time_exhausted');
  const reason: RetryReason =
    classification === 'throttled' ? 'throttled' : refused ? 'refused' : 'transient';
  return { retry: true, delayMs, reason };
}

/** Exponential backoff with "equal jitter": half the step fixed, half random. */
export function backoff(attempt: number, options: Readonly<RetryOptions>): number {
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + options.random() * (step / 2));
}

function classify(outcome: AttemptOutcome, refused: boolean): 'throttled' | 'transient' | 'not_retryable' {
  // A wrong proxy setting does not heal by waiting: fail fast, naming the proxy.
  if (outcome.kind === 'network' && outcome.error === 'proxy') return 'not_retryable';
  if (outcome.kind === 'network' || outcome.kind === 'malformed') return 'transient';
  if (outcome.status === 429) return 'throttled';
  if (outcome.serviceCode === CONCURRENCY_VIOLATION) return 'throttled';
  if (TRANSIENT_STATUS.has(outcome.status)) return 'transient';
  return refused ? 'transient' : 'not_retryable';
}

/** The wait the service asked for, clamped; only on 429, 503 and refusals. */
function serviceAskedDelay(state: RetryState, options: Readonly<RetryOptions>): number | undefined {
  const outcome = state.outcome;
  if (outcome.kind !== 'status') return undefined;
  const honours =
    outcome.status === 429 || outcome.status === 503 || outcome.serviceCode === CONCURRENCY_VIOLATION;
  if (!honours) return undefined;
  const asked = retryAfterMs(outcome.headers, state.nowMs);
  return asked === undefined ? undefined : Math.min(asked, options.maxRetryAfterMs);
}

function stop(reason: RetryReason): RetryDecision {
  return { retry: false, delayMs: 0, reason };
}

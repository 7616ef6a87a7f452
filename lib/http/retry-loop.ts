/**
 * Performs attempts, asks {@link decideRetry} after each failure and sleeps on the injected clock.
 * Every adapter goes through this loop, so retries behave the same for `fetch`, for
 * azure-devops-node-api and for msal-node.
 */
import type { Clock } from '../clock';
import { RotatorError } from '../errors';
import type { Logger } from '../logger';
import { type AttemptOutcome, decideRetry, type RetryOptions } from './retry-policy';

/** What one attempt produced: a value, or a failure the policy can judge. */
export type AttemptResult<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      outcome: AttemptOutcome;
      /** Thrown when the policy stops. Built from safe parts (an `HttpError`). */
      error: Error;
      /** Overrides the policy's own reading of "definitely refused". */
      definiteRefusal?: boolean;
    };

/** Options of {@link retryLoop}. */
export interface RetryLoopOptions {
  retry: Readonly<RetryOptions>;
  clock: Clock;
  /** True when repeating the request cannot do harm. */
  idempotent: boolean;
  /** A stable operation name for log lines, e.g. `graph.batch`. */
  operation: string;
  logger: Logger;
  signal?: AbortSignal | undefined;
}

/**
 * Runs `attempt` until it succeeds or the policy stops; resolves with the value or rejects with
 * the last failure's error. An exception thrown by `attempt` itself is not judged: it propagates.
 */
export async function retryLoop<T>(
  attempt: (attemptNumber: number) => Promise<AttemptResult<T>>,
  options: RetryLoopOptions,
): Promise<T> {
  const started = options.clock.now();
  for (let n = 1; ; n += 1) {
    throwIfAborted(options.signal, options.operation);
    const result = await attempt(n);
    if (result.ok) return result.value;
    const now = options.clock.now();
    const decision = decideRetry(
      {
        attempt: n,
        elapsedMs: now - started,
        nowMs: now,
        outcome: result.outcome,
        idempotent: options.idempotent,
        ...(result.definiteRefusal === undefined ? {} : { definiteRefusal: result.definiteRefusal }),
      },
      options.retry,
    );
    if (!decision.retry) {
      if (n > 1 || decision.reason !== 'not_retryable') {
        options.logger.debug(
          `${options.operation}: ${describe(result.outcome)}, giving up after ${n} attempt(s) (${decision.reason})`,
        );
      }
      throw result.error;
    }
    options.logger.debug(
      `${options.operation}: ${describe(result.outcome)}, retrying in ${decision.delayMs} ms (attempt ${n + 1}/${options.retry.maxAttempts}, ${decision.reason})`,
    );
    try {
      await options.clock.sleep(decision.delayMs, options.signal);
    } catch (reason) {
      throw aborted(options.operation, reason);
    }
  }
}

function throwIfAborted(signal: AbortSignal | undefined, operation: string): void {
  if (signal?.aborted) throw aborted(operation, signal.reason);
}

function aborted(operation: string, reason: unknown): RotatorError {
  return new RotatorError('rotation.aborted', `${operation} was cancelled`, { cause: reason });
}

/** A short, safe description of an outcome for log lines. */
export function describe(outcome: AttemptOutcome): string {
  switch (outcome.kind) {
    case 'status':
      return `HTTP ${outcome.status}${outcome.serviceCode ? ` ${outcome.serviceCode}` : ''}`;
    case 'network':
      return `network error (${outcome.error})`;
    case 'malformed':
      return `unreadable response (HTTP ${outcome.status})`;
  }
}

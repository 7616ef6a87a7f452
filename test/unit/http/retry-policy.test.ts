import assert from 'node:assert/strict';
import fc from 'fast-check';
import { retryAfterMs } from '../../../lib/http/retry-after';
import {
  type AttemptOutcome,
  backoff,
  decideRetry,
  isDefiniteRefusal,
  type RetryDecision,
  type RetryOptions,
} from '../../../lib/http/retry-policy';

const NOW = Date.UTC(2026, 10, 23, 3, 0, 0);

/** Jitter fixed at the middle: backoff(n) = step/2 + step/4 with step = 100 * 2^(n-1). */
const OPTIONS: RetryOptions = {
  maxAttempts: 4,
  maxElapsedMs: 60_000,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  maxRetryAfterMs: 5000,
  random: () => 0.5,
};

function status(code: number, headers: Record<string, string> = {}, serviceCode?: string): AttemptOutcome {
  return { kind: 'status', status: code, headers, ...(serviceCode ? { serviceCode } : {}) };
}

interface Row {
  name: string;
  outcome: AttemptOutcome;
  idempotent?: boolean;
  attempt?: number;
  elapsedMs?: number;
  definiteRefusal?: boolean;
  expected: RetryDecision;
}

const retry = (delayMs: number, reason: RetryDecision['reason']): RetryDecision => ({
  retry: true,
  delayMs,
  reason,
});
const stop = (reason: RetryDecision['reason']): RetryDecision => ({ retry: false, delayMs: 0, reason });

const TABLE: Row[] = [
  // Header forms on 429.
  {
    name: '429 retry-after-ms',
    outcome: status(429, { 'retry-after-ms': '1500' }),
    expected: retry(1500, 'throttled'),
  },
  {
    name: '429 x-ms-retry-after-ms',
    outcome: status(429, { 'x-ms-retry-after-ms': '2500' }),
    expected: retry(2500, 'throttled'),
  },
  {
    name: '429 Retry-After seconds',
    outcome: status(429, { 'Retry-After': '3' }),
    expected: retry(3000, 'throttled'),
  },
  {
    name: '429 Retry-After fractional seconds',
    outcome: status(429, { 'retry-after': '2.5' }),
    expected: retry(2500, 'throttled'),
  },
  {
    name: '429 Retry-After HTTP date 4 s ahead',
    outcome: status(429, { 'Retry-After': new Date(NOW + 4000).toUTCString() }),
    expected: retry(4000, 'throttled'),
  },
  {
    name: '429 Retry-After HTTP date in the past',
    outcome: status(429, { 'Retry-After': new Date(NOW - 10_000).toUTCString() }),
    expected: retry(0, 'throttled'),
  },
  {
    name: '429 Retry-After over the cap',
    outcome: status(429, { 'Retry-After': '120' }),
    expected: retry(5000, 'throttled'),
  },
  {
    name: '429 retry-after-ms wins over Retry-After',
    outcome: status(429, { 'Retry-After': '9', 'retry-after-ms': '700' }),
    expected: retry(700, 'throttled'),
  },
  { name: '429 without header backs off', outcome: status(429), expected: retry(75, 'throttled') },
  {
    name: '429 garbage header backs off',
    outcome: status(429, { 'Retry-After': 'soon' }),
    expected: retry(75, 'throttled'),
  },
  {
    name: '429 negative header backs off',
    outcome: status(429, { 'Retry-After': '-5' }),
    expected: retry(75, 'throttled'),
  },
  // 503 honours the header, other 5xx do not.
  {
    name: '503 Retry-After',
    outcome: status(503, { 'Retry-After': '2' }),
    expected: retry(2000, 'transient'),
  },
  {
    name: '500 ignores Retry-After',
    outcome: status(500, { 'Retry-After': '2' }),
    expected: retry(75, 'transient'),
  },
  { name: '502 second attempt', outcome: status(502), attempt: 2, expected: retry(150, 'transient') },
  { name: '504 third attempt', outcome: status(504), attempt: 3, expected: retry(300, 'transient') },
  { name: '408 is transient', outcome: status(408), expected: retry(75, 'transient') },
  // Not retryable.
  { name: '400', outcome: status(400), expected: stop('not_retryable') },
  { name: '401', outcome: status(401), expected: stop('not_retryable') },
  { name: '403', outcome: status(403), expected: stop('not_retryable') },
  { name: '404', outcome: status(404), expected: stop('not_retryable') },
  { name: '501', outcome: status(501), expected: stop('not_retryable') },
  // Non-idempotent: only definite refusals.
  { name: 'POST 500 is ambiguous', outcome: status(500), idempotent: false, expected: stop('ambiguous') },
  {
    name: 'POST 503 with Retry-After is ambiguous',
    outcome: status(503, { 'Retry-After': '1' }),
    idempotent: false,
    expected: stop('ambiguous'),
  },
  {
    name: 'POST 429 is a refusal',
    outcome: status(429, { 'Retry-After': '1' }),
    idempotent: false,
    expected: retry(1000, 'throttled'),
  },
  {
    name: 'POST 409 concurrency violation',
    outcome: status(409, { 'Retry-After': '1' }, 'Directory_ConcurrencyViolation'),
    idempotent: false,
    expected: retry(1000, 'throttled'),
  },
  {
    name: 'POST 400 concurrency violation (as the spec describes it)',
    outcome: status(400, {}, 'Directory_ConcurrencyViolation'),
    idempotent: false,
    expected: retry(75, 'throttled'),
  },
  {
    name: 'POST 503 concurrency violation',
    outcome: status(503, { 'Retry-After': '2' }, 'Directory_ConcurrencyViolation'),
    idempotent: false,
    expected: retry(2000, 'throttled'),
  },
  {
    name: 'POST 503 other code is ambiguous',
    outcome: status(503, {}, 'ServiceUnavailable'),
    idempotent: false,
    expected: stop('ambiguous'),
  },
  {
    name: 'POST 500 declared a refusal by the caller',
    outcome: status(500),
    idempotent: false,
    definiteRefusal: true,
    expected: retry(75, 'refused'),
  },
  // Network.
  { name: 'GET reset', outcome: { kind: 'network', error: 'reset' }, expected: retry(75, 'transient') },
  { name: 'GET timeout', outcome: { kind: 'network', error: 'timeout' }, expected: retry(75, 'transient') },
  { name: 'GET dns', outcome: { kind: 'network', error: 'dns' }, expected: retry(75, 'refused') },
  {
    name: 'POST reset is ambiguous',
    outcome: { kind: 'network', error: 'reset' },
    idempotent: false,
    expected: stop('ambiguous'),
  },
  {
    name: 'POST timeout is ambiguous',
    outcome: { kind: 'network', error: 'timeout' },
    idempotent: false,
    expected: stop('ambiguous'),
  },
  {
    name: 'POST other network error is ambiguous',
    outcome: { kind: 'network', error: 'other' },
    idempotent: false,
    expected: stop('ambiguous'),
  },
  {
    name: 'POST dns failure never left',
    outcome: { kind: 'network', error: 'dns' },
    idempotent: false,
    expected: retry(75, 'refused'),
  },
  {
    name: 'POST connection refused never left',
    outcome: { kind: 'network', error: 'refused' },
    idempotent: false,
    expected: retry(75, 'refused'),
  },
  {
    name: 'POST connect timeout never left',
    outcome: { kind: 'network', error: 'connect_timeout' },
    idempotent: false,
    expected: retry(75, 'refused'),
  },
  // Unreadable answers.
  { name: 'GET malformed', outcome: { kind: 'malformed', status: 200 }, expected: retry(75, 'transient') },
  {
    name: 'POST malformed is ambiguous',
    outcome: { kind: 'malformed', status: 200 },
    idempotent: false,
    expected: stop('ambiguous'),
  },
  // Bounds.
  { name: 'last attempt used', outcome: status(503), attempt: 4, expected: stop('attempts_exhausted') },
  {
    name: 'refusal on the last attempt',
    outcome: status(429, { 'Retry-After': '1' }),
    attempt: 4,
    expected: stop('attempts_exhausted'),
  },
  {
    name: 'time budget would be exceeded',
    outcome: status(503),
    elapsedMs: 59_950,
    expected: stop('time_exhausted'),
  },
  {
    name: 'Retry-After beyond the time budget',
    outcome: status(429, { 'Retry-After': '3' }),
    elapsedMs: 57_001,
    expected: stop('time_exhausted'),
  },
  {
    name: 'Retry-After exactly fits the time budget',
    outcome: status(429, { 'Retry-After': '3' }),
    elapsedMs: 57_000,
    expected: retry(3000, 'throttled'),
  },
];

describe('retry policy', () => {
  for (const row of TABLE) {
    it(row.name, () => {
      const decision = decideRetry(
        {
          attempt: row.attempt ?? 1,
          elapsedMs: row.elapsedMs ?? 0,
          nowMs: NOW,
          outcome: row.outcome,
          idempotent: row.idempotent ?? true,
          ...(row.definiteRefusal === undefined ? {} : { definiteRefusal: row.definiteRefusal }),
        },
        OPTIONS,
      );
      assert.deepEqual(decision, row.expected);
    });
  }

  it('reads headers from a fetch Headers object', () => {
    assert.equal(retryAfterMs(new Headers({ 'Retry-After': '7' }), NOW), 7000);
    assert.equal(retryAfterMs(new Headers(), NOW), undefined);
  });

  it('reads the first value of a multi-valued header', () => {
    assert.equal(retryAfterMs({ 'retry-after': ['4', '9'] }, NOW), 4000);
  });

  it('backs off exponentially with jitter injected, capped at maxDelayMs', () => {
    const low = { ...OPTIONS, random: () => 0 };
    const high = { ...OPTIONS, random: () => 0.999 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => backoff(n, low)),
      [50, 100, 200, 400, 500, 500],
    );
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => backoff(n, high)),
      [100, 200, 400, 800, 1000, 1000],
    );
  });

  it('classifies definite refusals', () => {
    assert.equal(isDefiniteRefusal(status(429)), true);
    assert.equal(isDefiniteRefusal(status(409, {}, 'Directory_ConcurrencyViolation')), true);
    assert.equal(isDefiniteRefusal(status(503)), false);
    assert.equal(isDefiniteRefusal({ kind: 'network', error: 'refused' }), true);
    assert.equal(isDefiniteRefusal({ kind: 'network', error: 'timeout' }), false);
    assert.equal(isDefiniteRefusal({ kind: 'malformed', status: 200 }), false);
  });

  it('never waits longer than the caps, never retries an ambiguous write (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 70_000 }),
        fc.constantFrom(408, 429, 500, 502, 503, 504, 400, 404),
        fc.option(fc.integer({ min: 0, max: 1_000_000 })),
        fc.boolean(),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (attempt, elapsedMs, code, afterMs, idempotent, jitter) => {
          const headers: Record<string, string> =
            afterMs === null ? {} : { 'retry-after-ms': String(afterMs) };
          const decision = decideRetry(
            { attempt, elapsedMs, nowMs: NOW, outcome: status(code, headers), idempotent },
            { ...OPTIONS, random: () => jitter },
          );
          if (!decision.retry) return decision.delayMs === 0;
          const cap =
            code === 429 || code === 503
              ? Math.max(OPTIONS.maxRetryAfterMs, OPTIONS.maxDelayMs)
              : OPTIONS.maxDelayMs;
          return (
            decision.delayMs <= cap &&
            attempt < OPTIONS.maxAttempts &&
            elapsedMs + decision.delayMs <= OPTIONS.maxElapsedMs &&
            (idempotent || code === 429)
          );
        },
      ),
    );
  });
});

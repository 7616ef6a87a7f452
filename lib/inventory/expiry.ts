/**
 * Expiry arithmetic and statuses (spec §4). Pure: every function takes "now" as an argument.
 */
import { MS_PER_DAY } from '../clock';
import type { ConnectionStatus, ExpiryStatus, Thresholds } from './types';

/**
 * Whole days from `nowMs` until `endMs`, rounded down: 0 during the last day, −1 from the moment
 * it has expired until a day later, and so on.
 */
export function daysLeft(endMs: number, nowMs: number): number {
  return Math.floor((endMs - nowMs) / MS_PER_DAY);
}

/**
 * The status of a credential expiring at `endMs`: `expired` once `endMs` is in the past, else
 * `critical` within `failureDays`, `warning` within `warningDays`, else `ok`. A credential whose
 * end is exactly now is not expired yet (it is `critical` with 0 days left).
 */
export function expiryStatus(endMs: number, nowMs: number, thresholds: Thresholds): ExpiryStatus {
  if (endMs < nowMs) return 'expired';
  const days = daysLeft(endMs, nowMs);
  if (days <= thresholds.failureDays) return 'critical';
  if (days <= thresholds.warningDays) return 'warning';
  return 'ok';
}

const SEVERITY: Record<ExpiryStatus, number> = { ok: 0, warning: 1, critical: 2, expired: 3 };

/**
 * The worst expiry status among `statuses` (`unknown` ones do not count: they are reported as
 * problems instead); `ok` when there is none. This is the task's `ExpiryStatus` variable.
 */
export function worstStatus(statuses: Iterable<ConnectionStatus>): ExpiryStatus {
  let worst: ExpiryStatus = 'ok';
  for (const status of statuses) {
    if (status !== 'unknown' && SEVERITY[status] > SEVERITY[worst]) worst = status;
  }
  return worst;
}

/**
 * What is wrong with `thresholds`, one message per problem; empty when valid. Both must be
 * whole numbers ≥ 0 and `failureDays` ≤ `warningDays` (spec §3).
 */
export function validateThresholds(thresholds: Thresholds): string[] {
  const errors: string[] = [];
  for (const key of ['warningDays', 'failureDays'] as const) {
    const value = thresholds[key];
    if (!Number.isInteger(value) || value < 0)
      errors.push(`${key} must be a whole number ≥ 0, got ${value}.`);
  }
  if (errors.length === 0 && thresholds.failureDays > thresholds.warningDays) {
    errors.push(
      `failureDays (${thresholds.failureDays}) must not be greater than warningDays (${thresholds.warningDays}).`,
    );
  }
  return errors;
}

/** Parses an ISO-8601 time to epoch milliseconds; null when absent or not a time. */
export function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Expiry arithmetic and statuses (spec §4). Pure: every function takes "now" as an argument.
 */
import { MS_PER_DAY } from '../clock';
import type { InputProblem } from '../options/invalid-input';
import { type NumberInput, wholeNumber } from '../options/rules';
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

/** The task's defaults (spec §3). */
export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({ warningDays: 30, failureDays: 7 });

/** Largest threshold accepted, in days (ten years). */
export const MAX_THRESHOLD_DAYS = 3650;

/** Thresholds as given: numbers, or the text of the task's inputs; absent means the default. */
export interface ThresholdInput {
  /** @default 30 */
  warningDays?: NumberInput;
  /** @default 7 */
  failureDays?: NumberInput;
}

/**
 * The thresholds, or what is wrong with them: both whole numbers from 0 to
 * {@link MAX_THRESHOLD_DAYS}, and `failureDays` ≤ `warningDays` (spec §3).
 */
export function parseThresholds(input: ThresholdInput): { thresholds: Thresholds; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const warning = wholeNumber(
    'warningDays',
    input.warningDays,
    DEFAULT_THRESHOLDS.warningDays,
    0,
    MAX_THRESHOLD_DAYS,
  );
  if (!warning.ok) problems.push(warning.problem);
  const warningDays = warning.ok ? warning.value : MAX_THRESHOLD_DAYS;
  const failure = wholeNumber(
    'failureDays',
    input.failureDays,
    DEFAULT_THRESHOLDS.failureDays,
    0,
    warningDays,
    warning.ok ? ` (it may not exceed warningDays, ${warningDays})` : '',
  );
  if (!failure.ok) problems.push(failure.problem);
  return { thresholds: { warningDays, failureDays: failure.ok ? failure.value : 0 }, problems };
}

/** Parses an ISO-8601 time to epoch milliseconds; null when absent or not a time. */
export function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

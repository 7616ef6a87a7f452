/**
 * What the executor reports: per-connection results and step events. Plain data with keyIds only,
 * never secret text.
 */
import { type ErrorCode, RotatorError, redact } from '../errors';
import type { SkipReason } from './skip-reasons';

/**
 * Steps of the rotation protocol (spec §5.1), in order, plus `inspect` (reading the record before
 * a cleanup-only run) and `compensate` (removing the password just minted after a failure or a
 * lost race).
 */
export type RotationStep =
  | 'mint'
  | 'prove_credential'
  | 'prove_connection'
  | 'switch'
  | 'confirm'
  | 'inspect'
  | 'retire'
  | 'compensate';

/** One finished step, for logs and tests (`onStep`). */
export interface StepEvent {
  connectionId: string;
  connectionName: string;
  step: RotationStep;
  outcome: 'succeeded' | 'failed';
  /** What happened, naming keyIds, never secrets. */
  message: string;
}

/** What went wrong, and what to do. */
export interface Issue {
  code: ErrorCode;
  message: string;
  fix: string;
}

/** What happened to one connection. */
export type ResultAction = 'rotated' | 'retired' | 'cleaned' | 'skipped' | 'failed' | 'race_lost' | 'nothing';

/** The result for one connection. */
export interface RotationResult {
  connectionId: string;
  connectionName: string;
  action: ResultAction;
  /** keyId of the password minted in this run (also when it was removed again), else null. */
  newKeyId: string | null;
  /** ISO-8601 UTC end of that password as Graph stored it (a tenant policy may shorten it), else null. */
  newExpiresAt: string | null;
  /** keyIds of the passwords removed in this run (superseded, orphans, or our own after a failure). */
  removedKeyIds: string[];
  /** The connection was switched from Automatic to Manual in this run. */
  tookOver: boolean;
  /**
   * With `failed`, `race_lost` and aborted runs: what went wrong. With `rotated`, `retired` or
   * `cleaned`: a follow-up (removing old passwords) that failed and is retried next run. Else null.
   */
  error: Issue | null;
  /** With `skipped`: why (from the plan). */
  skip: SkipReason | null;
}

/** A result with nothing done yet. */
export function emptyResult(
  entry: { connectionId: string; connectionName: string },
  action: ResultAction,
): RotationResult {
  return {
    connectionId: entry.connectionId,
    connectionName: entry.connectionName,
    action,
    newKeyId: null,
    newExpiresAt: null,
    removedKeyIds: [],
    tookOver: false,
    error: null,
    skip: null,
  };
}

const DEFAULT_FIX = 'See the log for details, fix the cause and run the task again.';

/**
 * An {@link Issue} from any thrown value; `secrets` are redacted from the text as a last line of
 * defence (errors are redacted at construction already).
 */
export function toIssue(error: unknown, secrets: readonly string[], prefix = ''): Issue {
  if (error instanceof RotatorError) {
    return {
      code: error.code,
      message: redact(prefix + error.message, secrets),
      fix: redact(error.fix ?? DEFAULT_FIX, secrets),
    };
  }
  const text = error instanceof Error ? error.message : String(error);
  return {
    code: 'internal',
    message: redact(`${prefix}unexpected error: ${text}`, secrets),
    fix: 'This is a bug in Service Connection Rotator; please report it with the log.',
  };
}

/**
 * The issue of a connection whose run stopped at a step boundary (cancelled, or a simulated
 * crash). Nothing was undone; the next run converges from the state left behind.
 */
export function abortedIssue(stopped: { step: RotationStep | null }, note = '', cancelled = false): Issue {
  const where = stopped.step ? `after step ${stopped.step}` : 'before it started';
  return {
    code: 'rotation.aborted',
    message: cancelled
      ? `The run was cancelled ${where}.${note}`
      : `The run stopped ${where}; nothing was undone.${note}`,
    fix: 'Run the task again: it finishes the work or cleans up what this run left.',
  };
}

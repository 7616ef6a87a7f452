/**
 * Removing the passwords a plan retires (superseded) or cleans up (orphans of crashed runs), for
 * a connection not due for rotation, and the removal itself, shared with the rotation.
 */
import { RotatorError } from '../errors';
import { kindOf } from './credential-kinds';
import type { PlanEntry } from './planner';
import { parseRecord } from './record';
import { abortedIssue, emptyResult, type Issue, type RotationResult, toIssue } from './results';
import { type RunContext, type StepLog, Stopped } from './run-context';

/** What a removal pass did. */
export interface Removal {
  /** Whether there was anything to remove at all. */
  attempted: boolean;
  removed: string[];
  /** Every failure, summarised; null when every removal succeeded. */
  issue: Issue | null;
  /** One line for the step log. */
  message: string;
}

/**
 * Removes the planned `retire` and `removeOrphans` passwords of `entry`, one at a time (Graph
 * write pacing lives in the adapter), never one of `protectedKeyIds` (the record's keyId, the
 * password just installed). A failed removal does not stop the others; the next run retries.
 */
export async function removePlanned(
  entry: PlanEntry,
  appObjectId: string,
  protectedKeyIds: readonly string[],
  ctx: RunContext,
): Promise<Removal> {
  const keep = new Set(protectedKeyIds.map((k) => k.toLowerCase()));
  const keys = [...new Set([...entry.retire, ...entry.removeOrphans])].filter(
    (k) => !keep.has(k.toLowerCase()),
  );
  const removed: string[] = [];
  const failed: Array<{ keyId: string; issue: Issue }> = [];
  for (const keyId of keys) {
    try {
      await kindOf(entry).remove(appObjectId, keyId, ctx);
      removed.push(keyId);
    } catch (error) {
      failed.push({ keyId, issue: toIssue(error, []) });
    }
  }
  const first = failed[0];
  const done = removed.length > 0 ? `Removed ${describeKeys(entry, removed)}.` : '';
  if (!first) return { attempted: keys.length > 0, removed, issue: null, message: done };
  const issue: Issue = {
    code: first.issue.code,
    message: `Could not remove ${kindOf(entry).noun}(s) ${failed.map((f) => f.keyId).join(', ')} (${first.issue.message}); the next run retries.`,
    fix: first.issue.fix,
  };
  return { attempted: true, removed, issue, message: `${done} ${issue.message}`.trim() };
}

/** Reports a removal pass as the `retire` step. */
export function logRemoval(removal: Removal, steps: StepLog): void {
  if (!removal.attempted) return;
  if (removal.issue) steps.failed('retire', removal.message);
  else steps.succeeded('retire', removal.message);
}

/**
 * Runs a cleanup-only entry: reads the connection's record (`inspect`), then removes the planned
 * passwords except the one the record names now. A connection that lost its record since
 * discovery is left alone: without it, nothing says which password is in use.
 */
export async function cleanUpConnection(
  entry: PlanEntry,
  ctx: RunContext,
  steps: StepLog,
): Promise<RotationResult> {
  const result = emptyResult(entry, 'failed');
  try {
    const { projectId, appObjectId } = entry;
    if (!projectId || !appObjectId)
      throw new RotatorError('internal', 'The plan entry names no project or app.');
    const current = await ctx.connections.get(projectId, entry.connectionId);
    if (!current) {
      throw new RotatorError(
        'devops.not_found',
        `"${entry.connectionName}" no longer exists; nothing was removed.`,
        {
          fix: 'Nothing to do if the connection was deleted on purpose.',
        },
      );
    }
    const record = parseRecord(current.description);
    if (!record) {
      throw new RotatorError(
        'rotation.connection_changed',
        `"${entry.connectionName}" no longer carries its rotation record, so nothing says which secret is in use; nothing was removed.`,
        {
          fix: 'Keep the "[sc-rotator: ...]" line in the connection description. The next run rotates the connection to record its secret again.',
        },
      );
    }
    steps.succeeded('inspect', `The record names ${kindOf(entry).noun} ${record.keyId}.`);
    steps.checkpoint('inspect');
    const removal = await removePlanned(entry, appObjectId, [record.keyId], ctx);
    result.removedKeyIds.push(...removal.removed);
    logRemoval(removal, steps);
    const retired = removal.removed.some((k) => entry.retire.includes(k));
    result.action =
      removal.removed.length > 0 ? (retired ? 'retired' : 'cleaned') : removal.issue ? 'failed' : 'nothing';
    result.error = removal.issue;
    steps.checkpoint('retire');
    return result;
  } catch (error) {
    if (error instanceof Stopped) return { ...result, error: abortedIssue(error) };
    const issue = toIssue(error, []);
    steps.failed('inspect', issue.message);
    return { ...result, action: 'failed', error: issue };
  }
}

function describeKeys(entry: PlanEntry, keys: readonly string[]): string {
  const retired = keys.filter((k) => entry.retire.includes(k));
  const orphans = keys.filter((k) => !entry.retire.includes(k));
  const parts: string[] = [];
  const noun = kindOf(entry).noun;
  if (retired.length) parts.push(`superseded ${noun}(s) ${retired.join(', ')}`);
  if (orphans.length) parts.push(`orphaned ${noun}(s) ${orphans.join(', ')}`);
  return parts.join(' and ');
}

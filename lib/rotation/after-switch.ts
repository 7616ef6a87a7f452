/**
 * What a rotation removes once its switch is confirmed (spec §10; issue #14 §1–2), beyond what
 * the plan retires anyway:
 *
 * - the passwords of ours the switch superseded (`supersedes`), as soon as the grace counted from
 *   the switch is over: at once with `revokeAfterHours: 0` (the leak response: force a rotation,
 *   revoke the leaked secret in the same run). With a longer grace they stay, and a run after the
 *   grace retires them (the record then says they were superseded at its `installedAt`);
 * - for a connection that had no record, our other passwords for it older than the orphan guard
 *   (`orphansAfterSwitch`): orphans of a crashed first rotation. Once the switching PUT committed
 *   a record nothing else can be using them, so they go in this run instead of a run after the
 *   grace.
 *
 * A foreign credential (`foreign`: in use, not minted by us) is never among them.
 */
import { MS_PER_HOUR } from '../clock';
import type { PlanEntry } from './planner';
import type { RotationPolicy } from './policy';

/** `entry` with the removals due right after its confirmed switch added to `retire` / `removeOrphans`. */
export function removalsAfterSwitch(
  entry: PlanEntry,
  policy: RotationPolicy,
  switchedAtMs: number,
  nowMs: number,
): PlanEntry {
  const graceOver = nowMs - switchedAtMs >= policy.revokeAfterHours * MS_PER_HOUR;
  const supersedes = graceOver ? (entry.supersedes ?? []) : [];
  return {
    ...entry,
    retire: unique([...entry.retire, ...supersedes]),
    removeOrphans: unique([...entry.removeOrphans, ...(entry.orphansAfterSwitch ?? [])]),
  };
}

function unique(keys: readonly string[]): string[] {
  const seen = new Set<string>();
  return keys.filter((k) => {
    const key = k.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

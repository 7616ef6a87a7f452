/**
 * The rotation policy: when a connection is due, how long new secrets live, when superseded ones
 * are revoked, and what happens to Automatic connections (spec §3, §5).
 */

/** How Automatic connections (`creationMode: Automatic`) are treated (spec §5.3). */
export type AutomaticConnectionsPolicy = 'report' | 'takeOver';

/** What the planner and the executor follow. */
export interface RotationPolicy {
  /** Rotate when the secret in use expires within this many days (or has expired). @default 30 */
  rotateWithinDays: number;
  /** Lifetime of each new secret, in days, 1–730. @default 180 */
  secretLifetimeDays: number;
  /** Grace period before a secret this product superseded is revoked, in hours. @default 24 */
  revokeAfterHours: number;
  /**
   * `report`: Automatic connections are reported and never changed. `takeOver`: the switching PUT
   * also makes them Manual so this product manages their secret from then on.
   * @default 'report'
   */
  automaticConnections: AutomaticConnectionsPolicy;
  /**
   * A password we minted that no record names is removed as an orphan of a crashed run only once
   * it is at least this many minutes old: a younger one may belong to a run in progress. The spec
   * has no such guard; it is our addition (see `planner.ts`). @default 60
   */
  orphanMinAgeMinutes: number;
}

/** The defaults of the task's inputs. */
export const DEFAULT_ROTATION_POLICY: Readonly<RotationPolicy> = Object.freeze({
  rotateWithinDays: 30,
  secretLifetimeDays: 180,
  revokeAfterHours: 24,
  automaticConnections: 'report',
  orphanMinAgeMinutes: 60,
});

/** Longest secret lifetime Entra recommends and the task accepts, in days. */
export const MAX_SECRET_LIFETIME_DAYS = 730;

/** What is wrong with `policy`, one message per field; empty when valid. */
export function validatePolicy(policy: RotationPolicy): string[] {
  const errors: string[] = [];
  const wholeAtLeast = (key: keyof RotationPolicy, min: number, max = Number.POSITIVE_INFINITY) => {
    const value = policy[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      const range = max === Number.POSITIVE_INFINITY ? `≥ ${min}` : `from ${min} to ${max}`;
      errors.push(`${key} must be a whole number ${range}, got ${String(value)}.`);
    }
  };
  wholeAtLeast('rotateWithinDays', 0);
  wholeAtLeast('secretLifetimeDays', 1, MAX_SECRET_LIFETIME_DAYS);
  wholeAtLeast('revokeAfterHours', 0);
  wholeAtLeast('orphanMinAgeMinutes', 0);
  if (policy.automaticConnections !== 'report' && policy.automaticConnections !== 'takeOver') {
    errors.push(
      `automaticConnections must be "report" or "takeOver", got ${String(policy.automaticConnections)}.`,
    );
  }
  // A fresh secret has lifetime − 1 whole days left moments after minting; if that is already
  // within rotateWithinDays, every run would rotate again.
  if (errors.length === 0 && policy.secretLifetimeDays - 1 <= policy.rotateWithinDays) {
    errors.push(
      `secretLifetimeDays (${policy.secretLifetimeDays}) must be at least rotateWithinDays + 2 (${policy.rotateWithinDays + 2}), or every run would rotate the new secret again.`,
    );
  }
  return errors;
}

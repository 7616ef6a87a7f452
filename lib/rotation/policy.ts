/**
 * The rotation policy: when a connection is due, how long new secrets live, when superseded ones
 * are revoked, and what happens to Automatic connections (spec §3, §5).
 */
import type { InputProblem } from '../options/invalid-input';
import { type Checked, type NumberInput, oneOf, wholeNumber, yesNo } from '../options/rules';

/** How Automatic connections (`creationMode: Automatic`) are treated (spec §5.3). */
export type AutomaticConnectionsPolicy = 'report' | 'takeOver';

/** What happens to certificate connections (`spnCertificate`, spec §9). */
export type CertificateConnectionsPolicy = 'report' | 'rotate';

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
  /**
   * Rotate every connection in scope now, whatever its expiry: the response to a leaked secret
   * (spec §10). With `revokeAfterHours: 0` the superseded secret is revoked in the same run.
   * Optional so policies written before it stay valid. @default false
   */
  forceRotation?: boolean;
  /**
   * `report`: certificate connections are reported with their certificate's expiry and never
   * changed. `rotate`: a due one gets a new certificate, added to its app by read–merge–write of
   * `keyCredentials` (every other certificate on the app kept), then the same protocol as a
   * secret. Optional so policies written before it stay valid. @default 'report'
   */
  certificateConnections?: CertificateConnectionsPolicy;
}

/** The defaults of the task's inputs. */
export const DEFAULT_ROTATION_POLICY: Readonly<Required<RotationPolicy>> = Object.freeze({
  rotateWithinDays: 30,
  secretLifetimeDays: 180,
  revokeAfterHours: 24,
  automaticConnections: 'report',
  orphanMinAgeMinutes: 60,
  forceRotation: false,
  certificateConnections: 'report',
});

/** Longest secret lifetime Entra recommends and the task accepts, in days. */
export const MAX_SECRET_LIFETIME_DAYS = 730;

/** Longest threshold-like span accepted for `rotateWithinDays`, in days (ten years). */
export const MAX_ROTATE_WITHIN_DAYS = 3650;

/** Longest grace period accepted, in hours (a year). */
export const MAX_REVOKE_AFTER_HOURS = 8760;

/** The policy as given: numbers or the text of the task's inputs; absent means the default. */
export interface PolicyInput {
  /** @default 30 */
  rotateWithinDays?: NumberInput;
  /** @default 180 */
  secretLifetimeDays?: NumberInput;
  /** @default 24 */
  revokeAfterHours?: NumberInput;
  /** @default 'report' */
  automaticConnections?: AutomaticConnectionsPolicy | string;
  /** @default 60 */
  orphanMinAgeMinutes?: NumberInput;
  /** @default false */
  forceRotation?: boolean | string;
  /** @default 'report' */
  certificateConnections?: CertificateConnectionsPolicy | string;
}

/** The policy, or what is wrong with it, one problem per option (spec §3). */
export function parsePolicy(input: PolicyInput): { policy: RotationPolicy; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const take = <T>(checked: Checked<T>, fallback: T): T => {
    if (checked.ok) return checked.value;
    problems.push(checked.problem);
    return fallback;
  };
  const d = DEFAULT_ROTATION_POLICY;
  const rotateWithinDays = take(
    wholeNumber('rotateWithinDays', input.rotateWithinDays, d.rotateWithinDays, 0, MAX_ROTATE_WITHIN_DAYS),
    d.rotateWithinDays,
  );
  const lifetime = wholeNumber(
    'secretLifetimeDays',
    input.secretLifetimeDays,
    d.secretLifetimeDays,
    1,
    MAX_SECRET_LIFETIME_DAYS,
  );
  const secretLifetimeDays = take(lifetime, d.secretLifetimeDays);
  const policy: RotationPolicy = {
    rotateWithinDays,
    secretLifetimeDays,
    revokeAfterHours: take(
      wholeNumber('revokeAfterHours', input.revokeAfterHours, d.revokeAfterHours, 0, MAX_REVOKE_AFTER_HOURS),
      d.revokeAfterHours,
    ),
    automaticConnections: take(
      oneOf('automaticConnections', input.automaticConnections, d.automaticConnections, [
        'report',
        'takeOver',
      ] as const),
      d.automaticConnections,
    ),
    orphanMinAgeMinutes: take(
      wholeNumber('orphanMinAgeMinutes', input.orphanMinAgeMinutes, d.orphanMinAgeMinutes, 0, null),
      d.orphanMinAgeMinutes,
    ),
    forceRotation: take(yesNo('forceRotation', input.forceRotation, d.forceRotation), d.forceRotation),
    certificateConnections: take(
      oneOf('certificateConnections', input.certificateConnections, d.certificateConnections, [
        'report',
        'rotate',
      ] as const),
      d.certificateConnections,
    ),
  };
  // A fresh secret has lifetime − 1 whole days left moments after minting; if that is already
  // within rotateWithinDays, every run would rotate again.
  if (problems.length === 0 && secretLifetimeDays - 1 <= rotateWithinDays) {
    problems.push({
      option: 'secretLifetimeDays',
      value: String(secretLifetimeDays),
      allowed: `expected at least rotateWithinDays + 2 (${rotateWithinDays + 2}), or every run would rotate the new secret again`,
    });
  }
  return { policy, problems };
}

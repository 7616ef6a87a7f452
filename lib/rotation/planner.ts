/**
 * The planner: what must happen next to each connection, as data (STYLE: decisions are data).
 * `plan(inventory, policy, now)` is pure and its result serialisable, so a dry run prints it and
 * tests check it as a table.
 *
 * Safety rules the plan never breaks:
 * - only passwords whose marker names this very connection id are ever planned for removal (apps
 *   are shared by several connections and other consumers);
 * - the password the connection's record names is never planned for removal;
 * - passwords are removed only when a record tells what is in use. Without a record (never
 *   rotated, or the record trailer was edited out of the description) one of our passwords might
 *   be the one in use, so none is removed: when we do find our passwords for a connection without
 *   a record, it is rotated (`record_missing`) to establish a record, and the older passwords are
 *   retired as superseded after the grace period. The spec calls those orphans; removing them
 *   right away could revoke a secret in use.
 */
import { MS_PER_HOUR } from '../clock';
import type { KeyCredentialInfo, PasswordCredentialInfo } from '../graph/types';
import { parseTime } from '../inventory/expiry';
import { applicationKey, type ConnectionReport, type Inventory, type ProblemCode } from '../inventory/types';
import { parseMarker } from './marker';
import type { RotationPolicy } from './policy';
import { type SkipReason, skipReason } from './skip-reasons';

/** Why a connection is rotated. */
export type RotateReason =
  /** The secret in use has expired. */
  | 'expired'
  /** The secret in use expires within `rotateWithinDays`. */
  | 'expiring'
  /** Our record names a password that is no longer on the app. */
  | 'recorded_credential_missing'
  /** The app has no password the connection could be using. */
  | 'no_password'
  /** TestConnection shows Entra refuses the stored secret (expired or invalid; issue #14). */
  | 'stored_secret_rejected'
  /** We minted passwords for this connection but it carries no record: establish one. */
  | 'record_missing'
  /** Policy `forceRotation`: rotated now whatever its expiry (a leaked secret, spec §10). */
  | 'forced';

/** What the executor does with a connection. */
export type PlanAction = 'rotate' | 'cleanup' | 'skip' | 'nothing';

/** The plan for one connection. */
export interface PlanEntry {
  connectionId: string;
  connectionName: string;
  /** The project the executor reads and updates the connection through (its first reference). */
  projectId: string | null;
  tenantId: string | null;
  appId: string | null;
  /** The application's object id, for Graph writes. */
  appObjectId: string | null;
  /**
   * What the connection signs in with: a client secret (application password) or a certificate
   * (`keyCredentials`, spec §9). Absent on entries built before certificates: `secret`.
   */
  credentialKind?: 'secret' | 'certificate';
  action: PlanAction;
  /** Set when `action` is `rotate`. */
  rotate: { reason: RotateReason; message: string } | null;
  /** The switching PUT makes this Automatic connection Manual (policy `takeOver`). */
  takeOver: boolean;
  /** keyIds of our passwords for this connection superseded at least `revokeAfterHours` ago. */
  retire: string[];
  /** keyIds of our passwords for this connection minted after its record and older than the guard. */
  removeOrphans: string[];
  /** Set when `action` is `skip`: nothing is changed, not even cleaned up. */
  skip: SkipReason | null;
  /**
   * With `rotate` (absent on entries built before it existed: none): keyIds of our passwords for this connection that the switch supersedes (the
   * recorded one, or without a record the attributed one when it is ours). The executor revokes
   * them in the same run once the grace counted from its switch is over (at once with
   * `revokeAfterHours: 0`, spec §10); else a run after the grace retires them.
   */
  supersedes?: string[];
  /**
   * With `rotate` of a connection without a record: keyIds of our other passwords for it, older
   * than the orphan guard: orphans of a crashed first rotation. The executor removes them as soon
   * as its switch has committed a record (issue #14 §2), instead of a run after the grace.
   */
  orphansAfterSwitch?: string[];
  /**
   * With `rotate`: the credential in use that this product did not mint (attributed, no marker of
   * ours). Never revoked; the report names it so its owner removes it once nothing else uses it.
   */
  foreign?: { keyId: string; displayName: string | null } | null;
}

/** The plan of one run. Plain data: a dry run's output. */
export interface Plan {
  /** ISO-8601 UTC "now" the plan was made for. */
  createdAt: string;
  policy: RotationPolicy;
  /** One entry per connection of the inventory, in its order. */
  entries: PlanEntry[];
}

/**
 * Plans a run. Per connection, in this order:
 *
 * 1. `skip` (no work at all) when it cannot or must not be changed: secretless; not evaluated
 *    (app not found or not readable, other tenant, disabled service principal, certificates not
 *    read, ...); certificate under policy `certificateConnections: report`; disabled or not ready;
 *    Automatic under policy `report`.
 * 2. `rotate` when due: expired, recorded credential missing, no password, or `daysLeft` ≤
 *    `rotateWithinDays`; with policy `forceRotation`, whatever its expiry (`forced`); also
 *    `record_missing` (see the file comment). `takeOver` for Automatic connections under policy
 *    `takeOver`. A rotation also names what its switch supersedes, the orphans it removes once
 *    the switch committed a record, and a foreign credential in use (see `afterSwitch`).
 * 3. `retire`: our passwords for it minted before the record's `installedAt` (and not after the
 *    install it replaced, `previousInstalledAt`, when the record names one), once `now −
 *    installedAt` ≥ `revokeAfterHours`.
 * 4. `removeOrphans`: our passwords for it minted at or after the record's `installedAt`, or after
 *    `previousInstalledAt` (`none`: any), other than the recorded one: leftovers of a
 *    crashed run that never switched (a later run's switch does not make them superseded), but
 *    only once older than `orphanMinAgeMinutes`. This age guard is our addition to the spec: a
 *    younger one may belong to a run in progress right now, and removing it would break that
 *    run's switch.
 * 5. `cleanup` when not due but 3 or 4 found work; else `nothing`.
 */
export function plan(inventory: Inventory, policy: RotationPolicy, nowMs: number): Plan {
  return {
    createdAt: new Date(nowMs).toISOString(),
    policy: { ...policy },
    entries: inventory.connections.map((report) => planConnection(inventory, report, policy, nowMs)),
  };
}

function planConnection(
  inventory: Inventory,
  report: ConnectionReport,
  policy: RotationPolicy,
  nowMs: number,
): PlanEntry {
  const entry: PlanEntry = {
    connectionId: report.id,
    connectionName: report.name,
    projectId: report.projects[0]?.projectId ?? null,
    tenantId: report.tenantId,
    appId: report.appId,
    appObjectId: report.app?.objectId ?? null,
    credentialKind: report.authenticationType === 'spnCertificate' ? 'certificate' : 'secret',
    action: 'nothing',
    rotate: null,
    takeOver: false,
    retire: [],
    removeOrphans: [],
    skip: null,
    supersedes: [],
    orphansAfterSwitch: [],
    foreign: null,
  };
  const due = dueReason(report, policy);
  const skip = whySkip(report, policy, due !== null);
  if (skip || !entry.projectId || !entry.appObjectId || !report.tenantId || !report.appId) {
    return { ...entry, action: 'skip', skip: skip ?? skipReason('not_evaluated', report, due !== null) };
  }

  const app = inventory.applications[applicationKey(report.tenantId, report.appId)];
  // A certificate connection's credentials of ours are certificates with our marker (spec §9).
  const ours = ourPasswords(
    report.id,
    (entry.credentialKind === 'certificate' ? app?.keyCredentials : app?.passwordCredentials) ?? [],
  );
  const { retire, removeOrphans } = classify(report, ours, policy, nowMs);
  const reason =
    due ??
    (report.record === null && ours.some((p) => nowMs - p.mintedMs >= policy.orphanMinAgeMinutes * 60_000)
      ? 'record_missing'
      : null);
  const action = reason ? 'rotate' : retire.length + removeOrphans.length > 0 ? 'cleanup' : 'nothing';
  return {
    ...entry,
    action,
    rotate: reason ? { reason, message: rotateMessage(reason, report) } : null,
    takeOver: reason !== null && report.creationMode === 'Automatic',
    retire,
    removeOrphans,
    ...(reason ? afterSwitch(report, ours, [...retire, ...removeOrphans], policy, nowMs) : {}),
  };
}

/**
 * What a rotation's switch supersedes (see {@link PlanEntry.supersedes}, `orphansAfterSwitch`,
 * `foreign`). Without a record the attributed password is treated as the one in use: if it is
 * ours it gets the grace, never the orphan treatment (the record may have been edited out).
 */
function afterSwitch(
  report: ConnectionReport,
  ours: readonly OurPassword[],
  planned: readonly string[],
  policy: RotationPolicy,
  nowMs: number,
): Pick<PlanEntry, 'supersedes' | 'orphansAfterSwitch' | 'foreign'> {
  const isOurs = (keyId: string) => ours.some((p) => p.keyId.toLowerCase() === keyId.toLowerCase());
  const notPlanned = (keyId: string) => !planned.some((k) => k.toLowerCase() === keyId.toLowerCase());
  const inUse = report.record?.keyId ?? report.credential?.keyId ?? null;
  const supersedes = inUse && isOurs(inUse) && notPlanned(inUse) ? [inUse.toLowerCase()] : [];
  const credential = report.credential;
  const foreign =
    !report.record && credential && !isOurs(credential.keyId)
      ? { keyId: credential.keyId, displayName: credential.displayName }
      : null;
  const orphansAfterSwitch = report.record
    ? []
    : ours
        .filter((p) => p.keyId.toLowerCase() !== inUse?.toLowerCase() && notPlanned(p.keyId))
        .filter((p) => nowMs - p.mintedMs >= policy.orphanMinAgeMinutes * 60_000)
        .map((p) => p.keyId);
  return { supersedes, orphansAfterSwitch, foreign };
}

function dueReason(report: ConnectionReport, policy: RotationPolicy): RotateReason | null {
  const code = report.problem?.code;
  if (code !== undefined && isRotatable(code)) return code;
  if (report.status === 'expired') return 'expired';
  if (report.daysLeft !== null && report.daysLeft <= policy.rotateWithinDays) return 'expiring';
  return policy.forceRotation ? 'forced' : null;
}

type RotatableProblem = 'no_password' | 'recorded_credential_missing' | 'stored_secret_rejected';

/** Problems a rotation fixes: the connection is due, not blocked. */
function isRotatable(code: ProblemCode): code is RotatableProblem {
  return (
    code === 'no_password' || code === 'recorded_credential_missing' || code === 'stored_secret_rejected'
  );
}

function whySkip(report: ConnectionReport, policy: RotationPolicy, due: boolean): SkipReason | null {
  if (report.secretless) return skipReason('secretless', report, due);
  const problem = report.problem;
  if (problem && !isRotatable(problem.code)) {
    const { message, fix, actionRequired } = problem;
    return { code: problem.code, message, fix, actionRequired };
  }
  if (report.status === 'unknown') return skipReason('not_evaluated', report, due);
  if (report.authenticationType === 'spnCertificate' && policy.certificateConnections !== 'rotate') {
    return skipReason('certificate', report, due);
  }
  if (report.isDisabled) return skipReason('connection_disabled', report, due);
  if (!report.isReady) return skipReason('connection_not_ready', report, due);
  if (report.creationMode === 'Automatic' && policy.automaticConnections !== 'takeOver') {
    return skipReason('automatic_report', report, due);
  }
  return null;
}

interface OurPassword {
  keyId: string;
  mintedMs: number;
}

/** Credentials whose marker names exactly this connection. Nothing else is ever removed. */
function ourPasswords(
  connectionId: string,
  passwords: readonly (PasswordCredentialInfo | KeyCredentialInfo)[],
): OurPassword[] {
  const id = connectionId.toLowerCase();
  const ours: OurPassword[] = [];
  for (const p of passwords) {
    const marker = parseMarker(p.displayName);
    const mintedMs = parseTime(marker?.mintedAt);
    if (marker?.connectionId === id && mintedMs !== null) ours.push({ keyId: p.keyId, mintedMs });
  }
  return ours;
}

function classify(
  report: ConnectionReport,
  ours: readonly OurPassword[],
  policy: RotationPolicy,
  nowMs: number,
): { retire: string[]; removeOrphans: string[] } {
  const retire: string[] = [];
  const removeOrphans: string[] = [];
  const record = report.record;
  const installedMs = parseTime(record?.installedAt);
  if (!record || installedMs === null) return { retire, removeOrphans };
  const graceOver = nowMs - installedMs >= policy.revokeAfterHours * MS_PER_HOUR;
  // Minted after the install this record replaced (the one installed then was minted before it):
  // never installed. Unknown previous install: only what was minted after this one.
  const previous = record.previousInstalledAt;
  const previousMs = previous === 'none' ? Number.NEGATIVE_INFINITY : (parseTime(previous) ?? installedMs);
  for (const p of ours) {
    if (p.keyId.toLowerCase() === record.keyId.toLowerCase()) continue;
    if (p.mintedMs < installedMs && p.mintedMs <= previousMs) {
      if (graceOver) retire.push(p.keyId);
    } else if (nowMs - p.mintedMs >= policy.orphanMinAgeMinutes * 60_000) {
      removeOrphans.push(p.keyId);
    }
  }
  return { retire, removeOrphans };
}

function rotateMessage(reason: RotateReason, report: ConnectionReport): string {
  switch (reason) {
    case 'expired':
      return `The secret in use expired at ${report.expiresAt ?? 'an unknown time'}.`;
    case 'expiring':
      return `The secret in use expires in ${report.daysLeft} day(s), at ${report.expiresAt}.`;
    case 'recorded_credential_missing':
      return `The recorded secret (keyId ${report.record?.keyId}) is no longer on the application.`;
    case 'no_password':
      return 'The application has no secret the connection could be using.';
    case 'stored_secret_rejected':
      return report.problem?.message ?? 'TestConnection shows Entra ID refuses the stored secret.';
    case 'forced':
      return `Rotation forced (forceRotation): the secret in use${report.expiresAt ? `, valid until ${report.expiresAt},` : ''} is replaced now.`;
    case 'record_missing':
      return 'Secrets minted by this product exist for the connection but it carries no record of the one in use; rotating establishes one.';
  }
}

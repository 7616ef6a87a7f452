/**
 * Builds the run report from what the library returned: the inventory (before, with the
 * thresholds it was evaluated under), the plan (with its policy) and the executor's results.
 * Pure; the wording here is what a person reads in the summary. The task and the CLI both
 * publish it.
 */
import { MS_PER_DAY } from '../clock';
import { daysLeft, expiryStatus } from '../inventory/expiry';
import type { ConnectionReport, Inventory } from '../inventory/types';
import type { Plan, PlanEntry } from '../rotation/planner';
import type { RotationPolicy } from '../rotation/policy';
import type { RotationResult } from '../rotation/results';
import type { SkipReason } from '../rotation/skip-reasons';
import type { ConnectionRow, RunReport } from './run-report';

/** What {@link buildReport} is built from. */
export interface ReportInput {
  action: 'report' | 'rotate';
  /** With `rotate`: the plan was made and nothing was executed. */
  dryRun: boolean;
  version: string;
  inventory: Inventory;
  plan: Plan | null;
  results: RotationResult[] | null;
  /** The policy of a run without a plan (`report`); a plan carries its own. */
  policy: RotationPolicy;
  startedAt: number;
  finishedAt: number;
  /** The agent cancelled the run. @default false */
  cancelled?: boolean;
}

function short(keyId: string | null): string {
  return keyId ? keyId.slice(0, 8) : '?';
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

/** What the inventory alone says about a connection (report mode, or nothing done). */
function describeStatus(
  c: ConnectionReport,
  action: ReportInput['action'],
): Pick<ConnectionRow, 'detail' | 'next'> {
  if (c.problem) return { detail: c.problem.message, next: c.problem.fix };
  if (c.federation?.kind === 'legacy_issuer' && c.daysLeft !== null) {
    const left = c.daysLeft < 0 ? 'retired since 2027-07-01' : `${c.daysLeft} days left until 2027-07-01`;
    return {
      detail: `${c.federation.note} ${left[0]!.toUpperCase()}${left.slice(1)}.`,
      next: 'Move it to the Entra issuer: run this task with action "migrate", or open the connection in Azure DevOps and press Update.',
    };
  }
  if (c.federation) return { detail: `${c.scheme}: no secret to expire. ${c.federation.note}`, next: '' };
  if (c.secretless) return { detail: `${c.scheme}: no secret to expire.`, next: '' };
  if (!c.credential || c.expiresAt === null) return { detail: 'No credential found.', next: '' };
  const what = c.credential.kind === 'certificate' ? 'Certificate' : 'Secret';
  const noun = c.credential.kind === 'certificate' ? 'certificate' : 'secret';
  const how =
    c.credential.attribution === 'recorded'
      ? 'recorded by this task'
      : c.credential.attribution === 'inferred'
        ? `the only valid ${noun} of the app`
        : `soonest of ${c.credential.candidates} candidate ${noun}s`;
  const when =
    c.status === 'expired'
      ? `expired ${day(c.expiresAt)}`
      : `valid until ${day(c.expiresAt)} (${c.daysLeft} days)`;
  const check = c.attributionCheck;
  const verified =
    check?.outcome === 'verified'
      ? ' TestConnection passes with the stored secret.'
      : check
        ? ` ${check.detail}`
        : '';
  const detail = `${what} ${short(c.credential.keyId)} ${when}, ${how}.${verified}`;
  if (c.status === 'ok') return { detail, next: '' };
  const next =
    action === 'report'
      ? "Rotate it: run this task with action 'rotate', or renew the secret and update the connection."
      : 'It is not due for rotation yet under rotateWithinDays; it will be rotated when it is.';
  return { detail, next };
}

/**
 * What happens to the secret a rotation replaced (spec §10): ours is revoked in this run once the
 * grace is over (`revokeAfterHours: 0`), else by the first run after it; a foreign one (not minted
 * by this task) is never revoked and is named by its full keyId for its owner.
 */
function previousSecretNext(
  c: ConnectionReport,
  entry: PlanEntry,
  result: RotationResult,
  revokeAfterHours: number,
  oldOwn: boolean,
  finishedAt: number,
): string {
  const removed = new Set(result.removedKeyIds.map((k) => k.toLowerCase()));
  const superseded = entry.supersedes ?? [];
  if (superseded.length > 0 && superseded.every((k) => removed.has(k.toLowerCase()))) {
    return `The previous secret ${superseded.join(', ')} was revoked in this run.`;
  }
  if (superseded.length > 0 || oldOwn) {
    const which = superseded.length > 0 ? ` ${superseded.join(', ')}` : '';
    const from = new Date(finishedAt + revokeAfterHours * 3_600_000).toISOString();
    return `The previous secret${which} is revoked by the first run from ${from} (revokeAfterHours ${revokeAfterHours}).`;
  }
  const foreign =
    entry.foreign ??
    (c.credential ? { keyId: c.credential.keyId, displayName: c.credential.displayName } : null);
  if (!foreign) return '';
  const name = foreign.displayName ? ` ("${foreign.displayName}")` : '';
  return `The previous secret keyId ${foreign.keyId}${name} was not minted by this task and is never revoked by it: remove it from the app once nothing else uses it.`;
}

function row(c: ConnectionReport): ConnectionRow {
  return {
    id: c.id,
    name: c.name,
    projects: c.projects.map((p) => p.projectName),
    scheme: c.scheme,
    creationMode: c.creationMode,
    appId: c.appId,
    statusBefore: c.status,
    status: c.status,
    daysLeft: c.daysLeft,
    expiresAt: c.expiresAt,
    ...(c.credential ? { credentialKind: c.credential.kind } : {}),
    keyId: c.credential?.keyId ?? null,
    attribution: c.credential?.attribution ?? 'none',
    action: 'none',
    detail: '',
    next: '',
    failed: c.problem?.actionRequired ?? false,
    needsAction: false,
    code: c.problem?.code ?? null,
    tookOver: false,
    removedKeyIds: [],
    ...(c.federation ? { federation: c.federation.kind } : {}),
  };
}

function applyResult(
  base: ConnectionRow,
  c: ConnectionReport,
  entry: PlanEntry,
  result: RotationResult,
  input: ReportInput,
): ConnectionRow {
  const policy = input.plan?.policy ?? input.policy;
  const r = { ...base, removedKeyIds: [...result.removedKeyIds], tookOver: result.tookOver };
  const removed = result.removedKeyIds.length
    ? ` Revoked ${result.removedKeyIds.length} superseded secret(s): ${result.removedKeyIds.map(short).join(', ')}.`
    : '';
  switch (result.action) {
    case 'rotated': {
      const end =
        result.newExpiresAt ??
        new Date(input.finishedAt + policy.secretLifetimeDays * MS_PER_DAY).toISOString();
      const endMs = Date.parse(end);
      const thresholds = input.inventory.thresholds;
      const took = result.tookOver
        ? ' Switched from Automatic to Manual: this task manages its secret from now on.'
        : '';
      const oldOwn = c.credential?.attribution === 'recorded';
      return {
        ...r,
        action: 'rotated',
        status: expiryStatus(endMs, input.finishedAt, thresholds),
        daysLeft: daysLeft(endMs, input.finishedAt),
        expiresAt: end,
        // A certificate connection is rotated to a new certificate (#15), a secret one to a secret.
        credentialKind: c.credential?.kind ?? 'secret',
        keyId: result.newKeyId,
        attribution: 'recorded',
        detail: `Rotated (${entry.rotate?.reason ?? 'due'}): new secret ${short(result.newKeyId)} valid until ${day(end)}.${took}${removed}`,
        next: previousSecretNext(c, entry, result, policy.revokeAfterHours, oldOwn, input.finishedAt),
        failed: false,
        code: result.error?.code ?? null,
      };
    }
    case 'retired':
    case 'cleaned': {
      const status = describeStatus(c, input.action);
      return {
        ...r,
        action: result.action,
        detail: `${status.detail}${removed}`,
        next: result.error ? `${result.error.message} ${result.error.fix}` : status.next,
        code: result.error?.code ?? r.code,
      };
    }
    case 'failed':
      return {
        ...r,
        action: 'failed',
        detail: result.error?.message ?? 'Rotation failed.',
        next: result.error?.fix ?? '',
        failed: true,
        code: result.error?.code ?? 'internal',
      };
    case 'race_lost':
      return {
        ...r,
        action: 'race_lost',
        detail: `Another rotation run switched this connection at the same time; this run removed its own new secret.${removed}`,
        next: 'Two rotation runs overlapped: let only one pipeline rotate these connections, or schedule them apart.',
        needsAction: true,
        code: 'rotation.race_lost',
      };
    case 'skipped': {
      const skip = result.skip ?? entry.skip;
      if (c.problem) return { ...r, action: 'skipped', ...describeStatus(c, input.action) };
      // Not started because the run was cancelled.
      if (!skip && result.error) {
        return {
          ...r,
          action: 'skipped',
          detail: result.error.message,
          next: result.error.fix,
          code: result.error.code,
        };
      }
      return {
        ...r,
        action: 'skipped',
        detail: skip?.message ?? 'Skipped.',
        next: nextStep(skip),
        needsAction: skip?.actionRequired ?? false,
        code: skip?.code ?? null,
      };
    }
    default:
      return { ...r, action: 'none', ...describeStatus(c, input.action) };
  }
}

/** The report of the run. */
export function buildReport(input: ReportInput): RunReport {
  const { inventory, plan, results } = input;
  const policy = plan?.policy ?? input.policy;
  const entries = new Map((plan?.entries ?? []).map((e) => [e.connectionId, e]));
  const outcomes = new Map((results ?? []).map((r) => [r.connectionId, r]));
  const connections = inventory.connections.map((c) => {
    const base = row(c);
    const entry = entries.get(c.id);
    const result = outcomes.get(c.id);
    if (entry && result) return applyResult(base, c, entry, result, input);
    if (entry && input.dryRun) return dryRunRow(base, c, entry, input.action);
    return { ...base, ...describeStatus(c, input.action) };
  });
  return {
    schemaVersion: 1,
    tool: { name: 'ServiceConnectionRotator', version: input.version },
    organizationUrl: inventory.organizationUrl,
    action: input.action,
    dryRun: input.action === 'rotate' && input.dryRun,
    startedAt: new Date(input.startedAt).toISOString(),
    finishedAt: new Date(input.finishedAt).toISOString(),
    thresholds: { ...inventory.thresholds },
    policy: {
      rotateWithinDays: policy.rotateWithinDays,
      secretLifetimeDays: policy.secretLifetimeDays,
      revokeAfterHours: policy.revokeAfterHours,
      automaticConnections: policy.automaticConnections,
      forceRotation: policy.forceRotation ?? false,
    },
    projects: inventory.projects.map((p) => p.name),
    connections,
    ...(inventory.danglingCredentials?.length
      ? { danglingCredentials: inventory.danglingCredentials.map((d) => ({ ...d })) }
      : {}),
    ...(input.cancelled ? { cancelled: true as const } : {}),
  };
}

function dryRunRow(
  base: ConnectionRow,
  c: ConnectionReport,
  entry: PlanEntry,
  action: ReportInput['action'],
): ConnectionRow {
  const status = describeStatus(c, action);
  const cleanup = entry.retire.length + entry.removeOrphans.length;
  const also = cleanup
    ? ` Would revoke ${cleanup} superseded or orphaned secret(s) minted by this task.`
    : '';
  switch (entry.action) {
    case 'rotate':
      return {
        ...base,
        action: 'would_rotate',
        detail: `Would rotate: ${entry.rotate?.message ?? 'due'}${entry.takeOver ? ' Would switch it from Automatic to Manual.' : ''}${also}`,
        next: 'Run without dryRun to rotate.',
      };
    case 'skip':
      if (c.problem) return { ...base, action: 'skipped', ...status };
      return {
        ...base,
        action: 'skipped',
        detail: entry.skip?.message ?? 'Skipped.',
        next: nextStep(entry.skip),
        needsAction: entry.skip?.actionRequired ?? false,
        code: entry.skip?.code ?? null,
      };
    case 'cleanup':
      return { ...base, action: 'none', detail: `${status.detail}${also}`, next: status.next };
    default:
      return { ...base, ...status };
  }
}

/** A skip's next step; none when there is nothing to do (a secretless connection). */
function nextStep(skip: SkipReason | null | undefined): string {
  if (!skip || skip.code === 'secretless') return '';
  return skip.fix;
}

/**
 * Why the planner leaves a connection alone, in words a user can act on.
 */
import type { ConnectionReport, ProblemCode } from '../inventory/types';

/** Codes of {@link SkipReason}: the planner's own, or the inventory problem that blocks rotation. */
export type SkipCode =
  | 'secretless'
  | 'certificate'
  | 'automatic_report'
  | 'connection_disabled'
  | 'connection_not_ready'
  | 'not_evaluated'
  | Exclude<ProblemCode, 'no_password' | 'recorded_credential_missing' | 'stored_secret_rejected'>;

/** Why a connection is not changed, and whether the user must do something about it. */
export interface SkipReason {
  code: SkipCode;
  message: string;
  fix: string;
  /** True when the user must act (the task then ends SucceededWithIssues at least). */
  actionRequired: boolean;
}

type OwnSkipCode = Exclude<SkipCode, ProblemCode>;

/**
 * The skip reason `code` for `report`. `due` says whether the connection would be due for
 * rotation: a skipped connection that is due needs a person, one that is not only a note.
 */
export function skipReason(code: OwnSkipCode, report: ConnectionReport, due: boolean): SkipReason {
  const name = `"${report.name}"`;
  const when = report.expiresAt ? ` before ${report.expiresAt}` : '';
  switch (code) {
    case 'secretless':
      return {
        code,
        message: `${name} uses ${report.scheme}: it has no secret to rotate.`,
        fix: 'Nothing to do.',
        actionRequired: false,
      };
    case 'certificate':
      return {
        code,
        message: `${name} signs in with a certificate: reported, not changed, because certificateConnections is "report".`,
        fix: due
          ? `Set certificateConnections to "rotate" so this task rotates it${when}, or upload a new certificate to the app registration and update the connection by hand, or convert the connection to workload identity federation.`
          : 'Nothing to do now; this task reports the certificate expiry.',
        actionRequired: due,
      };
    case 'automatic_report':
      return {
        code,
        message: `${name} is an Automatic connection (Azure DevOps manages its secret): reported, not changed, because automaticConnections is "report".`,
        fix: due
          ? `Azure DevOps renews the secret of an Automatic connection only when a person edits and saves it: open the connection, verify and save it${when}. Or set automaticConnections to "takeOver" so this task rotates it (the connection becomes Manual).`
          : 'Nothing to do now. Azure DevOps renews its secret only when a person edits and saves the connection; automaticConnections "takeOver" lets this task rotate it.',
        actionRequired: due,
      };
    case 'connection_disabled':
      return {
        code,
        message: `${name} is disabled; disabled connections cannot be updated.`,
        fix: due
          ? 'Enable the connection and run again, or delete it if it is no longer used.'
          : 'Nothing to do now.',
        actionRequired: due,
      };
    case 'connection_not_ready':
      return {
        code,
        message: `${name} is not ready: an operation on it is in progress or failed.`,
        fix: 'Open the connection in Azure DevOps, let the operation finish or fix what failed, then run again.',
        actionRequired: due,
      };
    case 'not_evaluated':
      return {
        code,
        message: `${name} could not be evaluated, so it is not changed.`,
        fix: 'See the status of the connection in the report.',
        actionRequired: true,
      };
  }
}

/**
 * Why the migration leaves a connection alone, in words a user can act on (spec §8 point 3).
 */
import type { ConnectionReport } from '../inventory/types';
import type { MigrationSkip, MigrationSkipCode } from './types';

/** Most federated credentials an application may hold (azure-apis.md §2.4). */
export const MAX_FEDERATED_CREDENTIALS = 20;

/** The reason, in words a user can act on. */
export function migrationSkip(
  code: MigrationSkipCode,
  report: ConnectionReport,
  detail = '',
  deadline: string | null = null,
): MigrationSkip {
  const name = `"${report.name}"`;
  const note = (message: string, fix = 'Nothing to do.'): MigrationSkip => ({
    code,
    message,
    fix,
    actionRequired: false,
  });
  const act = (message: string, fix: string): MigrationSkip => ({ code, message, fix, actionRequired: true });
  switch (code) {
    case 'managed_identity':
      return note(
        `${name} uses a managed identity; its federated credentials live in Azure Resource Manager and are not migrated.`,
      );
    case 'multitenant':
      return note(
        `${name} uses a multitenant app (${detail}); the Entra issuer does not support it (AADSTS70052), so it keeps the Azure DevOps issuer.`,
      );
    case 'non_public_cloud':
      return note(
        `${name} is in ${detail}; non-public clouds keep the Azure DevOps issuer and are not migrated.`,
      );
    case 'unsupported_scheme':
      return note(`${name} uses ${report.scheme}, which is not migrated.`);
    case 'not_converted':
      return note(`${name} ${detail}`);
    case 'fic_limit':
      return act(
        `${name}: its app already holds ${MAX_FEDERATED_CREDENTIALS} federated credentials, the most Entra allows; nothing was written.`,
        'Delete a federated credential the app no longer needs (Entra admin center → App registrations → Certificates & secrets → Federated credentials), then run again.',
      );
    case 'not_administrator':
      return act(
        `${name}: the identity is not an Administrator of the connection, so nothing was written for it (not even a federated credential).`,
        `Grant the identity the "Administrator" role on the service connection '${report.name}' (Project settings → Service connections → Security), or exclude it with '!${report.name}' in connections.`,
      );
    case 'not_evaluated':
      return act(
        `${name} could not be evaluated, so it is not migrated.`,
        'See the status of the connection in the report.',
      );
    case 'connection_disabled':
      return act(
        `${name} is disabled; disabled connections cannot be updated.`,
        'Enable the connection and run again, or exclude it.',
      );
    case 'connection_not_ready':
      return act(
        `${name} is not ready: an operation on it failed or is pending.`,
        'Open the connection in Azure DevOps, fix what failed, then run again.',
      );
    case 'subject_unexpected':
      return act(
        `${name} federates with an issuer and subject other than the computed ones (${detail}); nothing more is changed.`,
        "Compare the connection with its app's federated credentials; the report names the expected issuer and subject.",
      );
    case 'revert_window_closed':
      return act(
        `${name}: the revert window ended at ${deadline}; Azure DevOps can no longer restore its secret, so no request was sent.`,
        'Create a new secret or certificate and edit the connection by hand to go back, or keep workload identity federation.',
      );
  }
}

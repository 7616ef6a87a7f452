/**
 * The words for each {@link ProblemCode}: what is wrong, naming the connection and app, and what
 * the user should do. Kept in one place so the summary, the report and the docs agree.
 */
import type { Problem } from './types';

/** Facts a problem message may name. */
export interface ProblemContext {
  connectionName: string;
  appId?: string | null;
  tenantId?: string | null;
  rotatorTenantId?: string;
  scheme?: string;
  keyId?: string;
  detail?: string;
  /** Replaces the default fix (federation problems name their own). */
  fix?: string;
}

const READ_PERMISSION =
  "Grant the rotator's identity the Microsoft Graph application permission Application.Read.All " +
  "(Application.ReadWrite.All to rotate), or make the rotator's service principal an owner of the app " +
  'and grant it Application.ReadWrite.OwnedBy.';

/** Builds the problem `code` for the connection described by `ctx`. */
export function problem(code: Problem['code'], ctx: ProblemContext): Problem {
  const name = `"${ctx.connectionName}"`;
  const app = `application ${ctx.appId ?? '(none)'}`;
  switch (code) {
    case 'app_not_found':
      return {
        code,
        message: `The ${app} behind ${name} was not found in tenant ${ctx.tenantId}.`,
        fix: 'Check the service principal (client) id of the connection. If the app registration was deleted, create a new one and update the connection, or delete the connection.',
        actionRequired: true,
      };
    case 'app_not_readable':
      return {
        code,
        message: `The rotator may not read the ${app} behind ${name} in Microsoft Graph${suffix(ctx.detail)}.`,
        fix: READ_PERMISSION,
        actionRequired: true,
      };
    case 'lookup_failed':
      return {
        code,
        message: `The ${app} behind ${name} could not be looked up in Microsoft Graph${suffix(ctx.detail)}.`,
        fix: 'Run the task again; if it keeps failing, check that the agent can reach Microsoft Graph (the graphUrl input) and the error named here.',
        actionRequired: true,
      };
    case 'other_tenant':
      return {
        code,
        message: `${name} signs in to tenant ${ctx.tenantId}; the rotator works in tenant ${ctx.rotatorTenantId}.`,
        fix: `Watch this connection with a rotator connection in tenant ${ctx.tenantId}, and exclude it here with "!${ctx.connectionName}".`,
        actionRequired: true,
      };
    case 'service_principal_disabled':
      return {
        code,
        message: `The service principal of ${app} is disabled in tenant ${ctx.tenantId}: nothing can sign in with ${name}.`,
        fix: 'Enable the service principal (Entra ID → Enterprise applications → Properties → "Enabled for users to sign in"), or delete the connection if it is no longer used.',
        actionRequired: true,
      };
    case 'no_app_reference':
      return {
        code,
        message: `${name} names no tenant id or service principal (client) id.`,
        fix: 'Edit the connection and set its tenant id and service principal (client) id.',
        actionRequired: true,
      };
    case 'no_password':
      return {
        code,
        message: `The ${app} has no client secret ${name} could be using: the connection cannot sign in.`,
        fix: 'Run the task with action "rotate" to install a new secret, or add one in Entra ID and update the connection.',
        actionRequired: true,
      };
    case 'recorded_credential_missing':
      return {
        code,
        message: `The client secret recorded on ${name} (keyId ${ctx.keyId}) is no longer on ${app}: the stored secret no longer works.`,
        fix: 'Run the task with action "rotate" to install a new secret, and find out who removed the secret.',
        actionRequired: true,
      };
    case 'stored_secret_rejected':
      return {
        code,
        message: `TestConnection of ${name} fails: ${ctx.detail ?? 'Entra ID refuses its stored secret.'}`,
        fix: 'Run the task with action "rotate" to install a new secret (the connection is due now), or update the connection with a valid secret. The valid secret the app still holds is not the one the connection uses: it belongs to another consumer (or to nobody), and this task never removes it.',
        actionRequired: true,
      };
    case 'no_certificate':
      return {
        code,
        message: `The ${app} has no certificate ${name} could be using: the connection cannot sign in.`,
        fix: 'Upload a new certificate to the app registration and update the connection by hand; certificateConnections: rotate only rotates a certificate the app still holds.',
        actionRequired: true,
      };
    case 'certificate_not_readable':
      return {
        code,
        message: `The certificates of ${app} behind ${name} could not be read, so their expiry is unknown.`,
        fix: `Check the certificate's expiry in Entra ID (App registrations → Certificates & secrets). ${READ_PERMISSION}`,
        actionRequired: false,
      };
    case 'federation_mismatch':
      return {
        code,
        message: `${name} cannot sign in with ${app}: ${ctx.detail ?? 'no federated credential matches.'}`,
        fix:
          ctx.fix ??
          `Add to ${app} a federated credential with exactly that issuer, subject and audience (Entra ID → App registrations → Certificates & secrets → Federated credentials → Other issuer), or correct the nearest one. A renamed organization, project or connection changes an sc:// subject; converting the connection to the Entra issuer (action "migrate") gives it a subject that survives renames.`,
        actionRequired: true,
      };
    case 'federation_not_checked':
      return {
        code,
        message: `The federation of ${name} (${app}) was not checked: ${ctx.detail ?? 'its federated credentials were not read.'}`,
        fix: `Check in Entra ID that ${app} has a federated credential with the issuer and subject the connection shows in Azure DevOps. ${READ_PERMISSION}`,
        actionRequired: false,
      };
    case 'unsupported_scheme':
      return {
        code,
        message: `${name} uses the ${ctx.scheme} scheme, which this product does not evaluate.`,
        fix: 'Nothing to do here; consider converting the connection to workload identity federation.',
        actionRequired: false,
      };
  }
}

function suffix(detail: string | undefined): string {
  return detail ? ` (${detail})` : '';
}

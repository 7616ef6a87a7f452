import type { EmulatorContext } from '../context';
import type { Reply } from '../http/types';
import type { ServiceConnection } from '../state/model';
import type { ParsedEndpoint } from './endpoint-validation';
import { badRequest } from './errors';
import { connectionSubject, oidcIssuer, TOKEN_EXCHANGE_AUDIENCE } from './workload-identity';

const REVERT_WINDOW_MS = 7 * 86_400_000;

/**
 * `operation=ConvertAuthenticationScheme` from ServicePrincipal to WorkloadIdentityFederation, the
 * synchronous case only: it succeeds when the app already trusts the connection's issuer and
 * subject (a federated credential exists), drops the secret parameters and sets
 * `revertSchemeDeadline` (azure-apis.md §1.9). Creating the federated credential itself and the
 * revert are not modelled.
 */
export function convertToWorkloadIdentity(
  ctx: EmulatorContext,
  connection: ServiceConnection,
  parsed: ParsedEndpoint,
): ParsedEndpoint | Reply {
  if (connection.scheme !== 'ServicePrincipal' || parsed.scheme !== 'WorkloadIdentityFederation') {
    return badRequest(
      `The emulator converts only from ServicePrincipal to WorkloadIdentityFederation, not from '${connection.scheme}' to '${parsed.scheme}'.`,
    );
  }
  const app = ctx.store.applicationByAppId(connection.parameters['serviceprincipalid'] ?? '');
  const issuer = oidcIssuer(ctx.store);
  const subject = connectionSubject(ctx.store, connection);
  const trusted = app?.federatedIdentityCredentials.some(
    (f) => f.issuer === issuer && f.subject === subject && f.audiences.includes(TOKEN_EXCHANGE_AUDIENCE),
  );
  if (!trusted) {
    return badRequest(
      `The authorization scheme could not be upgraded to WorkloadIdentityFederation because the service principal could not be configured automatically, and no valid configuration exists.`,
    );
  }
  const parameters: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(parsed.parameters)) {
    if (key === 'tenantid' || key === 'serviceprincipalid' || key === 'scope') parameters[key] = value;
  }
  const data = {
    ...parsed.data,
    revertSchemeDeadline: new Date(ctx.clock.nowMs() + REVERT_WINDOW_MS).toISOString(),
  };
  return { ...parsed, parameters, data };
}

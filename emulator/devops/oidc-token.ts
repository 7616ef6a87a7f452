import { randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../context';
import { signJwt } from '../core/jwt';
import { json, type Reply, type RequestContext } from '../http/types';
import { isAzureRm } from '../state/endpoint-fields';
import { admit } from './auth';
import { accessDenied, hasRole, requireConnection } from './connection-access';
import { adoError, badRequest, projectNotFound } from './errors';
import { LOCATIONS } from './locations';
import { federationOf, TOKEN_EXCHANGE_AUDIENCE } from './workload-identity';

/** Short on purpose, so clients must fetch a fresh one instead of caching it (azure-apis.md §3, 700024). */
export const OIDC_TOKEN_LIFETIME_S = 300;

/**
 * `POST {org}/{projectId}/_apis/distributedtask/hubs/{hub}/plans/{planId}/jobs/{jobId}/oidctoken?serviceConnectionId=…`
 * (SPEC `distributedTask/7.1/task.json` `Oidctoken_Create`; the route behind `System.OidcRequestUri`,
 * azure-apis.md §4.2). Only a job token may ask, only for a workload identity federation connection
 * in that project. The token: RS256, the connection's issuer and subject (legacy `sc://` or Entra), audience
 * `api://AzureADTokenExchange`.
 */
export function createOidcToken(ctx: EmulatorContext, req: RequestContext): Reply {
  const identity = admit(ctx, req, LOCATIONS.oidcToken);
  if ('status' in identity) return identity;
  if (identity.kind !== 'build') {
    return adoError(
      403,
      'AccessCheckException',
      'Only a pipeline job access token can request an OIDC token.',
      'security',
    );
  }
  const projectKey = req.params['project'] ?? '';
  const project = ctx.store.project(projectKey);
  if (!project) return projectNotFound(projectKey);
  const connectionId = req.query.get('serviceConnectionId');
  if (!connectionId) return badRequest('Value cannot be null.\r\nParameter name: serviceConnectionId');
  const connection = requireConnection(ctx, identity, connectionId, project);
  if ('status' in connection) return connection;
  if (!hasRole(identity, connection, 'User')) return accessDenied(identity, connection, 'User', 'use it');
  if (!isAzureRm(connection.type) || connection.scheme !== 'WorkloadIdentityFederation') {
    return badRequest(`Service connection '${connection.name}' does not use workload identity federation.`);
  }
  const now = Math.floor(ctx.clock.nowMs() / 1000);
  // The connection's issuer: the legacy one, or Entra's once it was moved (its tokens are then
  // Entra-issued; here the emulator's OIDC key signs both).
  const { issuer, subject } = federationOf(ctx.store, connection);
  const oidcToken = signJwt(
    {
      jti: randomUUID(),
      sub: subject,
      aud: TOKEN_EXCHANGE_AUDIENCE,
      iss: issuer,
      nbf: now,
      iat: now,
      exp: now + OIDC_TOKEN_LIFETIME_S,
    },
    ctx.oidcKey,
  );
  return json(200, { oidcToken });
}
